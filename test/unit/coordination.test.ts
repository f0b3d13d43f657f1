import { describe, expect, it } from 'vitest';
import {
  caseMaterialOf,
  deficiencyLedger,
  effectiveDeficiencyStatus,
} from '../../shared/domain/coordination.js';
import type { DeficiencyCommitment, StageCase } from '../../shared/domain/model.js';

const SHA = 'a'.repeat(64);
const commitment = (over: Partial<DeficiencyCommitment> = {}): DeficiencyCommitment => ({
  materialCode: 'landSurvey',
  itemCode: 'landUsePlanningPermit',
  grantedDays: 5,
  deadline: '2026-03-10',
  provisional: false,
  status: 'open',
  ...over,
});

function stageCase(over: Partial<StageCase> = {}): StageCase {
  return {
    id: 'C-1',
    province: 'JS',
    projectId: 'P-1',
    projectCode: '2026-320000-48-01-000101',
    projectName: '沿江城际铁路配套综合枢纽工程',
    applicant: { creditCode: '91320000134768398', name: '江苏交通控股有限公司' },
    partnerProvinces: [],
    stage: 'projectApproval',
    status: 'underReview',
    round: 1,
    submittedAt: '2026-03-01T01:00:00.000Z',
    submittedBy: 'app-1',
    acceptDueDate: '2026-03-03',
    acceptProvisional: false,
    materials: [
      { code: 'sitePlan', sha256: SHA, fileName: '总平面图.pdf', submittedAt: '2026-03-01T01:00:00.000Z' },
    ],
    preReview: [],
    items: [
      {
        code: 'landUsePlanningPermit',
        name: '建设用地规划许可',
        department: 'nrp',
        statutoryDays: 20,
        promisedDays: 10,
        status: 'inReview',
        clockStops: [],
      },
    ],
    deficiencies: [],
    corrections: [],
    ...over,
  };
}

describe('a case material by content hash', () => {
  it('finds only the case’s own material, and nothing for a malformed hash', () => {
    const c = stageCase();
    expect(caseMaterialOf(c, SHA)?.fileName).toBe('总平面图.pdf');
    expect(caseMaterialOf(c, 'b'.repeat(64))).toBeUndefined();
    expect(caseMaterialOf(c, SHA.toUpperCase())).toBeUndefined();
    expect(caseMaterialOf(c, '../etc/passwd')).toBeUndefined();
    // a material listed without content has no hash to match
    expect(
      caseMaterialOf(stageCase({ materials: [{ code: 'x', submittedAt: 'now' }] }), SHA),
    ).toBeUndefined();
  });
});

describe('容缺台账', () => {
  const province = { materials: [{ code: 'landSurvey', name: '勘测定界报告', core: false }] };

  it('an open commitment past its last day reads as overdue before the sweeper marks it', () => {
    expect(effectiveDeficiencyStatus(commitment(), '2026-03-10')).toBe('open');
    expect(effectiveDeficiencyStatus(commitment(), '2026-03-11')).toBe('overdue');
    expect(effectiveDeficiencyStatus(commitment({ status: 'supplemented' }), '2026-04-01')).toBe(
      'supplemented',
    );
  });

  it('lists every commitment with names, earliest deadline first, and filters by effective status', () => {
    const a = stageCase({
      id: 'C-1',
      deficiencies: [
        commitment({ deadline: '2026-03-20' }),
        commitment({ deadline: '2026-03-05', materialCode: 'other' }),
      ],
    });
    const b = stageCase({
      id: 'C-2',
      deficiencies: [commitment({ status: 'supplemented', deadline: '2026-03-01' })],
    });
    const rows = deficiencyLedger(
      [
        { value: a, version: 3 },
        { value: b, version: 7 },
      ],
      province,
      '2026-03-12',
    );
    expect(rows.map((r) => [r.caseId, r.deadline, r.status])).toEqual([
      ['C-2', '2026-03-01', 'supplemented'],
      ['C-1', '2026-03-05', 'overdue'],
      ['C-1', '2026-03-20', 'open'],
    ]);
    expect(rows[2]).toMatchObject({
      materialName: '勘测定界报告',
      itemName: '建设用地规划许可',
      caseVersion: 3,
      applicantName: '江苏交通控股有限公司',
    });
    // an unknown material keeps its code rather than showing blank
    expect(rows[1]!.materialName).toBe('other');
    const overdue = deficiencyLedger([{ value: a, version: 3 }], province, '2026-03-12', 'overdue');
    expect(overdue.map((r) => r.deadline)).toEqual(['2026-03-05']);
  });
});
