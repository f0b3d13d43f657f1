import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { OpenAPIHono } from '@hono/zod-openapi';
import { importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/http/app.js';
import { createLocalSigner } from '../../functions/http/auth.js';
import type { Limits } from '../../functions/http/limits.js';
import { errorHandler } from '../../functions/http/problem.js';
import { writeTokenFile } from '../../functions/local/key-files.js';
import { DEMO_TOKEN_TTL_SECONDS } from '../../functions/local/province-runtime.js';
import {
  folderResolver,
  readPublishedKey,
  registerInFolder,
} from '../../shared/adapters/peers/http-peer-directory.js';
import { loadOrCreateLocalSigner, localSignerFromPem } from '../../shared/adapters/signing/local-signer.js';
import { zhejiang } from '../../shared/config/provinces/zhejiang.js';
import { invalid } from '../../shared/domain/errors.js';
import type { Actor } from '../../shared/domain/model.js';
import { signEnvelope, type TrustedKey } from '../../shared/domain/signature.js';
import type { Signer } from '../../shared/ports/signer.js';
import { AUDIENCE, actors, ISSUER } from '../support/api-client.js';
import { type Harness, makeHarness, TestClock } from '../support/province-harness.js';

const harnesses: Harness[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(harnesses.map((h) => h.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const newSigner = (): Signer =>
  localSignerFromPem(
    generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
  );

/** 浙江, receiving from 江苏 (whose key is pinned), over the real HTTP app. */
async function zjApp(
  options: {
    limits?: Partial<Limits>;
    partnerKeys?: TrustedKey[];
    clock?: TestClock;
    tokenKeyFile?: string;
  } = {},
) {
  const js = newSigner();
  const partnerKeys = options.partnerKeys ?? [
    { origin: 'JS', publicKeyPem: await js.publicKeyPem(), keyId: js.keyId },
  ];
  const h = makeHarness({
    province: zhejiang,
    partnerKeys,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  harnesses.push(h);
  const tokens = await createLocalSigner({
    issuer: ISSUER,
    audience: AUDIENCE,
    ...(options.tokenKeyFile ? { keyFile: options.tokenKeyFile } : {}),
  });
  const app = createApp(h.services, {
    verifier: tokens.verifier(),
    checkResponses: true,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const call = async (
    who: Actor | string | undefined,
    method: string,
    path: string,
    init: RequestInit = {},
  ) => {
    const headers = new Headers(init.headers);
    if (who) headers.set('authorization', `Bearer ${typeof who === 'string' ? who : await tokens.sign(who)}`);
    const res = await app.request(path, { ...init, method, headers });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: inspected loosely
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, headers: res.headers, body };
  };
  return { h, app, js, tokens, call };
}

/** A bus event as 江苏's rule forwards it, carrying the given envelope. */
function busEvent(envelope: unknown, source = 'JS', n = 1) {
  return {
    version: '0',
    id: `bus-${n}`,
    source: `green-channel.${source}`,
    'detail-type': 'ResultIssued',
    detail: {
      id: `${source}:E${n}`,
      type: 'ResultIssued',
      version: 1,
      source,
      time: '2026-03-02T04:00:00.000Z',
      subject: 'stageCase/x',
      data: { partnerProvinces: ['ZJ'], envelope },
    },
  };
}
const postEvent = (event: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(event),
});

const admin = actors.admin;

describe('body limits (413 PAYLOAD_TOO_LARGE, nothing stored)', () => {
  it('an oversize JSON body on a token route → 413 before it is parsed; nothing stored', async () => {
    const { h, call } = await zjApp();
    const huge = JSON.stringify({
      projectCode: '2026-330000-48-01-000001',
      name: 'x'.repeat(2 * 1024 * 1024),
    });
    const res = await call(actors.applicantA, 'POST', '/projects', {
      body: huge,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
    expect(res.body.title).toContain('1 MB');
    expect((await h.store.query('status', 'project:registered')).items).toEqual([]);
  });

  it('an oversize partner event (over 256 KB) → 413; no refusal row is stored for it', async () => {
    const { call } = await zjApp();
    const event = busEvent({ padding: 'x'.repeat(300 * 1024) });
    const res = await call(undefined, 'POST', '/partner/events', postEvent(event));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(res.body.title).toContain('256 KB');
    const rejected = await call(admin, 'GET', '/partner-events/rejected');
    expect(rejected.body.items).toEqual([]);
  });

  it('a chunked upload without content-length is cut off at the limit, never read whole', async () => {
    const { h, call } = await zjApp({ limits: { uploadBytes: 1024 * 1024 } });
    const chunk = new Uint8Array(64 * 1024).fill(7);
    const total = 64 * 1024 * 1024;
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const res = await call(actors.applicantA, 'POST', '/materials', {
      body,
      headers: { 'content-type': 'application/pdf' },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    // read up to the limit and a chunk or two of look-ahead, not 64 MB
    expect(pulled).toBeLessThanOrEqual(1024 * 1024 + 3 * chunk.byteLength);
    expect(await h.services.deps.blobs.has('0'.repeat(64))).toBe(false);
  });

  it('against the Node server: a chunked 64 MB upload answers 413 after ~20 MB, memory stays bounded', async () => {
    const { app, tokens } = await zjApp();
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const token = await tokens.sign(actors.applicantA);
    const before = process.memoryUsage().rss;
    const chunk = Buffer.alloc(256 * 1024, 1);
    let sent = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/materials',
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/octet-stream',
            'transfer-encoding': 'chunked',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', (err) => (sent > 0 ? undefined : reject(err)));
      const pump = () => {
        while (sent < 64 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    const grown = process.memoryUsage().rss - before;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    expect(status).toBe(413);
    // the server stopped reading: the client was answered before it had sent everything
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    expect(grown).toBeLessThan(48 * 1024 * 1024);
  }, 30_000);
});

describe('refused partner events are stored bounded (aggregated per sender and reason)', () => {
  it('a flood of 300 forged events, with random senders and ids, leaves a handful of rows with counts', async () => {
    const { call, h } = await zjApp({ limits: { partnerRate: { capacity: 10_000, perSecond: 1 } } });
    const forger = newSigner();
    for (let i = 0; i < 300; i++) {
      const sender = ['JS', 'SH', `Q${i % 7}`, 'XX'][i % 4]!;
      const envelope = await signEnvelope(forger, sender, { n: i }, '2026-03-02T04:00:00.000Z');
      const event =
        i % 5 === 0 ? { garbage: i, source: `green-channel.R${i}` } : busEvent(envelope, sender, i);
      const res = await call(undefined, 'POST', '/partner/events', postEvent(event));
      expect(res.status).toBe(202);
      expect(res.body.outcome).toBe('rejected');
    }
    const page = await call(admin, 'GET', '/partner-events/rejected?limit=100');
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeLessThanOrEqual(8);
    const total = page.body.items.reduce((n: number, r: { count: number }) => n + r.count, 0);
    expect(total).toBe(300);
    for (const row of page.body.items) expect(['JS', 'SH', 'unknown']).toContain(row.sender);
    // the audit trail grows logarithmically, not per refused event
    const stored = (await h.store.query('status', 'rejectedEvent', { limit: 100 })).items;
    let auditEvents = 0;
    for (const row of stored)
      auditEvents += (await h.store.audit(`rejectedEvent/${row.id}`, { limit: 1000 })).length;
    expect(auditEvents).toBeLessThan(60);
  }, 60_000);
});

describe('per-sender rate limit on /partner/*', () => {
  it("answers 429 TOO_MANY_REQUESTS with Retry-After once a sender's bucket is empty; other senders are unaffected", async () => {
    const { call } = await zjApp({ limits: { partnerRate: { capacity: 3, perSecond: 0.01 } } });
    const forged = (sender: string, n: number) => postEvent(busEvent({}, sender, n));
    for (let i = 0; i < 3; i++)
      expect((await call(undefined, 'POST', '/partner/events', forged('JS', i))).status).toBe(202);
    const limited = await call(undefined, 'POST', '/partner/events', forged('JS', 9));
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'TOO_MANY_REQUESTS', status: 429 });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // 上海 has its own bucket
    expect((await call(undefined, 'POST', '/partner/events', forged('SH', 1))).status).toBe(202);
    // the material route shares the sender's bucket
    const fetchRes = await call(
      undefined,
      'GET',
      `/partner/materials/2026-320000-48-01-000200/${'a'.repeat(64)}`,
      {
        headers: { 'x-gc-province': 'JS' },
      },
    );
    expect(fetchRes.status).toBe(429);
  });
});

describe('partner keys pinned at start, with key ids and rotation windows', () => {
  it("a partner's key file rewritten after start is never trusted; the pinned key still is", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-keys-'));
    dirs.push(dir);
    const js = await loadOrCreateLocalSigner(join(dir, 'JS', 'result-signing-key.pem'));
    const pinned = readPublishedKey('JS', join(dir, 'JS', 'result-signing-key.pem.pub.pem'))!;
    expect(pinned.keyId).toBe(js.keyId);
    const { call } = await zjApp({ partnerKeys: [pinned] });
    // an attacker who can write the data folder replaces JS's public key and peers entry
    const attacker = newSigner();
    writeFileSync(join(dir, 'JS', 'result-signing-key.pem.pub.pem'), await attacker.publicKeyPem());
    registerInFolder(join(dir, 'peers'), 'JS', {
      url: 'http://127.0.0.1:1',
      publicKeyPem: await attacker.publicKeyPem(),
      keyId: attacker.keyId,
      pid: 1,
    });
    expect(folderResolver(join(dir, 'peers'))('JS')).toEqual({ url: 'http://127.0.0.1:1' });
    const forged = await signEnvelope(attacker, 'JS', { n: 1 }, '2026-03-02T04:00:00.000Z');
    const r1 = await call(undefined, 'POST', '/partner/events', postEvent(busEvent(forged, 'JS', 1)));
    expect(r1.body).toEqual({ outcome: 'rejected', reason: 'keyMismatch' });
    const claimingGenuineId = { ...forged, keyId: js.keyId };
    const r2 = await call(
      undefined,
      'POST',
      '/partner/events',
      postEvent(busEvent(claimingGenuineId, 'JS', 2)),
    );
    expect(r2.body).toEqual({ outcome: 'rejected', reason: 'badSignature' });
    // the genuine key passes verification (the payload then fails the schema, which comes after)
    const genuine = await signEnvelope(js, 'JS', { n: 3 }, '2026-03-02T04:00:00.000Z');
    const r3 = await call(undefined, 'POST', '/partner/events', postEvent(busEvent(genuine, 'JS', 3)));
    expect(r3.body).toEqual({ outcome: 'rejected', reason: 'schema' });
  });

  it('rotation: the old key verifies until its window closes, the new one from its start', async () => {
    const oldKey = newSigner();
    const newKey = newSigner();
    const clock = new TestClock('2026-03-02');
    const { call } = await zjApp({
      clock,
      partnerKeys: [
        {
          origin: 'JS',
          publicKeyPem: await oldKey.publicKeyPem(),
          keyId: oldKey.keyId,
          validUntil: '2026-03-10T00:00:00Z',
        },
        {
          origin: 'JS',
          publicKeyPem: await newKey.publicKeyPem(),
          keyId: newKey.keyId,
          validFrom: '2026-03-01T00:00:00Z',
        },
      ],
    });
    let n = 0;
    const send = async (signer: Signer) => {
      const e = await signEnvelope(signer, 'JS', { n: ++n }, '2026-03-02T04:00:00.000Z');
      return (await call(undefined, 'POST', '/partner/events', postEvent(busEvent(e, 'JS', n)))).body;
    };
    // overlap: both verify (then the dummy payload fails the schema check that follows)
    expect(await send(oldKey)).toEqual({ outcome: 'rejected', reason: 'schema' });
    expect(await send(newKey)).toEqual({ outcome: 'rejected', reason: 'schema' });
    clock.setDate('2026-03-11');
    expect(await send(oldKey)).toEqual({ outcome: 'rejected', reason: 'keyNotValid' });
    expect(await send(newKey)).toEqual({ outcome: 'rejected', reason: 'schema' });
  });
});

describe('problems carry their details', () => {
  it('DomainError details reach the problem body, without personal data', async () => {
    const app = new OpenAPIHono();
    app.onError(errorHandler);
    app.get('/x', () => {
      throw invalid('MATERIALS_INCOMPLETE', '申请材料不齐全', {
        missing: [
          { itemCode: 'landUse', materialCode: 'sitePlan', creditCode: '91320000134768398X', name: '张三' },
        ],
        actor: { id: 'u1', name: '张三' },
        phone: '13800000000',
      });
    });
    const res = await app.request('/x');
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(422);
    expect(body.details).toEqual({ missing: [{ itemCode: 'landUse', materialCode: 'sitePlan' }] });
    const text = JSON.stringify(body);
    for (const secret of ['张三', '13800000000', '91320000134768398X']) expect(text).not.toContain(secret);
  });
});

describe('token revocation (jti) and demo hygiene', () => {
  it('an admin revokes a token by its jti; the token is then refused with TOKEN_REVOKED', async () => {
    const { call, tokens } = await zjApp();
    const token = await tokens.sign(actors.supervisor);
    const jti = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).jti as string;
    expect(jti).toMatch(/^[0-9a-f-]{36}$/);
    expect((await call(token, 'GET', '/me')).status).toBe(200);
    // only an administrator may revoke, and bad input stores nothing
    expect(
      (await call(actors.supervisor, 'POST', '/token-revocations', postJson({ jti, reason: '泄露' }))).status,
    ).toBe(403);
    expect(
      (await call(admin, 'POST', '/token-revocations', postJson({ jti: 'a b', reason: '泄露' }))).status,
    ).toBe(400);
    expect((await call(admin, 'GET', '/token-revocations')).body.items).toEqual([]);
    const revoked = await call(admin, 'POST', '/token-revocations', postJson({ jti, reason: '令牌泄露' }));
    expect(revoked.status).toBe(201);
    expect(revoked.body).toMatchObject({ jti, reason: '令牌泄露', revokedBy: admin.id });
    const refused = await call(token, 'GET', '/me');
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'TOKEN_REVOKED' });
    expect((await call(admin, 'POST', '/token-revocations', postJson({ jti, reason: '再次' }))).status).toBe(
      409,
    );
    expect((await call(admin, 'GET', '/token-revocations')).body.items).toHaveLength(1);
    // another token of the same person still works
    expect((await call(actors.supervisor, 'GET', '/me')).status).toBe(200);
  });

  it('a token without a jti (it could never be revoked) is refused; demo tokens last a day', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-jti-'));
    dirs.push(dir);
    const keyFile = join(dir, 'signing-key.json');
    const { call } = await zjApp({ tokenKeyFile: keyFile });
    const stored = JSON.parse(readFileSync(keyFile, 'utf8')) as { kid: string; privateJwk: JWK };
    const key = await importJWK(stored.privateJwk, 'ES256');
    const now = Math.floor(Date.now() / 1000);
    const noJti = await new SignJWT({ name: '赵刚', role: 'supervisor' })
      .setProtectedHeader({ alg: 'ES256', kid: stored.kid })
      .setSubject('sup-1')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(key);
    const res = await call(noJti, 'GET', '/me');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'TOKEN_INVALID' });
    expect(DEMO_TOKEN_TTL_SECONDS).toBe(24 * 3600);
  });

  it('tokens.json and signing keys are written owner-only (0600)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-modes-'));
    dirs.push(dir);
    const tokenFile = join(dir, 'tokens.json');
    writeFileSync(tokenFile, '{}', { mode: 0o644 });
    writeTokenFile(tokenFile, { a: { token: 'x' } });
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(tokenFile, 'utf8'))).toEqual({ a: { token: 'x' } });
    await createLocalSigner({ keyFile: join(dir, 'signing-key.json'), issuer: ISSUER, audience: AUDIENCE });
    expect(statSync(join(dir, 'signing-key.json')).mode & 0o777).toBe(0o600);
    await loadOrCreateLocalSigner(join(dir, 'result-signing-key.pem'));
    expect(statSync(join(dir, 'result-signing-key.pem')).mode & 0o777).toBe(0o600);
  });
});

function postJson(body: unknown): RequestInit {
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
