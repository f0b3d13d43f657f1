import { afterEach, describe, expect, it } from 'vitest';
import { type ElectronicResultRecord, verifyResultSignature } from '../../shared/domain/electronic-result.js';
import type { StageCase } from '../../shared/domain/model.js';
import { ApiClient, actors } from '../support/api-client.js';
import {
  admittedProject,
  applicant,
  ORG_A,
  ORG_B,
  stageMaterials,
  windowOfficer,
} from '../support/province-harness.js';

/** 电子批文 over HTTP: the printable result, and public verification that answers nothing else. */
const clients: ApiClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});

/** A local-only project (no partner provinces), every item approved: the stage closes. */
async function approvedCase() {
  const c = await ApiClient.create();
  clients.push(c);
  const projectId = await admittedProject(c.h);
  const submitted = await c.h.services.cases.submit(applicant(), {
    projectId,
    stage: 'projectApproval',
    materials: stageMaterials(c.h.province, 'projectApproval'),
  });
  expect(submitted.value.partnerProvinces).toEqual([]);
  const accepted = await c.h.services.cases.actOnAcceptance(
    windowOfficer,
    submitted.value.id,
    submitted.version,
    {
      outcome: 'accept',
    },
  );
  for (const i of accepted.value.items) {
    await c.h.services.cases.decideItem(
      { actor: actors.reviewer(i.department) },
      accepted.value.id,
      i.code,
      undefined,
      {
        outcome: 'approve',
      },
    );
  }
  const { value } = await c.h.services.cases.get({ actor: actors.supervisor }, accepted.value.id);
  const item = value.items[0]!;
  return { c, caseId: value.id, item, resultNo: item.decision!.resultNo!, hash: item.decision!.resultHash! };
}

const verifyPath = (resultNo: string, hash: string) => `/verify/results/${resultNo}?hash=${hash}`;

/** Nothing of the applicant, the case or the people may appear in a public answer. */
function expectNothingPersonal(text: string, c: StageCase) {
  for (const secret of [
    c.applicant.creditCode,
    c.applicant.name,
    c.id,
    c.projectName,
    c.submittedBy,
    ...c.items.map((i) => i.decision?.by ?? ''),
  ]) {
    if (secret) expect(text).not.toContain(secret);
  }
  expect(text).not.toMatch(/signature|keyId|reason|material|creditCode|caseId/i);
}

describe('电子批文 over HTTP', () => {
  it('a local-only approval is signed, and its holder reads the printable result', async () => {
    const { c, resultNo, hash, item, caseId } = await approvedCase();
    const doc = await c.get(actors.applicantA, `/results/${resultNo}`);
    expect(doc.status, doc.text).toBe(200);
    expect(doc.body).toMatchObject({
      resultNo,
      resultHash: hash,
      caseId,
      itemCode: item.code,
      outcome: 'approve',
      keyId: c.h.services.deps.signer.keyId,
      applicantName: ORG_A.name,
    });
    expect(doc.body.signature).toMatch(/^[A-Za-z0-9+/]+=*$/);
    // the signature is committed with the decision, and on the audit trail
    const record = await c.h.store.get<ElectronicResultRecord>('electronicResult', resultNo);
    expect(record?.value.signature).toBe(doc.body.signature);
    const trail = await c.get(actors.supervisor, `/cases/${caseId}/audit`);
    const approved = trail.body.events.find(
      (e: { type: string; data: { itemCode: string } }) =>
        e.type === 'ItemApproved' && e.data.itemCode === item.code,
    );
    expect(approved.data).toMatchObject({ resultNo, resultHash: hash, resultSignature: doc.body.signature });
  });

  it('the signature checks offline with the key the province publishes, without a token', async () => {
    const { c, resultNo } = await approvedCase();
    const doc = await c.get(actors.applicantA, `/results/${resultNo}`);
    const published = await c.get(undefined, '/verify/keys');
    expect(published.status, published.text).toBe(200);
    const key = (published.body.keys as { keyId: string; publicKeyPem: string }[]).find(
      (k) => k.keyId === doc.body.keyId,
    );
    expect(key, 'the key id printed on the result is published').toBeDefined();
    expect(verifyResultSignature(resultNo, doc.body.resultHash, doc.body.signature, key!.publicKeyPem)).toBe(
      true,
    );
    // an altered hash does not verify under it
    const altered = `${doc.body.resultHash.slice(0, -1)}${doc.body.resultHash.endsWith('0') ? '1' : '0'}`;
    expect(verifyResultSignature(resultNo, altered, doc.body.signature, key!.publicKeyPem)).toBe(false);
  });

  it('another organisation and a stranger cannot read the printable result', async () => {
    const { c, resultNo } = await approvedCase();
    expect((await c.get(applicant(ORG_B).actor, `/results/${resultNo}`)).status).toBe(403);
    expect((await c.get(undefined, `/results/${resultNo}`)).status).toBe(401);
    const none = await c.get(actors.applicantA, '/results/JS2026-R-nope');
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('RESULT_NOT_FOUND');
  });

  it('public verification needs no token and answers valid with nothing but what the result shows', async () => {
    const { c, resultNo, hash, item, caseId } = await approvedCase();
    const res = await c.get(undefined, verifyPath(resultNo, hash));
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({
      status: 'valid',
      resultNo,
      province: 'JS',
      projectCode: expect.any(String),
      itemName: item.name,
      decidedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    const { value } = await c.h.services.cases.get({ actor: actors.supervisor }, caseId);
    expectNothingPersonal(res.text, value);
    // an upper-case hash is the same hash
    expect((await c.get(undefined, verifyPath(resultNo, hash.toUpperCase()))).body.status).toBe('valid');
  });

  it('a wrong hash answers exactly as an unknown number does, so numbers cannot be enumerated', async () => {
    const { c, resultNo, hash } = await approvedCase();
    const wrong = `${hash.slice(0, 63)}${hash.endsWith('0') ? '1' : '0'}`;
    const wrongHash = await c.get(undefined, verifyPath(resultNo, wrong));
    const unknownNo = await c.get(undefined, verifyPath('JS2026-R-nope', hash));
    expect(wrongHash.status).toBe(200);
    expect(wrongHash.body).toEqual({ status: 'unknown', resultNo });
    expect(unknownNo.body).toEqual({ status: 'unknown', resultNo: 'JS2026-R-nope' });
    // a malformed hash or number is refused before anything is looked up
    expect((await c.get(undefined, verifyPath(resultNo, 'abc'))).status).toBe(400);
    expect((await c.get(undefined, `/verify/results/${resultNo}`)).status).toBe(400);
    expect((await c.get(undefined, verifyPath('JS..%2Fx', hash))).status).toBe(400);
  });

  it('a revoked approval answers revoked, with the date but not the reason', async () => {
    const { c, resultNo, hash, item, caseId } = await approvedCase();
    const revoked = await c.post(actors.supervisor, `/cases/${caseId}/items/${item.code}/revocation`, {
      reasonZh: '申请人以欺骗手段取得许可',
    });
    expect(revoked.status, revoked.text).toBe(200);
    const res = await c.get(undefined, verifyPath(resultNo, hash));
    expect(res.body).toMatchObject({ status: 'revoked', resultNo, itemName: item.name });
    expect(res.body.revokedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(res.text).not.toContain('欺骗');
    // the holder's page says so, with the reason
    const doc = await c.get(actors.applicantA, `/results/${resultNo}`);
    expect(doc.body.revoked.reasonZh).toBe('申请人以欺骗手段取得许可');
  });

  it('a result row written into the store without the province key is no result', async () => {
    const { c, resultNo, hash } = await approvedCase();
    const stored = (await c.h.store.get<ElectronicResultRecord>('electronicResult', resultNo))!;
    // an insider with write access to the store forges a signature on the existing number
    const forged = { ...stored.value, signature: Buffer.from('forged-signature-bytes').toString('base64') };
    await c.h.store.commit([
      {
        kind: 'electronicResult',
        id: resultNo,
        expectedVersion: stored.version,
        value: forged,
        indexes: [],
        events: [],
      },
    ]);
    expect((await c.get(undefined, verifyPath(resultNo, hash))).body.status).toBe('unknown');
    // or names a key id the province never had
    await c.h.store.commit([
      {
        kind: 'electronicResult',
        id: resultNo,
        expectedVersion: stored.version + 1,
        value: { ...stored.value, keyId: 'someone-else' },
        indexes: [],
        events: [],
      },
    ]);
    expect((await c.get(undefined, verifyPath(resultNo, hash))).body.status).toBe('unknown');
  });

  it('a rejection issues no result', async () => {
    const c = await ApiClient.create();
    clients.push(c);
    const projectId = await admittedProject(c.h);
    const submitted = await c.h.services.cases.submit(applicant(), {
      projectId,
      stage: 'projectApproval',
      materials: stageMaterials(c.h.province, 'projectApproval'),
    });
    const accepted = await c.h.services.cases.actOnAcceptance(
      windowOfficer,
      submitted.value.id,
      submitted.version,
      {
        outcome: 'accept',
      },
    );
    const i = accepted.value.items[0]!;
    const saved = await c.h.services.cases.decideItem(
      { actor: actors.reviewer(i.department) },
      accepted.value.id,
      i.code,
      undefined,
      {
        outcome: 'reject',
        reasons: '不符合规划',
      },
    );
    expect(saved.value.items[0]!.decision?.resultNo).toBeUndefined();
  });
});
