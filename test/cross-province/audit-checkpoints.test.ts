import { afterEach, describe, expect, it } from 'vitest';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
import { shanghai } from '../../shared/config/provinces/shanghai.js';
import { zhejiang } from '../../shared/config/provinces/zhejiang.js';
import {
  type AuditCheckpoint,
  verifyCheckpoint,
  verifyMerkleProof,
} from '../../shared/domain/audit-checkpoint.js';
import { verifyEnvelope } from '../../shared/domain/signature.js';
import { signedRequestBytes } from '../../shared/domain/signed-request.js';
import type { CheckpointLog } from '../../shared/ports/checkpoints.js';
import { writeCheckpoint } from '../../shared/services/audit.js';
import { serveCheckpointToPartner } from '../../shared/services/partner-checkpoints.js';
import { relayIdle } from '../../shared/services/unit-of-work.js';
import { linkProvinces } from '../support/linked-provinces.js';
import { admittedProject, applicant, ORG_A, supervisor } from '../support/province-harness.js';

class MemoryCheckpointLog implements CheckpointLog {
  readonly items: AuditCheckpoint[] = [];
  async append(c: AuditCheckpoint) {
    if (this.items.some((x) => x.envelope.payload.id === c.envelope.payload.id)) throw new Error('exists');
    this.items.push(structuredClone(c));
  }
  async list() {
    return structuredClone(this.items);
  }
  async get(id: string) {
    return structuredClone(this.items.find((c) => c.envelope.payload.id === id));
  }
}

type Linked = Awaited<ReturnType<typeof linkProvinces>>;
let linked: Linked | undefined;
afterEach(async () => {
  await linked?.stop();
  linked = undefined;
});

describe('audit checkpoints travel to the partner provinces', () => {
  it('a partner keeps the origin’s signed checkpoint and can check the origin’s heads with the pinned key alone', async () => {
    linked = await linkProvinces([jiangsu, zhejiang, shanghai]);
    const js = linked.province('JS');
    const zj = linked.province('ZJ');
    await admittedProject(js);
    await relayIdle(js.services.deps);
    const log = new MemoryCheckpointLog();
    const deps = { ...js.services.deps, checkpoints: log };
    const written = await writeCheckpoint(deps);
    expect(written).toBeDefined();
    await relayIdle(js.services.deps);

    const delivered = linked.deliveries.filter((d) => d.event['detail-type'] === 'AuditCheckpointSigned');
    expect(delivered.map((d) => [d.to, d.outcome]).sort()).toEqual([
      ['SH', { outcome: 'accepted' }],
      ['ZJ', { outcome: 'accepted' }],
    ]);
    const kept = await zj.services.audit.partnerCheckpoints(supervisor);
    expect(kept).toEqual([
      expect.objectContaining({ origin: 'JS', id: written!.id, root: written!.root, signatureValid: true }),
    ]);

    // Later the partner reads the full checkpoint (heads included) from the origin and checks it
    // with the key it pinned for JS — no trust in JS's store or answer needed.
    const full = (await log.get(written!.id))!;
    const pinned = zj.services.deps.peers.trustedKeys('JS');
    const check = verifyCheckpoint(full, pinned);
    expect(check).toMatchObject({ ok: true });
    expect(check.ok && check.payload.root).toBe(kept[0]!.root);

    // the same checkpoint again is a duplicate; one with its root altered is refused and recorded
    const event = JSON.parse(JSON.stringify(delivered[0]!.event));
    expect(await zj.services.partners.receive(event)).toEqual({ outcome: 'duplicate' });
    event.detail.data.envelope.payload.root = 'f'.repeat(64);
    event.detail.data.envelope.payload.id = 'CP-forged';
    expect(await zj.services.partners.receive(event)).toMatchObject({
      outcome: 'rejected',
      reason: 'hashMismatch',
    });
    expect(await zj.services.audit.partnerCheckpoints(supervisor)).toHaveLength(1);
  });

  it('a partner reads a shared project’s heads with Merkle proofs by a signed request, and nothing else', async () => {
    linked = await linkProvinces([jiangsu, zhejiang, shanghai]);
    const js = linked.province('JS');
    const projectCode = '2026-320000-48-01-990001';
    const p = await js.services.projects.register(applicant(ORG_A), {
      projectCode,
      name: '沪苏浙跨省高速公路工程',
      ownerName: ORG_A.name,
      category: 'nationalKey',
      location: { city: '苏州市' },
      investmentWan: 2_000_000,
      governmentInvested: true,
      partnerProvinces: ['ZJ'],
    });
    await admittedProject(js); // another project, not shared with anyone
    await relayIdle(js.services.deps);
    const log = new MemoryCheckpointLog();
    const deps = { ...js.services.deps, checkpoints: log };
    const written = (await writeCheckpoint(deps))!;
    expect(written.count).toBeGreaterThanOrEqual(2);

    const signed = async (who: string, path: string) => {
      const timestamp = linked!.clock.now().toISOString();
      const signer = linked!.signers.get(who)!;
      const signature = await signer.sign(signedRequestBytes('GET', path, timestamp, who));
      return { requester: who, method: 'GET', path, timestamp, signature, keyId: signer.keyId };
    };
    const path = `/partner/audit-checkpoints/${written.id}/projects/${projectCode}`;
    const extract = await serveCheckpointToPartner(deps, {
      ...(await signed('ZJ', path)),
      checkpointId: written.id,
      projectCode,
    });
    expect(extract.heads.map((h) => h.head.stream)).toEqual([`project/${p.value.id}`]);
    // checked with JS's pinned key and the proofs alone
    const pinned = linked.province('ZJ').services.deps.peers.trustedKeys('JS');
    expect(verifyEnvelope(extract.envelope, pinned).ok).toBe(true);
    for (const { head, proof } of extract.heads) {
      expect(verifyMerkleProof(head, proof, extract.envelope.payload.root)).toBe(true);
    }

    // SH is not a partner of this project; a request signed by another key is refused
    await expect(
      serveCheckpointToPartner(deps, {
        ...(await signed('SH', path)),
        checkpointId: written.id,
        projectCode,
      }),
    ).rejects.toMatchObject({ code: 'PARTNER_REQUEST_REFUSED' });
    const forged = { ...(await signed('SH', path)), requester: 'ZJ', checkpointId: written.id, projectCode };
    await expect(serveCheckpointToPartner(deps, forged)).rejects.toMatchObject({
      code: 'PARTNER_REQUEST_REFUSED',
    });
  });
});
