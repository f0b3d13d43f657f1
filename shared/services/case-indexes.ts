import { shanghaiDate, type WorkingCalendar } from '../domain/calendar.js';
import type { DeliveryRules } from '../domain/delivery.js';
import type { EscalationLevel } from '../domain/escalation.js';
import type { LampThresholds } from '../domain/lamps.js';
import type { IsoDate, StageCase } from '../domain/model.js';
import { nextCheckDate } from '../domain/progress.js';
import { isOpen } from '../domain/stage-case.js';
import { dueDate } from '../domain/time-limits.js';
import type { IndexEntry } from '../ports/store.js';

/** Every index entry a stage case has in its current state; the store replaces the old set. */
export function caseIndexes(
  cal: WorkingCalendar,
  c: StageCase,
  today: IsoDate,
  thresholds: LampThresholds,
  /** the escalation ladder: an overdue item stays due until every level was told */
  ladder: readonly EscalationLevel[] = [],
  /** 送达: the delivery window of decided items keeps the case due */
  delivery?: DeliveryRules,
): IndexEntry[] {
  const entries: IndexEntry[] = [
    { index: 'applicant', key: `stageCase:${c.applicant.creditCode}`, sort: `${c.submittedAt}#${c.id}` },
    { index: 'projectCases', key: c.projectId, sort: `${c.stage}#${c.submittedAt}#${c.id}` },
    { index: 'status', key: `stageCase:${c.status}`, sort: `${c.submittedAt}#${c.id}` },
  ];
  // 首接负责: the accepting unit follows its cases to the end (and the 容缺 ledger reads them)
  if (c.firstReceiver) {
    entries.push({
      index: 'status',
      key: `stageCase:firstReceiver:${c.firstReceiver.unit}`,
      sort: `${c.submittedAt}#${c.id}`,
    });
  }
  if (c.status === 'submitted') {
    entries.push({ index: 'acceptance', key: c.province, sort: `${c.acceptDueDate}#${c.id}` });
  }
  let provisional = c.status === 'submitted' && c.acceptProvisional;
  if (c.deficiencies.some((d) => d.status === 'open' && d.provisional)) provisional = true;
  if (c.status === 'underReview') {
    for (const item of c.items) {
      if (item.decision || !item.startDate) continue;
      const due = dueDate(cal, item.startDate, item.promisedDays, item.clockStops, today);
      if (due.provisional) provisional = true;
      entries.push({ index: 'inbox', key: item.department, sort: `${due.date}#${c.id}#${item.code}` });
    }
  }
  // Executions are disposable: after a restart every case listed here re-enters its workflow.
  if (isOpen(c) || ((c.status === 'approved' || c.status === 'rejected') && !c.stageClosedAt)) {
    entries.push({ index: 'status', key: 'stageCase:workflowOpen', sort: `${c.submittedAt}#${c.id}` });
  }
  // report lists: the month a case was submitted and closed in (月通报, 年度评估), and the open
  // cases whose lamps have turned (周调度)
  entries.push({
    index: 'status',
    key: `stageCase:submittedIn:${shanghaiDate(c.submittedAt).slice(0, 7)}`,
    sort: `${c.submittedAt}#${c.id}`,
  });
  // 撤销 often comes in a later year than the case closed: the annual evaluation finds it by month
  for (const month of new Set(
    c.items.flatMap((i) => (i.decision?.revoked ? [shanghaiDate(i.decision.revoked.at).slice(0, 7)] : [])),
  )) {
    entries.push({ index: 'status', key: `stageCase:revokedIn:${month}`, sort: `${c.submittedAt}#${c.id}` });
  }
  if (c.closedAt) {
    entries.push({
      index: 'status',
      key: `stageCase:closedIn:${shanghaiDate(c.closedAt).slice(0, 7)}`,
      sort: `${c.closedAt}#${c.id}`,
    });
  }
  if (c.status === 'underReview' || c.status === 'submitted') {
    const lamps = c.items.filter((i) => !i.decision).map((i) => i.lampNotified ?? 'green');
    const worst =
      c.acceptOverdueNotified || lamps.includes('red')
        ? 'red'
        : lamps.includes('yellow')
          ? 'yellow'
          : undefined;
    if (worst)
      entries.push({ index: 'status', key: `stageCase:lamp:${worst}`, sort: `${c.submittedAt}#${c.id}` });
  }
  if (provisional) entries.push({ index: 'status', key: 'stageCase:provisional', sort: c.id });
  // closed cases too: open 容缺 commitments and an unanswered feedback request keep them due
  const next = nextCheckDate(cal, c, today, thresholds, ladder, delivery);
  if (next) entries.push({ index: 'due', key: c.province, sort: `${next}#${c.id}` });
  return entries;
}
