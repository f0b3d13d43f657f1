/**
 * 容缺受理: a case accepted with secondary materials missing. The applicant commits to supplement
 * each one by a deadline that may not exceed the item's promised time limit.
 */
import type { WorkingCalendar } from './calendar.js';
import { invalid } from './errors.js';
import type { CommitmentLetter, DeficiencyCommitment, IsoDate } from './model.js';

/** The supplement deadline: `requestedDays` working days after acceptance. */
export function deficiencyDeadline(
  cal: WorkingCalendar,
  acceptedOn: IsoDate,
  requestedDays: number,
  promisedDays: number,
): { date: IsoDate; provisional: boolean } {
  if (!Number.isInteger(requestedDays) || requestedDays < 1) {
    throw invalid('INVALID_DEFICIENCY_DAYS', '容缺补齐期限应为至少1个工作日', { requestedDays });
  }
  if (requestedDays > promisedDays) {
    throw invalid(
      'DEFICIENCY_DEADLINE_BEYOND_LIMIT',
      `容缺补齐期限（${requestedDays}个工作日）不得超过该事项的承诺时限（${promisedDays}个工作日）`,
      { requestedDays, promisedDays },
    );
  }
  return cal.addWorkingDays(acceptedOn, requestedDays);
}

/** Open commitments whose last day to supplement has passed. */
export function overdueCommitments(
  commitments: DeficiencyCommitment[],
  today: IsoDate,
): DeficiencyCommitment[] {
  return commitments.filter((c) => c.status === 'open' && c.deadline < today);
}

/**
 * Whether a material may be missing under 容缺: the item's configuration lists it, and it is not a
 * core (实质性) material — a core material listed by mistake must still be complete.
 */
export function mayBeDeficient(
  item: { deficiencyAllowed: string[]; coreMaterials?: string[] },
  materialCode: string,
): boolean {
  return item.deficiencyAllowed.includes(materialCode) && !(item.coreMaterials ?? []).includes(materialCode);
}

/** Whether the applicant's letter promises every material the window lists as 容缺. */
export function letterCovers(
  letter:
    | { materials: Pick<CommitmentLetter['materials'][number], 'itemCode' | 'materialCode'>[] }
    | undefined,
  deficiencies: { itemCode: string; materialCode: string }[],
): boolean {
  if (!letter) return false;
  const promised = new Set(letter.materials.map((m) => `${m.itemCode}/${m.materialCode}`));
  return deficiencies.every((d) => promised.has(`${d.itemCode}/${d.materialCode}`));
}
