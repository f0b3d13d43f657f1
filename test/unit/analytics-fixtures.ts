/**
 * Closed and open stage cases for the analytics and forecast tests, built the service's way (submit,
 * accept) and then given their decisions, clock stops and feedback by hand, so that every figure can
 * be counted on the calendar: 2025's National Day holiday runs 1–8 October, with Sunday 28 September
 * and Saturday 11 October worked instead.
 */
import type { ClockStop, IsoDate, StageCase } from '../../shared/domain/model.js';
import { acceptOn, at, submit } from './fixtures.js';

export interface ItemPlan {
  code: 'landPreExaminationSiting' | 'landUsePlanningPermit';
  /** default: the catalogue's department (nrp) */
  department?: string;
  decidedOn?: IsoDate;
  stops?: ClockStop[];
  recognised?: boolean;
  outcome?: 'approve' | 'reject';
}

export function caseWith(
  id: string,
  submittedOn: IsoDate,
  acceptedOn: IsoDate,
  items: ItemPlan[],
  extra: { closedOn?: IsoDate; satisfaction?: 1 | 2 | 3 | 4 | 5 } = {},
): StageCase {
  const accepted = acceptOn(submit({ id, day: submittedOn }), acceptedOn);
  const planned = accepted.items.map((item) => {
    const plan = items.find((p) => p.code === item.code);
    if (!plan) return item;
    return {
      ...item,
      department: plan.department ?? item.department,
      clockStops: plan.stops ?? [],
      ...(plan.decidedOn
        ? {
            status: plan.recognised ? ('recognised' as const) : ('approved' as const),
            decision: {
              outcome: plan.outcome ?? ('approve' as const),
              by: 'rev-1',
              at: at(plan.decidedOn),
              ...(plan.recognised
                ? {
                    recognition: {
                      origin: 'ZJ',
                      eventId: 'e-1',
                      caseId: 'ZJ-C-1',
                      itemCode: item.code,
                      resultNo: 'ZJ-1',
                      resultHash: 'a'.repeat(64),
                      contentHash: 'b'.repeat(64),
                      signature: 'sig',
                      keyId: 'k-1',
                      decidedAt: at(plan.decidedOn),
                      receivedAt: at(plan.decidedOn),
                    },
                  }
                : {}),
            },
          }
        : {}),
    };
  });
  return {
    ...accepted,
    items: planned,
    ...(extra.closedOn ? { status: 'approved' as const, closedAt: at(extra.closedOn, 16) } : {}),
    ...(extra.satisfaction
      ? {
          feedback: {
            satisfaction: extra.satisfaction,
            by: 'app-1',
            at: at(extra.closedOn ?? acceptedOn, 17),
          },
        }
      : {}),
  };
}
