import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTION_NAMES_ZH,
  ACTIONS,
  type Action,
  authorize,
  can,
  type ResourceScope,
} from '../../shared/domain/authz.js';
import { DomainError } from '../../shared/domain/errors.js';
import { type Actor, ROLES } from '../../shared/domain/model.js';

const OWN = '91320000MA1XXXXX0X';
const OTHER = '91320100MA2YYYYY1Y';

/** The case acted on: owned by OWN, with items of 自然资源 and 生态环境; the single item is 自然资源's. */
const scope: ResourceScope = {
  ownerCreditCode: OWN,
  departments: ['nrp', 'eco'],
  itemDepartment: 'nrp',
  // the window officer below belongs to the province's green-channel desk (专窗代办)
  windowUnit: '绿色通道专窗',
};

const actors = {
  ownerApplicant: { id: 'app-1', name: '建设单位经办人', role: 'applicant', creditCode: OWN },
  otherApplicant: { id: 'app-2', name: '其他单位经办人', role: 'applicant', creditCode: OTHER },
  windowOfficer: { id: 'win-1', name: '窗口', role: 'windowOfficer', unit: '绿色通道专窗' },
  reviewerOfItem: { id: 'rev-1', name: '自然资源审查人', role: 'reviewer', department: 'nrp' },
  reviewerInCase: { id: 'rev-2', name: '生态环境审查人', role: 'reviewer', department: 'eco' },
  reviewerOutside: { id: 'rev-3', name: '水利审查人', role: 'reviewer', department: 'water' },
  supervisor: { id: 'sup-1', name: '专项工作组', role: 'supervisor', unit: '省重大项目办' },
  auditor: { id: 'aud-1', name: '第三方评估机构', role: 'auditor' },
  admin: { id: 'adm-1', name: '系统管理员', role: 'admin' },
  partner: { id: 'zj', name: '浙江省', role: 'partner', province: 'ZJ' },
  leader: { id: 'lea-1', name: '分管领导', role: 'leader' },
} satisfies Record<string, Actor>;
type Who = keyof typeof actors;

const Y = true;
const N = false;
// columns: owner, other applicant, window, reviewer of the item, reviewer of another item in the case,
// reviewer outside the case, supervisor, auditor, admin, partner, leader (分管领导)
const COLUMNS: Who[] = [
  'ownerApplicant',
  'otherApplicant',
  'windowOfficer',
  'reviewerOfItem',
  'reviewerInCase',
  'reviewerOutside',
  'supervisor',
  'auditor',
  'admin',
  'partner',
  'leader',
];
const MATRIX: Record<Action, boolean[]> = {
  //                          own  oth  win  rvI  rvC  rvO  sup  aud  adm  par  lea
  'project.register': /*    */ [Y, N, N, N, N, N, N, N, N, N, N],
  'project.read': /*        */ [Y, N, Y, Y, Y, Y, Y, Y, Y, N, Y],
  'admission.apply': /*     */ [Y, N, N, N, N, N, N, N, N, N, N],
  'admission.decide': /*    */ [N, N, N, N, N, N, Y, N, N, N, N],
  'case.submit': /*         */ [Y, N, N, N, N, N, N, N, N, N, N],
  'case.read': /*           */ [Y, N, Y, Y, Y, N, Y, Y, Y, N, Y],
  'case.accept': /*         */ [N, N, Y, N, N, N, N, N, N, N, N],
  'case.resubmit': /*       */ [Y, N, N, N, N, N, N, N, N, N, N],
  'case.supplement': /*     */ [Y, N, N, N, N, N, N, N, N, N, N],
  'case.feedback': /*       */ [Y, N, N, N, N, N, N, N, N, N, N],
  'case.terminate': /*      */ [N, N, N, N, N, N, Y, N, N, N, N],
  'item.decide': /*         */ [N, N, N, Y, N, N, N, N, N, N, N],
  'item.correction': /*     */ [N, N, N, Y, N, N, N, N, N, N, N],
  'item.specialProcedure': /**/ [N, N, N, Y, N, N, N, N, N, N, N],
  // 行政许可法第四十五条: the item's reviewer asks; only its department's lead approves (no column is one)
  'item.approveSpecialProcedure': /**/ [N, N, N, N, N, N, N, N, N, N, N],
  // 联合审查: reviewers of the case's departments; the window only as the case's first receiver (see below)
  'jointReview.convene': /*  */ [N, N, N, Y, Y, N, N, N, N, N, N],
  'inbox.read': /*          */ [N, N, N, Y, Y, Y, N, N, N, N, N],
  'acceptanceQueue.read': /**/ [N, N, Y, N, N, N, Y, N, N, N, N],
  'audit.read': /*          */ [Y, N, N, N, N, N, Y, Y, Y, N, N],
  'calendar.read': /*       */ [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y],
  'calendar.manage': /*     */ [N, N, N, N, N, N, N, N, Y, N, N],
  'sweep.run': /*           */ [N, N, N, N, N, N, Y, N, Y, N, N],
  'project.share': /*       */ [Y, N, N, N, N, N, N, N, N, N, N],
  'project.disclose': /*    */ [Y, N, N, N, N, N, N, N, N, N, N],
  'partnerProject.read': /* */ [Y, N, Y, Y, Y, Y, Y, Y, Y, N, N],
  'partnerMaterial.read': /**/ [N, N, N, Y, Y, N, N, N, N, N, N],
  'report.read': /*         */ [N, N, Y, N, N, N, Y, Y, Y, N, Y],
  'map.read': /*            */ [N, N, N, N, N, N, Y, Y, N, N, Y],
  'exitReview.run': /*      */ [N, N, N, N, N, N, Y, N, Y, N, N],
  'exitReview.decide': /*   */ [N, N, N, N, N, N, Y, N, N, N, N],
  'complaint.file': /*      */ [Y, N, N, N, N, N, N, N, N, N, N],
  'complaint.read': /*      */ [Y, N, Y, N, N, N, Y, Y, Y, N, N],
  'complaint.handle': /*    */ [N, N, N, N, N, N, Y, N, N, N, N],
  // none of the columns is a department lead or the item's assignee: see the 转办 tests below
  'item.assign': /*         */ [N, N, N, N, N, N, N, N, N, N, N],
  // 拒绝须上一级签发: only a lead of the item's department; no column is a lead (see below)
  'item.signOffRefusal': /* */ [N, N, N, N, N, N, N, N, N, N, N],
  // 行政许可法第四十二条: a reviewer of the item asks; only its department's lead decides (no column is one)
  'item.requestExtension': /**/ [N, N, N, Y, N, N, N, N, N, N, N],
  'item.decideExtension': /* */ [N, N, N, N, N, N, N, N, N, N, N],
  // 行政许可法第四十四条: the window records delivery, the applicant signs for it
  'item.recordDelivery': /*  */ [N, N, Y, N, N, N, N, N, N, N, N],
  'item.signForDelivery': /* */ [Y, N, N, N, N, N, N, N, N, N, N],
  'item.revoke': /*         */ [N, N, N, N, N, N, Y, N, N, N, N],
  // 告知承诺 (国办发〔2020〕42号): the applicant commits; the item's department checks afterwards
  'item.pledge': /*         */ [Y, N, N, N, N, N, N, N, N, N, N],
  'item.pledgeCheck': /*    */ [N, N, N, Y, N, N, N, N, N, N, N],
  'caseMaterial.read': /*  */ [Y, N, Y, Y, Y, N, Y, N, N, N, Y],
  'coordination.read': /*  */ [N, N, Y, N, N, N, N, N, N, N, N],
  'token.revoke': /*       */ [N, N, N, N, N, N, N, N, Y, N, N],
  // 专窗代办: the desk's officers file for an enterprise; only that enterprise confirms
  'agency.file': /*        */ [N, N, Y, N, N, N, N, N, N, N, N],
  'agency.confirm': /*     */ [Y, N, N, N, N, N, N, N, N, N, N],
};

const READ_ACTIONS = new Set<Action>(ACTIONS.filter((a) => a.endsWith('.read')));
const WRITE_ACTIONS = ACTIONS.filter((a) => !READ_ACTIONS.has(a));

describe('authorisation matrix: roles × actions', () => {
  it('covers every action and every role', () => {
    expect(Object.keys(MATRIX).sort()).toEqual([...ACTIONS].sort());
    expect(new Set(COLUMNS.map((w) => actors[w].role))).toEqual(new Set(ROLES));
  });

  const cases = ACTIONS.flatMap((action) =>
    COLUMNS.map((who, i) => ({ action, who, allowed: MATRIX[action][i] as boolean })),
  );
  it.each(cases)('$action by $who → $allowed', ({ action, who, allowed }) => {
    expect(can(actors[who], action, scope)).toBe(allowed);
    if (allowed) {
      expect(() => authorize(actors[who], action, scope)).not.toThrow();
    } else {
      try {
        authorize(actors[who], action, scope);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        expect((e as DomainError).kind).toBe('forbidden');
        expect((e as DomainError).code).toBe('FORBIDDEN');
        expect((e as DomainError).messageZh).toContain(ACTION_NAMES_ZH[action]);
        expect((e as DomainError).details).toEqual({ action });
      }
    }
  });
});

describe('authorisation: scope edge cases', () => {
  it('an applicant without a credit code owns nothing, even a scope without owner', () => {
    const anonymous: Actor = { id: 'app-x', name: '未绑定单位', role: 'applicant' };
    for (const action of ['case.submit', 'case.read', 'project.register', 'audit.read'] as const) {
      expect(can(anonymous, action, {})).toBe(false);
      expect(can(anonymous, action, scope)).toBe(false);
    }
  });

  it('a reviewer without a department may not decide an item without a department', () => {
    const r: Actor = { id: 'rev-x', name: '未分配部门', role: 'reviewer' };
    expect(can(r, 'item.decide', {})).toBe(false);
    expect(can(r, 'case.read', { departments: [] })).toBe(false);
    expect(can(actors.reviewerOfItem, 'item.decide', { ownerCreditCode: OWN })).toBe(false);
  });

  it('an owner-only action without a scope is refused', () => {
    expect(can(actors.ownerApplicant, 'case.feedback')).toBe(false);
    expect(can(actors.ownerApplicant, 'calendar.read')).toBe(true);
  });
});

describe('authorisation invariants (property)', () => {
  const codeArb = fc.stringMatching(/^[0-9A-HJ-NPQRTUWXY]{18}$/);
  const deptArb = fc.constantFrom(
    'ndrc',
    'nrp',
    'housing',
    'eco',
    'transport',
    'water',
    'fire',
    'airDefence',
    'heritage',
  );
  const scopeArb = fc.record(
    { ownerCreditCode: codeArb, departments: fc.uniqueArray(deptArb), itemDepartment: deptArb },
    { requiredKeys: [] },
  );
  const actorArb = fc.record({
    id: fc.string({ minLength: 1 }),
    name: fc.string(),
    role: fc.constantFrom(...ROLES),
    creditCode: fc.option(codeArb, { nil: undefined }),
    department: fc.option(deptArb, { nil: undefined }),
    unit: fc.option(fc.string(), { nil: undefined }),
    province: fc.option(fc.constantFrom('JS', 'ZJ', 'SH'), { nil: undefined }),
  });

  it("an applicant never acts on another organisation's project or case", () => {
    fc.assert(
      fc.property(codeArb, codeArb, scopeArb, fc.constantFrom(...ACTIONS), (mine, theirs, s, action) => {
        fc.pre(mine !== theirs && action !== 'calendar.read');
        const applicant: Actor = { id: 'a', name: 'a', role: 'applicant', creditCode: mine };
        expect(can(applicant, action, { ...s, ownerCreditCode: theirs })).toBe(false);
      }),
    );
  });

  it('auditors, partners and the leader (分管领导, read-only) are never allowed any write action', () => {
    fc.assert(
      fc.property(actorArb, scopeArb, fc.constantFrom(...WRITE_ACTIONS), (a, s, action) => {
        fc.pre(a.role === 'auditor' || a.role === 'partner' || a.role === 'leader');
        expect(can(a as Actor, action, s)).toBe(false);
      }),
    );
  });

  it('only the role named for a write action may take it, whatever the attributes', () => {
    const writers: Partial<Record<Action, string[]>> = {
      'project.register': ['applicant'],
      'admission.apply': ['applicant'],
      'admission.decide': ['supervisor'],
      'case.submit': ['applicant'],
      'case.accept': ['windowOfficer'],
      'case.resubmit': ['applicant'],
      'case.supplement': ['applicant'],
      'case.feedback': ['applicant'],
      'case.terminate': ['supervisor'],
      'item.decide': ['reviewer'],
      'item.correction': ['reviewer'],
      'item.specialProcedure': ['reviewer'],
      'item.approveSpecialProcedure': ['reviewer'],
      'jointReview.convene': ['reviewer', 'windowOfficer'],
      'calendar.manage': ['admin'],
      'sweep.run': ['admin', 'supervisor'],
      'project.share': ['applicant'],
      'project.disclose': ['applicant'],
      'exitReview.run': ['supervisor', 'admin'],
      'exitReview.decide': ['supervisor'],
      'complaint.file': ['applicant'],
      'complaint.handle': ['supervisor'],
      'item.assign': ['reviewer'],
      'item.signOffRefusal': ['reviewer'],
      'item.requestExtension': ['reviewer'],
      'item.decideExtension': ['reviewer'],
      'item.recordDelivery': ['windowOfficer'],
      'item.signForDelivery': ['applicant'],
      'item.revoke': ['supervisor'],
      'item.pledge': ['applicant'],
      'item.pledgeCheck': ['reviewer'],
      'token.revoke': ['admin'],
      'agency.file': ['windowOfficer'],
      'agency.confirm': ['applicant'],
    };
    expect(Object.keys(writers).sort()).toEqual([...WRITE_ACTIONS].sort());
    fc.assert(
      fc.property(actorArb, scopeArb, fc.constantFrom(...WRITE_ACTIONS), (a, s, action) => {
        if (can(a as Actor, action, s)) expect(writers[action]).toContain(a.role);
      }),
      { numRuns: 500 },
    );
  });

  it('a reviewer acts only on items of their own department', () => {
    fc.assert(
      fc.property(deptArb, deptArb, scopeArb, (mine, item, s) => {
        const r: Actor = { id: 'r', name: 'r', role: 'reviewer', department: mine };
        const expected = mine === item;
        for (const action of ['item.decide', 'item.correction', 'item.specialProcedure'] as const) {
          expect(can(r, action, { ...s, itemDepartment: item })).toBe(expected);
        }
      }),
    );
  });
});

describe('转办 (item.assign)', () => {
  const item = { itemDepartment: 'nrp', itemAssignee: 'rev-1' };
  it('the department lead may hand the item on, a lead of another department may not', () => {
    expect(
      can(
        { id: 'lead-nrp', name: '处长', role: 'reviewer', department: 'nrp', lead: true },
        'item.assign',
        item,
      ),
    ).toBe(true);
    expect(
      can(
        { id: 'lead-eco', name: '处长', role: 'reviewer', department: 'eco', lead: true },
        'item.assign',
        item,
      ),
    ).toBe(false);
  });
  it('the reviewer holding the item may hand it on, a colleague who does not hold it may not', () => {
    expect(
      can({ id: 'rev-1', name: '承办人', role: 'reviewer', department: 'nrp' }, 'item.assign', item),
    ).toBe(true);
    expect(can({ id: 'rev-9', name: '同事', role: 'reviewer', department: 'nrp' }, 'item.assign', item)).toBe(
      false,
    );
  });
});

describe('拒绝须上一级签发 (item.signOffRefusal)', () => {
  const item = { itemDepartment: 'nrp' };
  it('only a lead of the item department signs off a refusal, not a reviewer nor another department lead', () => {
    const lead = { id: 'lead-nrp', name: '处长', role: 'reviewer', department: 'nrp', lead: true } as const;
    expect(can(lead, 'item.signOffRefusal', item)).toBe(true);
    expect(can({ ...lead, department: 'eco' }, 'item.signOffRefusal', item)).toBe(false);
    expect(can({ ...lead, lead: false }, 'item.signOffRefusal', item)).toBe(false);
  });
});
