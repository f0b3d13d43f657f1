import { overdueCommitments } from '../domain/deficiency.js';
import type { Lamp, StageCase } from '../domain/model.js';
import { itemProgress } from '../domain/progress.js';
import type { CalendarService } from './calendar.js';
import type { CaseService } from './cases.js';
import { SYSTEM_ACTOR } from './context.js';
import type { Deps } from './deps.js';
import { today } from './unit-of-work.js';

export interface SweepReport {
  /** cases read from the due index */
  examined: number;
  /** cases changed */
  changed: number;
  terminated: number;
  lampChanges: { caseId: string; itemCode: string; lamp: Lamp }[];
}

const SEVERITY: Record<Lamp, number> = { green: 0, yellow: 1, red: 2 };

/**
 * 时限巡检: reads only cases whose next check date has come (the `due` index), turns lamps,
 * announces missed acceptance deadlines and terminates cases whose 容缺 commitments lapsed.
 * Each announcement is recorded on the case, so a second run (or two at once) adds nothing.
 */
export async function runSweep(
  deps: Deps,
  cases: CaseService,
  calendar: CalendarService,
): Promise<SweepReport> {
  const report: SweepReport = { examined: 0, changed: 0, terminated: 0, lampChanges: [] };
  const day = today(deps);
  const cal = await calendar.current();
  let cursor: string | undefined;
  do {
    const page = await deps.store.query('due', deps.province.code, {
      to: `${day}#\uffff`,
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    for (const hit of page.items) {
      report.examined += 1;
      const found = await deps.store.get<StageCase>('stageCase', hit.id);
      if (!found) continue;
      const lapsed = overdueCommitments(found.value.deficiencies, day);
      if (lapsed.length > 0 && found.value.status !== 'terminated') {
        const reason = `容缺材料未在期限内补齐：${lapsed.map((d) => d.materialCode).join('、')}`;
        await cases.terminate({ actor: SYSTEM_ACTOR }, hit.id, reason, true);
        report.terminated += 1;
        report.changed += 1;
        continue;
      }
      // Rebuilt on each attempt: a lost race re-decides on fresh state and must not report twice.
      let changes: SweepReport['lampChanges'] = [];
      const result = await cases.mutate({ actor: SYSTEM_ACTOR }, hit.id, undefined, async (c) => {
        changes = [];
        const events: { type: string; data: Record<string, unknown> }[] = [];
        let next = c;
        if (c.status === 'submitted' && day > c.acceptDueDate && !c.acceptOverdueNotified) {
          next = { ...next, acceptOverdueNotified: true };
          events.push({ type: 'AcceptanceOverdue', data: { acceptDueDate: c.acceptDueDate } });
        }
        if (c.status === 'underReview') {
          const items = c.items.map((item) => {
            if (item.decision) return item;
            const lamp = itemProgress(cal, item, day, deps.province.lamps).lamp;
            if (SEVERITY[lamp] <= SEVERITY[item.lampNotified ?? 'green']) return item;
            events.push({
              type: lamp === 'red' ? 'ItemOverdue' : 'ItemAtRisk',
              data: { itemCode: item.code, department: item.department, lamp },
            });
            changes.push({ caseId: c.id, itemCode: item.code, lamp });
            return { ...item, lampNotified: lamp };
          });
          if (events.length > 0) next = { ...next, items };
        }
        // Even with nothing to announce the indexes are rewritten, moving the next check forward.
        return { next: events.length > 0 ? next : { ...next }, events };
      });
      report.lampChanges.push(...changes);
      if (result.saved.value !== result.before) report.changed += 1;
    }
    cursor = page.cursor;
  } while (cursor);
  return report;
}
