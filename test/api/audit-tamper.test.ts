import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { FileCheckpointLog } from '../../shared/adapters/checkpoints/file-checkpoint-log.js';
import { chainEvent, GENESIS_HASH, verifyChain } from '../../shared/domain/audit-chain.js';
import { verifyCheckpoint } from '../../shared/domain/audit-checkpoint.js';
import { publicKeyFingerprint } from '../../shared/domain/signature.js';
import { ApiClient, actors } from '../support/api-client.js';
import { admittedProject, applicant, stageMaterials, windowOfficer } from '../support/province-harness.js';

/**
 * The attacks of issue 8 on the audit trail, made directly on the store file as an insider with
 * disk access would: one damaged byte, a deleted tail, a consistent rewrite (hashes and head
 * recomputed). Each must be reported, naming where, and none may answer 5xx.
 */
const clients: ApiClient[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.h.stop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'gc-audit-'));
  dirs.push(dir);
  const path = join(dir, 'store.db');
  const c = await ApiClient.create({
    path,
    checkpoints: new FileCheckpointLog(join(dir, 'audit-checkpoints')),
  });
  clients.push(c);
  const h = c.h;
  const projectId = await admittedProject(h);
  const submitted = await h.services.cases.submit(applicant(), {
    projectId,
    stage: 'projectApproval',
    materials: stageMaterials(h.province, 'projectApproval'),
  });
  const caseId = submitted.value.id;
  await h.services.cases.actOnAcceptance(windowOfficer, caseId, submitted.version, { outcome: 'accept' });
  const stream = `stageCase/${caseId}`;
  const length = (await h.store.audit(stream)).length;
  expect(length).toBeGreaterThanOrEqual(2);
  /** a second connection to the same file, as someone with disk access would open it */
  const tamper = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(path);
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  return { c, h, dir, caseId, stream, length, tamper };
}

type Row = {
  seq: number;
  prev_hash: string;
  hash: string;
  type: string;
  actor: string;
  at: string;
  data: string;
};

describe('audit trail under attack', () => {
  it('one corrupted byte in a stored event: reported broken at its seq, never 500', async () => {
    const { c, caseId, stream, tamper } = await setup();
    tamper((db) =>
      db
        .prepare(
          "UPDATE audit_events SET data = substr(data, 1, length(data) - 1) || '#' WHERE stream = ? AND seq = 2",
        )
        .run(stream),
    );
    const verification = await c.get(actors.supervisor, `/cases/${caseId}/audit/verification`);
    expect(verification.status, verification.text).toBe(200);
    expect(verification.body).toMatchObject({ valid: false, firstBrokenSeq: 2, reason: 'unreadable' });
    const trail = await c.get(actors.auditor, `/cases/${caseId}/audit`);
    expect(trail.status, trail.text).toBe(200);
    expect(trail.body.events[0]).toMatchObject({ seq: 1, type: expect.any(String) });
    expect(trail.body.events[1]).toEqual({ stream, seq: 2, unreadable: expect.any(String) });
  });

  it('a field of the wrong type (a number where a hash belongs): reported broken, never 500', async () => {
    const { c, caseId, stream, tamper } = await setup();
    tamper((db) =>
      db
        .prepare('UPDATE audit_events SET hash = 12345, data = ? WHERE stream = ? AND seq = 1')
        .run('[1]', stream),
    );
    const verification = await c.get(actors.supervisor, `/cases/${caseId}/audit/verification`);
    expect(verification.status, verification.text).toBe(200);
    expect(verification.body).toMatchObject({ valid: false, firstBrokenSeq: 1, reason: 'unreadable' });
    expect((await c.get(actors.supervisor, `/cases/${caseId}/audit`)).status).toBe(200);
  });

  it('deleting the last event of a stream is reported as truncation at that seq', async () => {
    const { c, caseId, stream, length, tamper } = await setup();
    tamper((db) => db.prepare('DELETE FROM audit_events WHERE stream = ? AND seq = ?').run(stream, length));
    const verification = await c.get(actors.auditor, `/cases/${caseId}/audit/verification`);
    expect(verification.status).toBe(200);
    expect(verification.body).toMatchObject({ valid: false, firstBrokenSeq: length, reason: 'truncated' });
  });

  it('a consistent rewrite older than the checkpoint is reported, naming the stream and the event', async () => {
    const { c, h, caseId, stream, length, tamper } = await setup();
    const written = await h.services.auditCheckpoint();
    expect(written).toMatchObject({ number: 1 });
    // nothing moved: no second checkpoint
    expect(await h.services.auditCheckpoint()).toBeUndefined();

    // Rewrite event 1 and recompute every later hash, and the head beside the aggregate.
    tamper((db) => {
      const rows = db
        .prepare('SELECT * FROM audit_events WHERE stream = ? ORDER BY seq')
        .all(stream) as Row[];
      let prev = GENESIS_HASH;
      const update = db.prepare(
        'UPDATE audit_events SET prev_hash = ?, hash = ?, actor = ?, data = ? WHERE stream = ? AND seq = ?',
      );
      for (const row of rows) {
        const data = JSON.parse(row.data) as Record<string, unknown>;
        const actor = row.seq === 1 ? 'someone-else' : row.actor;
        const e = chainEvent(stream, row.seq, prev, { type: row.type, actor, at: row.at, data });
        update.run(e.prevHash, e.hash, actor, JSON.stringify(data), stream, row.seq);
        prev = e.hash;
      }
      db.prepare("UPDATE aggregates SET audit_head = ? WHERE kind = 'stageCase' AND id = ?").run(
        prev,
        caseId,
      );
    });
    // link by link and against its head, the rewritten trail is flawless…
    const links = await h.store.audit(stream);
    expect(links).toHaveLength(length);
    expect(verifyChain(links, { head: (await h.store.auditHead(stream))! })).toMatchObject({ valid: true });
    // …but it disagrees with what the province signed
    const verification = await c.get(actors.auditor, `/cases/${caseId}/audit/verification`);
    expect(verification.status).toBe(200);
    expect(verification.body).toMatchObject({
      valid: false,
      firstBrokenSeq: length,
      reason: 'checkpointMismatch',
      checkpointId: written!.id,
    });
    const whole = await c.get(actors.auditor, `/audit/checkpoints/${written!.id}/verification`);
    expect(whole.status, whole.text).toBe(200);
    expect(whole.body).toMatchObject({
      signatureValid: true,
      valid: false,
      firstBroken: { stream, seq: length, reason: 'checkpointMismatch' },
    });

    // and the annual evaluation no longer certifies the trail
    const year = h.clock.now().getUTCFullYear();
    const evaluation = await c.get(actors.auditor, `/reports/annual-evaluation?year=${year}`);
    expect(evaluation.status, evaluation.text).toBe(200);
    expect(evaluation.body.auditTrail.broken).toContainEqual({
      caseId,
      firstBrokenSeq: length,
      reason: 'checkpointMismatch',
    });
  });

  it('a checkpoint verifies with the public key alone, and fails when anything in it is altered', async () => {
    const { c, h, stream } = await setup();
    const written = await h.services.auditCheckpoint();
    const list = await c.get(actors.auditor, '/audit/checkpoints');
    expect(list.status, list.text).toBe(200);
    expect(list.body.items[0]).toMatchObject({ id: written!.id, number: 1, signatureValid: true });
    expect((await c.get(actors.applicantA, '/audit/checkpoints')).status).toBe(403);

    const got = await c.get(actors.auditor, `/audit/checkpoints/${written!.id}`);
    expect(got.status, got.text).toBe(200);
    const { publicKeyPem, ...checkpoint } = got.body;
    // the key served is the province's signing key (compare it with the pinned one, not with the store)
    expect(publicKeyPem).toBe(await h.signer.publicKeyPem());
    const keys = [{ origin: h.province.code, publicKeyPem, keyId: publicKeyFingerprint(publicKeyPem) }];
    expect(verifyCheckpoint(checkpoint, keys)).toMatchObject({ ok: true });
    expect(checkpoint.heads.map((x: { stream: string }) => x.stream)).toContain(stream);

    const clone = () => structuredClone(checkpoint);
    const headAltered = clone();
    headAltered.heads[0].hash = 'f'.repeat(64);
    expect(verifyCheckpoint(headAltered, keys)).toEqual({ ok: false, reason: 'rootMismatch' });
    const headDropped = clone();
    headDropped.heads.pop();
    expect(verifyCheckpoint(headDropped, keys)).toEqual({ ok: false, reason: 'rootMismatch' });
    const payloadAltered = clone();
    payloadAltered.envelope.payload.root = 'e'.repeat(64);
    expect(verifyCheckpoint(payloadAltered, keys)).toMatchObject({ ok: false, reason: 'hashMismatch' });
    const signatureAltered = clone();
    const sig = Buffer.from(signatureAltered.envelope.signature, 'base64');
    sig[sig.length - 1] = (sig[sig.length - 1] ?? 0) ^ 1;
    signatureAltered.envelope.signature = sig.toString('base64');
    expect(verifyCheckpoint(signatureAltered, keys)).toMatchObject({ ok: false });
    // another key does not verify it
    const other = (await import('../support/province-harness.js')).newSigner();
    const otherPem = await other.publicKeyPem();
    expect(
      verifyCheckpoint(checkpoint, [
        { origin: h.province.code, publicKeyPem: otherPem, keyId: checkpoint.envelope.keyId },
      ]),
    ).toMatchObject({ ok: false, reason: 'badSignature' });
  });

  it('the checkpoint log refuses to overwrite, and an unknown checkpoint is a 404 problem', async () => {
    const { c, h, dir } = await setup();
    await h.services.auditCheckpoint();
    const log = new FileCheckpointLog(join(dir, 'audit-checkpoints'));
    const [first] = await log.list();
    await expect(log.append(first!)).rejects.toThrow();
    const missing = await c.get(actors.auditor, '/audit/checkpoints/CP-none');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });
});
