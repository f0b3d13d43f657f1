import { afterEach, describe, expect, it, vi } from 'vitest';
import { toBusEvent } from '../../shared/adapters/local-bus/local-event-bus.js';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
import { zhejiang } from '../../shared/config/provinces/zhejiang.js';
import { forwardPattern } from '../../shared/domain/cross-province-rules.js';
import { DomainError } from '../../shared/domain/errors.js';
import { matchesPattern } from '../../shared/domain/event-pattern.js';
import type { DomainEvent } from '../../shared/ports/runtime.js';
import type { Ctx } from '../../shared/services/context.js';
import { relayIdle } from '../../shared/services/unit-of-work.js';
import { linkProvinces } from '../support/linked-provinces.js';
import {
  applicant,
  type Harness,
  ORG_A,
  ORG_B,
  reviewer,
  stageMaterials,
  supervisor,
  windowOfficer,
} from '../support/province-harness.js';

/**
 * Trust at the edges of 区域协同 (issue 8): each test plays the attacker — an organisation sharing
 * another's file, an impostor under a partner's project code — or the disorder of the wire, and
 * checks that it gets nothing and that what was refused is on record.
 */

type Linked = Awaited<ReturnType<typeof linkProvinces>>;
const linked: Linked[] = [];
afterEach(async () => {
  await Promise.all(linked.splice(0).map((l) => l.stop()));
});
async function link() {
  const l = await linkProvinces([jiangsu, zhejiang]);
  linked.push(l);
  return l;
}

const admin: Ctx = { actor: { id: 'admin', name: '管理员', role: 'admin' } };
let serial = 7000;
const nextCode = () => `2026-320000-48-01-00${serial++}`;

async function crossProject(h: Harness, projectCode: string, partners: string[], org = ORG_A) {
  const p = await h.services.projects.register(applicant(org), {
    projectCode,
    name: '沪苏浙跨省高速公路工程',
    ownerName: org.name,
    category: 'nationalKey',
    location: { city: h.province.code === 'JS' ? '苏州市' : '嘉兴市' },
    investmentWan: 2_000_000,
    governmentInvested: true,
    partnerProvinces: partners,
  });
  const applied = await h.services.projects.applyAdmission(applicant(org), p.value.id, p.version);
  await h.services.projects.decideAdmission(supervisor, p.value.id, applied.version, {
    admit: true,
    reasons: '跨省重点项目',
  });
  return p.value.id;
}

async function acceptedCase(
  h: Harness,
  projectId: string,
  itemCodes: string[] = [],
  org = ORG_A,
  extra: { code: string; sha256: string }[] = [],
) {
  const materials = new Set(stageMaterials(h.province, 'projectApproval').map((m) => m.code));
  for (const code of itemCodes) {
    for (const m of h.province.items.find((i) => i.code === code)!.materials) materials.add(m);
  }
  const c = await h.services.cases.submit(applicant(org), {
    projectId,
    stage: 'projectApproval',
    itemCodes,
    materials: [
      ...[...materials].filter((code) => !extra.some((e) => e.code === code)).map((code) => ({ code })),
      ...extra,
    ],
  });
  return h.services.cases.actOnAcceptance(windowOfficer, c.value.id, c.version, { outcome: 'accept' });
}

async function approveAll(h: Harness, caseId: string) {
  const { value } = await h.services.cases.get(supervisor, caseId);
  for (const item of value.items.filter((i) => !i.decision)) {
    await h.services.cases.decideItem(reviewer(item.department), caseId, item.code, undefined, {
      outcome: 'approve',
    });
  }
}

const drain = async (l: Linked) => {
  for (let i = 0; i < 3; i++) {
    for (const code of ['JS', 'ZJ']) await relayIdle(l.province(code).services.deps);
  }
};

const caughtError = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('expected a refusal');
};

describe('shared materials: only what the organisation owns (item 1)', () => {
  it('refuses, with 403 and a record, sharing a file another organisation uploaded', async () => {
    const l = await link();
    const js = l.province('JS');
    const code = nextCode();
    const projectId = await crossProject(js, code, ['ZJ']);
    // ORG_B uploads its own confidential file; its hash shows in ORG_B's case materials
    const secret = new TextEncoder().encode('苏州城建 内部图纸 v3');
    const { sha256 } = await js.services.partners.uploadMaterial(applicant(ORG_B), secret, 'application/pdf');

    const err = await caughtError(
      js.services.partners.shareMaterial(applicant(ORG_A), projectId, {
        materialCode: js.province.materials[0]!.code,
        sha256,
      }),
    );
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ kind: 'forbidden', code: 'MATERIAL_NOT_OWNED' });
    // nothing was shared, nothing was sent, and the attempt is on record
    const project = await js.services.projects.get(supervisor, projectId);
    expect(project.value.sharedMaterials ?? []).toEqual([]);
    const refusals = await js.store.query('status', 'refusal');
    const records = await js.store.getMany<Record<string, unknown>>(
      'refusal',
      refusals.items.map((h) => h.id),
    );
    expect(records.map((r) => r.value)).toEqual([
      expect.objectContaining({
        code: 'MATERIAL_NOT_OWNED',
        sha256,
        creditCode: ORG_A.creditCode,
        projectId,
      }),
    ]);
    const trail = await js.store.audit(`refusal/${refusals.items[0]!.id}`);
    expect(trail.map((e) => e.type)).toEqual(['RequestRefused']);
    await drain(l);
    const zjViews = await l.province('ZJ').services.partners.views(code);
    expect(zjViews.flatMap((v) => v.materials)).toEqual([]);
  });

  it('shares what the organisation uploaded itself, also when another organisation has the same bytes', async () => {
    const l = await link();
    const js = l.province('JS');
    const projectId = await crossProject(js, nextCode(), ['ZJ']);
    const bytes = new TextEncoder().encode('通用的标准图集');
    const { sha256 } = await js.services.partners.uploadMaterial(applicant(ORG_B), bytes, 'application/pdf');
    await js.services.partners.uploadMaterial(applicant(ORG_A), bytes, 'application/pdf');
    const shared = await js.services.partners.shareMaterial(applicant(ORG_A), projectId, {
      materialCode: js.province.materials[0]!.code,
      sha256,
    });
    expect(shared.value.sharedMaterials?.map((m) => m.sha256)).toEqual([sha256]);
  });

  it("shares a material of the organisation's own case, and refuses one of another organisation's case", async () => {
    const l = await link();
    const js = l.province('JS');
    const projectA = await crossProject(js, nextCode(), ['ZJ']);
    const projectB = await crossProject(js, nextCode(), ['ZJ'], ORG_B);
    // content in the blob store with no ownership record (e.g. stored before owners were recorded)
    const ownBytes = await js.services.deps.blobs.put(new TextEncoder().encode('甲的申请书'), 'text/plain');
    const otherBytes = await js.services.deps.blobs.put(new TextEncoder().encode('乙的申请书'), 'text/plain');
    const materialCode = stageMaterials(js.province, 'projectApproval')[0]!.code;
    await acceptedCase(js, projectA, [], ORG_A, [{ code: materialCode, sha256: ownBytes.sha256 }]);
    await acceptedCase(js, projectB, [], ORG_B, [{ code: materialCode, sha256: otherBytes.sha256 }]);

    const ok = await js.services.partners.shareMaterial(applicant(ORG_A), projectA, {
      materialCode,
      sha256: ownBytes.sha256,
    });
    expect(ok.value.sharedMaterials).toHaveLength(1);
    const err = await caughtError(
      js.services.partners.shareMaterial(applicant(ORG_A), projectA, {
        materialCode,
        sha256: otherBytes.sha256,
      }),
    );
    expect(err).toMatchObject({ code: 'MATERIAL_NOT_OWNED' });
  });
});

describe('recognition binds to the project owner (item 5)', () => {
  it('an impostor registered under the same project code in 浙江 gets nothing, and the refusal is recorded', async () => {
    const l = await link();
    const js = l.province('JS');
    const zj = l.province('ZJ');
    const code = nextCode();
    const jsProject = await crossProject(js, code, ['ZJ']);
    await drain(l);
    // ORG_B registers the partner's project code in 浙江, is admitted and applies
    const impostorProject = await crossProject(zj, code, ['JS'], ORG_B);
    const impostorCase = await acceptedCase(zj, impostorProject, [], ORG_B);
    await approveAll(js, (await acceptedCase(js, jsProject)).value.id);
    await drain(l);

    const view = (await zj.services.partners.views(code))[0]!;
    expect(view.results).toHaveLength(2); // the results arrived…
    const { value } = await zj.services.cases.get(supervisor, impostorCase.value.id);
    // …and none counts for the impostor's case
    expect(value.status).toBe('underReview');
    expect(value.items.every((i) => i.status === 'inReview' && !i.decision)).toBe(true);
    const rejected = await zj.services.partners.rejected(admin, {});
    const refusals = rejected.items.filter((r) => r.reason === 'ownerMismatch');
    expect(refusals).toHaveLength(2);
    expect(refusals.every((r) => r.caseId === impostorCase.value.id)).toBe(true);
    // recognition running again does not record the same refusal twice
    await zj.services.cases.applyRecognitionsForProject(code);
    expect((await zj.services.partners.rejected(admin, {})).items).toHaveLength(2);
  });

  it('the genuine owner in 浙江 is still recognised', async () => {
    const l = await link();
    const js = l.province('JS');
    const zj = l.province('ZJ');
    const code = nextCode();
    const jsProject = await crossProject(js, code, ['ZJ']);
    const zjCase = await acceptedCase(zj, await crossProject(zj, code, ['JS']));
    await approveAll(js, (await acceptedCase(js, jsProject)).value.id);
    await drain(l);
    await vi.waitFor(async () => {
      const { value } = await zj.services.cases.get(supervisor, zjCase.value.id);
      expect(value.items.every((i) => i.status === 'recognised')).toBe(true);
    });
  });
});

describe('revocation travels (item 6)', () => {
  /** JS approves its case; ZJ (open case with an extra item) recognises the two mapped items. */
  async function recognisedInZhejiang(l: Linked, extraItems = ['investmentApproval']) {
    const js = l.province('JS');
    const zj = l.province('ZJ');
    const code = nextCode();
    const jsProject = await crossProject(js, code, ['ZJ']);
    const zjCase = await acceptedCase(zj, await crossProject(zj, code, ['JS']), extraItems);
    const jsCase = await acceptedCase(js, jsProject);
    await approveAll(js, jsCase.value.id);
    await drain(l);
    return { js, zj, code, jsCaseId: jsCase.value.id, zjCaseId: zjCase.value.id };
  }

  it('a revoked approval is withdrawn in 浙江: back to review, told, shown and audited', async () => {
    const l = await link();
    const { js, zj, code, jsCaseId, zjCaseId } = await recognisedInZhejiang(l);
    const before = (await zj.services.cases.get(supervisor, zjCaseId)).value;
    expect(before.items.find((i) => i.code === 'landUsePlanningPermit')?.status).toBe('recognised');

    l.clock.setDate('2026-03-05');
    await js.services.cases.revokeDecision(supervisor, jsCaseId, 'landUsePlanningPermit', undefined, {
      reasonZh: '申请人以欺骗手段取得许可',
    });
    await drain(l);

    const { value } = await zj.services.cases.get(supervisor, zjCaseId);
    const item = value.items.find((i) => i.code === 'landUsePlanningPermit')!;
    expect(item).toMatchObject({ status: 'inReview', startDate: '2026-03-05', clockStops: [] });
    expect(item.decision).toBeUndefined();
    expect(item.recognitionWithdrawals).toEqual([
      expect.objectContaining({ origin: 'JS', reasonZh: '申请人以欺骗手段取得许可' }),
    ]);
    // the other recognised item stays recognised
    expect(value.items.find((i) => i.code === 'landPreExaminationSiting')?.status).toBe('recognised');
    // the partner view shows the revocation with its reason
    const view = (await zj.services.partners.viewsOf(supervisor, code))[0]!;
    expect(view.results.find((r) => r.itemCode === 'landUsePlanningPermit')?.revoked).toMatchObject({
      reasonZh: '申请人以欺骗手段取得许可',
    });
    // the department and the applicant are told
    const notices = await zj.store.query('notifications', `dept:${item.department}`);
    const orgNotices = await zj.store.query('notifications', `org:${ORG_A.creditCode}`);
    const texts = await zj.store.getMany<{ type: string }>(
      'notification',
      [...notices.items, ...orgNotices.items].map((h) => h.id),
    );
    expect(texts.filter((n) => n.value.type === 'recognitionWithdrawn')).toHaveLength(2);
    // audited on the case and on the partner view
    const caseTrail = await zj.store.audit(`stageCase/${zjCaseId}`);
    expect(caseTrail.filter((e) => e.type === 'RecognitionWithdrawn')).toHaveLength(1);
    const viewTrail = await zj.store.audit(`partnerProject/JS:${code}`);
    expect(viewTrail.filter((e) => e.type === 'PartnerResultRevoked')).toHaveLength(1);
    // the item can be reviewed again here
    await zj.services.cases.decideItem(reviewer(item.department), zjCaseId, item.code, undefined, {
      outcome: 'reject',
      reasons: '来源省份已撤销，本省审查不符合条件',
    });
  });

  it('reopens a stage that was closed on recognitions alone', async () => {
    const l = await link();
    const { js, zj, jsCaseId, zjCaseId } = await recognisedInZhejiang(l, []);
    await vi.waitFor(async () => {
      expect((await zj.services.cases.get(supervisor, zjCaseId)).value.status).toBe('approved');
    });
    await js.services.cases.revokeDecision(supervisor, jsCaseId, 'landPreExaminationSiting', undefined, {
      reasonZh: '用地预审依据的规划已调整',
    });
    await drain(l);
    const { value } = await zj.services.cases.get(supervisor, zjCaseId);
    expect(value.status).toBe('underReview');
    expect(value.closedAt).toBeUndefined();
    expect(value.items.find((i) => i.code === 'landPreExaminationSiting')?.status).toBe('inReview');
    const progress = await zj.services.cases.progress(supervisor, zjCaseId);
    expect(progress.progress.items.find((i) => i.code === 'landPreExaminationSiting')).toMatchObject({
      status: 'inReview',
      revocation: expect.objectContaining({ reasonZh: '用地预审依据的规划已调整', origin: 'JS' }),
    });
  });

  it('a duplicate revocation changes nothing; a revocation before its result keeps the result unrecognised', async () => {
    const l = await link();
    const js = l.province('JS');
    const zj = l.province('ZJ');
    const code = nextCode();
    const jsProject = await crossProject(js, code, ['ZJ']);
    await drain(l);
    const zjCase = await acceptedCase(zj, await crossProject(zj, code, ['JS']), ['investmentApproval']);
    await drain(l);
    l.down.add('ZJ'); // keep 江苏's events in its outbox: we deliver them by hand, out of order
    const jsCase = await acceptedCase(js, jsProject);
    await approveAll(js, jsCase.value.id);
    await js.services.cases.revokeDecision(supervisor, jsCase.value.id, 'landUsePlanningPermit', undefined, {
      reasonZh: '规划条件变更',
    });
    await drain(l);
    const events = (await js.store.dueOutbox('2100-01-01T00:00:00Z', 100))
      .map((m) => m.event as DomainEvent)
      .filter((e) => matchesPattern(forwardPattern('JS', 'ZJ'), toBusEvent(e)))
      .map(toBusEvent);
    const revoked = events.find((e) => e['detail-type'] === 'ResultRevoked')!;
    expect(revoked).toBeDefined();
    const receive = (e: unknown) => zj.services.partners.receive(JSON.parse(JSON.stringify(e)));

    // the revocation overtakes everything, and arrives twice
    expect(await receive(revoked)).toEqual({ outcome: 'accepted' });
    expect(await receive(revoked)).toEqual({ outcome: 'duplicate' });
    for (const e of events.filter((x) => x !== revoked).reverse()) await receive(e);
    await receive(revoked);

    const { value } = await zj.services.cases.get(supervisor, zjCase.value.id);
    expect(value.items.find((i) => i.code === 'landUsePlanningPermit')).toMatchObject({ status: 'inReview' });
    expect(value.items.find((i) => i.code === 'landUsePlanningPermit')?.decision).toBeUndefined();
    expect(value.items.find((i) => i.code === 'landPreExaminationSiting')?.status).toBe('recognised');
    const view = (await zj.services.partners.views(code))[0]!;
    expect(view.revocations).toHaveLength(1);
    expect(view.results.find((r) => r.itemCode === 'landUsePlanningPermit')?.revoked?.reasonZh).toBe(
      '规划条件变更',
    );
    const trail = await zj.store.audit(`partnerProject/JS:${code}`);
    expect(trail.filter((e) => e.type === 'PartnerResultRevoked')).toHaveLength(1);
    // never recognised, so nothing to withdraw
    const caseTrail = await zj.store.audit(`stageCase/${zjCase.value.id}`);
    expect(caseTrail.filter((e) => e.type === 'RecognitionWithdrawn')).toHaveLength(0);
    expect(caseTrail.filter((e) => e.type === 'ItemRecognised')).toHaveLength(1);
  });
});
