import { DomainError } from '../domain/errors.js';
import { dueReports, reportNotices, type ScheduledReport } from '../domain/report-schedule.js';
import type { CalendarService } from './calendar.js';
import { SYSTEM_ACTOR } from './context.js';
import type { Deps } from './deps.js';
import { newNotification, notificationChange } from './notifications.js';
import type { ReportService } from './reports.js';
import { commit, nowIso } from './unit-of-work.js';

/** The working group (专项工作组): the supervisors' role inbox, and the webhook that mirrors notices. */
const WORKING_GROUP = 'role:supervisor';

/**
 * Sends the reports whose time has come (report-schedule.ts) to the working group: a notice with
 * the headline figures, which also goes out on the webhook. Each report is recorded with its notice
 * in one commit under a key only it has, so two senders at once (or a rerun) send it once.
 * Returns the keys sent in this run.
 */
export async function deliverScheduledReports(
  deps: Deps,
  reports: ReportService,
  calendar: CalendarService,
): Promise<string[]> {
  const sent: string[] = [];
  for (const report of dueReports(deps.clock.now(), await calendar.current())) {
    if (await deps.store.get('reportDelivery', report.key)) continue;
    const text = await noticeOf(report, reports);
    const at = nowIso(deps);
    const note = newNotification(deps, WORKING_GROUP, text, {}, at);
    try {
      await commit(deps, { actor: SYSTEM_ACTOR }, [
        {
          kind: 'reportDelivery',
          id: report.key,
          expectedVersion: 0,
          value: { ...report, sentAt: at, notificationId: note.id },
          indexes: [],
          events: [{ type: 'ReportDelivered', actor: SYSTEM_ACTOR.id, at, data: { key: report.key } }],
        },
        notificationChange(note),
      ]);
      sent.push(report.key);
    } catch (err) {
      // another sender recorded it first: it went out once, from there
      if (!(err instanceof DomainError && err.code === 'VERSION_CONFLICT')) throw err;
    }
  }
  return sent;
}

async function noticeOf(report: ScheduledReport, reports: ReportService) {
  const ctx = { actor: SYSTEM_ACTOR };
  if (report.kind === 'weeklyDispatch') {
    const r = await reports.weeklyDispatch(ctx, report.period);
    return reportNotices.weeklyDispatch(report, {
      red: r.red,
      yellow: r.yellow,
      forecastLate: r.forecastLate?.length ?? 0,
      overBudget: r.projects?.length ?? 0,
    });
  }
  const b = await reports.monthlyBulletin(ctx, report.period);
  return reportNotices.monthlyBulletin(report, {
    decided: b.total.decidedItems,
    onTimeRate: b.total.onTimeRate,
    late: b.total.overdue,
  });
}
