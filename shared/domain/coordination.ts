import type { ProvinceConfig } from '../config/province-config.js';
import type { WorkingCalendar } from './calendar.js';
import { shanghaiDate } from './calendar.js';
import type { LampThresholds } from './lamps.js';
import type {
  CaseStatus,
  DeficiencyCommitment,
  EscalationRecord,
  IsoDate,
  MaterialRef,
  StageCase,
  Versioned,
} from './model.js';
import { type ItemProgress, itemProgress } from './progress.js';

/**
 * 首接负责制 as the window sees it: the cases its unit coordinates, who holds each item, how late
 * it is and who was told; the 容缺 commitments of those cases; and which stored content belongs to
 * a case (so a reader of the case may read its materials and nothing else).
 */

const SHA256 = /^[0-9a-f]{64}$/;

/** The submitted material of the case with that content hash; a malformed hash matches nothing. */
export function caseMaterialOf(c: StageCase, sha256: string): MaterialRef | undefined {
  if (!SHA256.test(sha256)) return undefined;
  return c.materials.find((m) => m.sha256 === sha256);
}

/** What the ledger shows: `open` past its last day is overdue even before the sweeper marks it. */
export function effectiveDeficiencyStatus(
  d: DeficiencyCommitment,
  today: IsoDate,
): DeficiencyCommitment['status'] {
  return d.status === 'open' && d.deadline < today ? 'overdue' : d.status;
}

export interface DeficiencyLedgerRow {
  caseId: string;
  caseVersion: number;
  projectCode: string;
  projectName: string;
  applicantName: string;
  caseStatus: CaseStatus;
  itemCode: string;
  itemName: string;
  materialCode: string;
  materialName: string;
  grantedDays: number;
  deadline: IsoDate;
  provisional: boolean;
  status: DeficiencyCommitment['status'];
  supplementedAt?: string;
  remindedAt?: string;
}

/** Every 容缺 commitment of the cases, earliest deadline first; `status` filters on the effective status. */
export function deficiencyLedger(
  cases: Versioned<StageCase>[],
  province: Pick<ProvinceConfig, 'materials'>,
  today: IsoDate,
  status?: DeficiencyCommitment['status'],
): DeficiencyLedgerRow[] {
  const materialName = (code: string) => province.materials.find((m) => m.code === code)?.name ?? code;
  const rows = cases.flatMap(({ value: c, version }) =>
    c.deficiencies.map(
      (d): DeficiencyLedgerRow => ({
        caseId: c.id,
        caseVersion: version,
        projectCode: c.projectCode,
        projectName: c.projectName,
        applicantName: c.applicant.name,
        caseStatus: c.status,
        itemCode: d.itemCode,
        itemName: c.items.find((i) => i.code === d.itemCode)?.name ?? d.itemCode,
        materialCode: d.materialCode,
        materialName: materialName(d.materialCode),
        grantedDays: d.grantedDays,
        deadline: d.deadline,
        provisional: d.provisional,
        status: effectiveDeficiencyStatus(d, today),
        ...(d.supplementedAt ? { supplementedAt: d.supplementedAt } : {}),
        ...(d.remindedAt ? { remindedAt: d.remindedAt } : {}),
      }),
    ),
  );
  return rows
    .filter((r) => !status || r.status === status)
    .sort((a, b) => a.deadline.localeCompare(b.deadline) || a.caseId.localeCompare(b.caseId));
}

export interface CoordinatedItem extends ItemProgress {
  departmentName: string;
  /** who holds the item now: the named reviewer, else the department */
  holder:
    | { kind: 'assignee'; id: string; name: string; since: string }
    | { kind: 'department'; name: string };
  decided: boolean;
  escalations: EscalationRecord[];
}

export interface CoordinatedCase {
  caseId: string;
  version: number;
  projectCode: string;
  projectName: string;
  applicantName: string;
  stage: StageCase['stage'];
  status: CaseStatus;
  firstReceiver: NonNullable<StageCase['firstReceiver']>;
  items: CoordinatedItem[];
  openDeficiencies: number;
}

/** One coordinated case as the first receiver follows it: each item's holder, clock, lamp and escalations. */
export function coordinatedCase(
  cal: WorkingCalendar,
  { value: c, version }: Versioned<StageCase>,
  today: IsoDate,
  thresholds: LampThresholds,
  province: Pick<ProvinceConfig, 'departments'>,
): CoordinatedCase | undefined {
  if (!c.firstReceiver) return undefined;
  const deptName = (code: string) => province.departments.find((d) => d.code === code)?.name ?? code;
  return {
    caseId: c.id,
    version,
    projectCode: c.projectCode,
    projectName: c.projectName,
    applicantName: c.applicant.name,
    stage: c.stage,
    status: c.status,
    firstReceiver: c.firstReceiver,
    items: c.items.map((item) => ({
      ...itemProgress(
        cal,
        item,
        today,
        thresholds,
        item.decision ? shanghaiDate(item.decision.at) : undefined,
      ),
      departmentName: deptName(item.department),
      holder: item.assignee
        ? { kind: 'assignee', ...item.assignee }
        : { kind: 'department', name: deptName(item.department) },
      decided: item.decision !== undefined,
      escalations: item.escalations ?? [],
    })),
    openDeficiencies: c.deficiencies.filter((d) => d.status !== 'supplemented').length,
  };
}
