import { afterEach, describe, expect, it, vi } from 'vitest';
import { toBusEvent } from '../../shared/adapters/local-bus/local-event-bus.js';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
import { shanghai } from '../../shared/config/provinces/shanghai.js';
import { zhejiang } from '../../shared/config/provinces/zhejiang.js';
import type { PartnerProject } from '../../shared/domain/cross-province.js';
import { forwardPattern } from '../../shared/domain/cross-province-rules.js';
import { matchesPattern } from '../../shared/domain/event-pattern.js';
import { signEnvelope } from '../../shared/domain/signature.js';
import type { DomainEvent } from '../../shared/ports/runtime.js';
import type { Ctx } from '../../shared/services/context.js';
import { kickRelay, relayIdle } from '../../shared/services/unit-of-work.js';
import { linkProvinces } from '../support/linked-provinces.js';
import {
  applicant,
  type Harness,
  newSigner,
  ORG_A,
  reviewer,
  stageMaterials,
  supervisor,
  windowOfficer,
} from '../support/province-harness.js';

type Linked = Awaited<ReturnType<typeof linkProvinces>>;
const linked: Linked[] = [];
afterEach(async () => {
  await Promise.all(linked.splice(0).map((l) => l.stop()));
});
async function link() {
  const l = await linkProvinces([jiangsu, zhejiang, shanghai]);
  linked.push(l);
  return l;
}

const admin: Ctx = { actor: { id: 'admin', name: '管理员', role: 'admin' } };
let serial = 9000;

/** Registers and admits the same project code in a province, with its partners. */
async function crossProject(h: Harness, projectCode: string, partners: string[]) {
  const p = await h.services.projects.register(applicant(ORG_A), {
    projectCode,
    name: '沪苏浙跨省高速公路工程',
    ownerName: ORG_A.name,
    category: 'nationalKey',
    location: { city: h.province.code === 'JS' ? '苏州市' : '嘉兴市' },
    investmentWan: 2_000_000,
    governmentInvested: true,
    partnerProvinces: partners,
  });
  const applied = await h.services.projects.applyAdmission(applicant(ORG_A), p.value.id, p.version);
  await h.services.projects.decideAdmission(supervisor, p.value.id, applied.version, {
    admit: true,
    reasons: '跨省重点项目',
  });
  return p.value.id;
}

async function acceptedCase(h: Harness, projectId: string, itemCodes: string[] = []) {
  const materials = new Set(stageMaterials(h.province, 'projectApproval').map((m) => m.code));
  for (const code of itemCodes) {
    for (const m of h.province.items.find((i) => i.code === code)!.materials) materials.add(m);
  }
  const c = await h.services.cases.submit(applicant(ORG_A), {
    projectId,
    stage: 'projectApproval',
    itemCodes,
    materials: [...materials].map((code) => ({ code })),
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
    for (const code of ['JS', 'ZJ', 'SH']) await relayIdle(l.province(code).services.deps);
  }
};

const stripReceipt = (v: PartnerProject | undefined) =>
  v && {
    ...v,
    results: v.results.map(({ receivedAt: _r, ...rest }) => rest),
    materials: v.materials.map(({ receivedAt: _r, ...rest }) => rest),
  };

describe('cross-province recognition (互认)', () => {
  it('a JS–ZJ project approved in 江苏 is recognised in 浙江 without a second review', async () => {
    const l = await link();
    const js = l.province('JS');
    const zj = l.province('ZJ');
    const code = `2026-320000-48-01-00${serial++}`;
    const jsProject = await crossProject(js, code, ['ZJ']);
    await drain(l);
    const shared = await zj.services.partners.viewsOf(supervisor, code);
    expect(shared[0]?.summary).toMatchObject({
      name: '沪苏浙跨省高速公路工程',
      owner: { creditCode: ORG_A.creditCode },
    });

    // 浙江 has its own case for its part, with an item that is not in the recognition map
    const zjProject = await crossProject(zj, code, ['JS']);
    const zjCase = await acceptedCase(zj, zjProject, ['investmentApproval']);
    const jsCase = await acceptedCase(js, jsProject);
    await approveAll(js, jsCase.value.id);
    await drain(l);

    await vi.waitFor(async () => {
      const { value } = await zj.services.cases.get(supervisor, zjCase.value.id);
      expect(
        value.items
          .filter((i) => i.status === 'recognised')
          .map((i) => i.code)
          .sort(),
      ).toEqual(['landPreExaminationSiting', 'landUsePlanningPermit'].sort());
    });
    const { value } = await zj.services.cases.get(supervisor, zjCase.value.id);
    const recognised = value.items.find((i) => i.code === 'landUsePlanningPermit')!;
    const jsResult = (await js.services.cases.get(supervisor, jsCase.value.id)).value.items.find(
      (i) => i.code === 'landUsePlanningPermit',
    )!.decision!;
    expect(recognised.decision?.recognition).toMatchObject({
      origin: 'JS',
      caseId: jsCase.value.id,
      resultNo: jsResult.resultNo,
      resultHash: jsResult.resultHash,
      keyId: l.signers.get('JS')!.keyId,
    });
    const progress = await zj.services.cases.progress(supervisor, zjCase.value.id);
    expect(progress.progress.items.find((i) => i.code === 'landUsePlanningPermit')).toMatchObject({
      elapsedDays: 0,
    });
    // the item not in the map is still reviewed in 浙江
    expect(value.items.find((i) => i.code === 'investmentApproval')?.status).toBe('inReview');
    await approveAll(zj, zjCase.value.id);
    await vi.waitFor(async () => {
      expect((await zj.services.cases.get(supervisor, zjCase.value.id)).value.stageClosedAt).toBeDefined();
    });
    // 上海 is not a partner of this project and got nothing
    expect(l.deliveries.filter((d) => d.to === 'SH')).toHaveLength(0);
  });

  it('recognises at acceptance when the partner result arrived first', async () => {
    const l = await link();
    const js = l.province('JS');
    const zj = l.province('ZJ');
    const code = `2026-320000-48-01-00${serial++}`;
    const jsProject = await crossProject(js, code, ['ZJ']);
    const zjProject = await crossProject(zj, code, ['JS']);
    await approveAll(js, (await acceptedCase(js, jsProject)).value.id);
    await drain(l);
    const zjCase = await acceptedCase(zj, zjProject);
    expect(zjCase.value.status).toBe('approved');
    expect(zjCase.value.items.every((i) => i.status === 'recognised')).toBe(true);
    await vi.waitFor(async () => {
      expect((await zj.services.cases.get(supervisor, zjCase.value.id)).value.stageClosedAt).toBeDefined();
    });
  });

  it('delivers once when the partner was down during approval and comes back', async () => {
    const l = await link();
    const js = l.province('JS');
    const zj = l.province('ZJ');
    const code = `2026-320000-48-01-00${serial++}`;
    const jsProject = await crossProject(js, code, ['ZJ']);
    await drain(l);
    l.down.add('ZJ');
    await approveAll(js, (await acceptedCase(js, jsProject)).value.id);
    await drain(l);
    expect((await zj.services.partners.viewsOf(supervisor, code))[0]?.results).toHaveLength(0);
    expect((await js.store.dueOutbox('2100-01-01T00:00:00Z', 100)).length).toBeGreaterThan(0);

    l.down.delete('ZJ');
    l.clock.setDate('2026-03-03'); // past every backoff
    kickRelay(js.services.deps);
    await drain(l);
    const view = (await zj.services.partners.viewsOf(supervisor, code))[0]!;
    expect(view.results.map((r) => r.itemCode).sort()).toEqual([
      'landPreExaminationSiting',
      'landUsePlanningPermit',
    ]);
    // at least once on the wire, exactly once in effect: any repeat is recognised as a duplicate
    const results = l.deliveries.filter((d) => d.to === 'ZJ' && d.event['detail-type'] === 'ResultIssued');
    expect(results.filter((d) => d.outcome.outcome === 'accepted')).toHaveLength(2);
    expect(results.every((d) => d.outcome.outcome !== 'rejected')).toBe(true);
    expect(await js.store.dueOutbox('2100-01-01T00:00:00Z', 100)).toEqual([]);
    const trail = await zj.store.audit(`partnerProject/JS:${code}`);
    expect(trail.filter((e) => e.type === 'PartnerResultReceived')).toHaveLength(2);
  });

  it('duplicates and reordering give the same final state as one in-order delivery', async () => {
    const l = await link();
    const js = l.province('JS');
    const code = `2026-320000-48-01-00${serial++}`;
    l.down.add('ZJ'); // keep the events in the outbox: we deliver them by hand
    const jsProject = await crossProject(js, code, ['ZJ']);
    await approveAll(js, (await acceptedCase(js, jsProject)).value.id);
    await drain(l);
    const events = (await js.store.dueOutbox('2100-01-01T00:00:00Z', 100))
      .map((m) => m.event as DomainEvent)
      .filter((e) => matchesPattern(forwardPattern('JS', 'ZJ'), toBusEvent(e)))
      .map(toBusEvent);
    expect(events.map((e) => e['detail-type'])).toEqual(['ProjectShared', 'ResultIssued', 'ResultIssued']);

    const finalState = async (order: number[]) => {
      const fresh = await linkProvinces([jiangsu, zhejiang], '2026-03-02');
      linked.push(fresh);
      // the receiver must trust the original JS key
      const zj = fresh.province('ZJ');
      (zj.peers as unknown as { resolve: (c: string) => unknown }).resolve = async () => undefined;
      const jsKey = { origin: 'JS', publicKeyPem: await js.signer.publicKeyPem(), keyId: js.signer.keyId };
      zj.services.deps.peers.trustedKeys = (c: string) => (c === 'JS' ? [jsKey] : []);
      for (const i of order) await zj.services.partners.receive(JSON.parse(JSON.stringify(events[i])));
      const views = await zj.services.partners.views(code);
      return stripReceipt(views[0]);
    };
    const inOrder = await finalState([0, 1, 2]);
    expect(inOrder?.results).toHaveLength(2);
    for (const order of [
      [2, 1, 0],
      [1, 1, 0, 2, 2],
      [2, 0, 2, 1, 0, 1],
    ]) {
      expect(await finalState(order)).toEqual(inOrder);
    }
  });

  it('refuses and records forged, altered, unknown, unauthorised and looping events', async () => {
    const l = await link();
    const js = l.province('JS');
    const zj = l.province('ZJ');
    const code = `2026-320000-48-01-00${serial++}`;
    l.down.add('ZJ');
    const jsProject = await crossProject(js, code, ['ZJ']);
    await approveAll(js, (await acceptedCase(js, jsProject)).value.id);
    await drain(l);
    const [original] = (await js.store.dueOutbox('2100-01-01T00:00:00Z', 100))
      .map((m) => m.event as DomainEvent)
      .filter((e) => e.type === 'ResultIssued')
      .map(toBusEvent);
    const clone = () =>
      JSON.parse(JSON.stringify(original)) as ReturnType<typeof toBusEvent> & { detail: DomainEvent };
    const receive = (e: unknown) => zj.services.partners.receive(e);

    const tampered = clone();
    (tampered.detail.data.envelope as { payload: { resultNo: string } }).payload.resultNo = 'JS2026-FORGED';
    expect(await receive(tampered)).toEqual({ outcome: 'rejected', reason: 'hashMismatch' });

    const wrongKey = clone();
    const envelope = wrongKey.detail.data.envelope as { payload: unknown; signedAt: string };
    wrongKey.detail.data.envelope = await signEnvelope(
      newSigner(),
      'JS',
      envelope.payload,
      envelope.signedAt,
    );
    expect((await receive(wrongKey)).outcome).toBe('rejected');

    const stranger = clone();
    stranger.source = 'green-channel.GD';
    stranger.detail.source = 'GD';
    expect(await receive(stranger)).toEqual({ outcome: 'rejected', reason: 'unknownSender' });

    // 上海 is a partner of 浙江, but this envelope is signed by 江苏: it cannot come from 上海
    const impostor = clone();
    impostor.source = 'green-channel.SH';
    impostor.detail.source = 'SH';
    expect((await receive(impostor)).outcome).toBe('rejected');

    const loop = clone();
    loop.source = 'green-channel.ZJ';
    loop.detail.source = 'ZJ';
    expect(await receive(loop)).toEqual({ outcome: 'rejected', reason: 'loop' });
    expect(await receive({ not: 'an event' })).toEqual({ outcome: 'rejected', reason: 'malformed' });

    // nothing of it reached the partner view, and every refusal is on record
    expect(await zj.services.partners.views(code)).toEqual([]);
    const rejected = await zj.services.partners.rejected(admin, {});
    expect(rejected.items.map((r) => r.reason).sort()).toEqual(
      ['keyMismatch', 'hashMismatch', 'loop', 'malformed', 'unknownOrigin', 'unknownSender'].sort(),
    );
    // the genuine event still goes through afterwards, as EventBridge delivers it: with a bus event
    // id of its own (the domain event id travels in the detail), and a redelivery is a duplicate
    const viaEventBridge = {
      ...clone(),
      id: '6f1c2d3e-eventbridge-id',
      account: '111111111111',
      region: 'cn-north-1',
    };
    expect(await receive(viaEventBridge)).toEqual({ outcome: 'accepted' });
    expect(await receive({ ...clone(), id: 'another-delivery-id' })).toEqual({ outcome: 'duplicate' });
  });

  it('forwards only its own events: a partner event on the bus matches no forwarding rule', () => {
    const own = {
      source: 'green-channel.ZJ',
      'detail-type': 'ResultIssued',
      detail: { data: { partnerProvinces: ['JS', 'SH'] } },
    };
    const relayed = { ...own, source: 'green-channel.JS' };
    expect(matchesPattern(forwardPattern('ZJ', 'SH'), own)).toBe(true);
    expect(matchesPattern(forwardPattern('ZJ', 'SH'), relayed)).toBe(false);
    expect(matchesPattern(forwardPattern('ZJ', 'SH'), { ...own, 'detail-type': 'ItemApproved' })).toBe(false);
    expect(
      matchesPattern(forwardPattern('ZJ', 'SH'), { ...own, detail: { data: { partnerProvinces: ['JS'] } } }),
    ).toBe(false);
  });
});
