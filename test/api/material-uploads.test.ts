import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/http/app.js';
import { createLocalSigner } from '../../functions/http/auth.js';
import { DEFAULT_LIMITS, materialMaxBytesFromEnv } from '../../functions/http/limits.js';
import { FileBlobStore } from '../../shared/adapters/blobs/file-blob-store.js';
import type { Actor } from '../../shared/domain/model.js';
import { signedRequestBytes } from '../../shared/domain/signed-request.js';
import { AUDIENCE, actors, ISSUER, nextProjectCode, projectBody } from '../support/api-client.js';
import {
  admittedProject,
  applicant,
  type Harness,
  makeHarness,
  newSigner,
  stageMaterials,
} from '../support/province-harness.js';

/**
 * 上传材料 through presigned URLs, over the real HTTP app with the file blob store (whose presigned
 * URLs the app itself serves at /blobs/*): issue → PUT the bytes → complete, the refusals on the
 * way, and large downloads answered with a redirect to a presigned URL.
 */

const dirs: string[] = [];
const harnesses: Harness[] = [];
afterAll(async () => {
  await Promise.all(harnesses.map((h) => h.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const bytesOf = (text: string) => new TextEncoder().encode(text);

const MAX = 64 * 1024;
const INLINE = 1024;

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'gc-material-uploads-'));
  dirs.push(dir);
  const zjSigner = newSigner();
  const h = makeHarness({
    blobs: new FileBlobStore(join(dir, 'blobs')),
    partnerKeys: [{ origin: 'ZJ', publicKeyPem: await zjSigner.publicKeyPem(), keyId: zjSigner.keyId }],
  });
  harnesses.push(h);
  const tokens = await createLocalSigner({ issuer: ISSUER, audience: AUDIENCE });
  const app = createApp(h.services, {
    verifier: tokens.verifier(),
    checkResponses: true,
    limits: { materialMaxBytes: MAX, inlineDownloadBytes: INLINE },
  });
  const call = async (who: Actor | undefined, method: string, path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (who) headers.set('authorization', `Bearer ${await tokens.sign(who)}`);
    return app.request(path, { ...init, method, headers });
  };
  const json = (value: unknown): RequestInit => ({
    body: JSON.stringify(value),
    headers: { 'content-type': 'application/json' },
  });
  const ownership = (hash: string) =>
    h.store.get('materialOwnership', `${hash}:${actors.applicantA.creditCode}`);
  return { h, dir, app, call, json, ownership, zjSigner };
}

describe('presigned material uploads', () => {
  it('issues a URL for the declared bytes, takes them there, and records the material on complete', async () => {
    const { call, json, ownership } = await setup();
    const bytes = bytesOf('%PDF-1.7 施工图设计文件 '.repeat(200));
    const hash = sha256(bytes);
    const issued = await call(
      actors.applicantA,
      'POST',
      '/materials/uploads',
      json({
        sha256: hash.toUpperCase(),
        size: bytes.length,
        contentType: 'application/pdf',
        filename: '施工图.pdf',
      }),
    );
    expect(issued.status).toBe(201);
    const body = (await issued.json()) as {
      sha256: string;
      size: number;
      maxBytes: number;
      upload: { url: string; method: string; headers: Record<string, string>; expiresAt: string };
    };
    expect(body).toMatchObject({ sha256: hash, size: bytes.length, maxBytes: MAX });
    expect(body.upload.method).toBe('PUT');
    expect(new URL(body.upload.url).pathname).toMatch(/^\/blobs\/uploads\//);
    expect(Date.parse(body.upload.expiresAt)).toBeGreaterThan(Date.now());
    // nothing is recorded before the bytes arrived and were confirmed
    expect(await ownership(hash)).toBeUndefined();
    const early = await call(actors.applicantA, 'POST', `/materials/uploads/${hash}/complete`);
    expect(early.status).toBe(409);
    expect(((await early.json()) as { code: string }).code).toBe('CONTENT_NOT_UPLOADED');

    // the presigned URL needs no token: it is the credential
    const put = await call(undefined, 'PUT', body.upload.url, { body: bytes, headers: body.upload.headers });
    expect(put.status).toBe(201);
    expect(await ownership(hash)).toBeUndefined();

    const done = await call(actors.applicantA, 'POST', `/materials/uploads/${hash}/complete`);
    expect(done.status).toBe(201);
    // the same answer POST /materials gives for the same bytes
    expect(await done.json()).toEqual({ sha256: hash, size: bytes.length });
    const small = await call(actors.applicantA, 'POST', '/materials', {
      body: bytes,
      headers: { 'content-type': 'application/pdf' },
    });
    expect(await small.json()).toEqual({ sha256: hash, size: bytes.length });
    expect(await ownership(hash)).toMatchObject({
      value: { sha256: hash, uploadedBy: actors.applicantA.id },
    });
  });

  it('refuses bytes other than the declared ones at the URL, stores and records nothing', async () => {
    const { h, call, json, ownership } = await setup();
    const declared = bytesOf('声明的图纸内容');
    const other = bytesOf('替换的图纸内容');
    expect(other.length).toBe(declared.length);
    const hash = sha256(declared);
    const issued = (await (
      await call(
        actors.applicantA,
        'POST',
        '/materials/uploads',
        json({ sha256: hash, size: declared.length }),
      )
    ).json()) as { upload: { url: string; headers: Record<string, string> } };
    const put = await call(undefined, 'PUT', issued.upload.url, {
      body: other,
      headers: issued.upload.headers,
    });
    expect(put.status).toBe(400);
    expect(put.headers.get('content-type')).toContain('application/problem+json');
    expect(((await put.json()) as { code: string }).code).toBe('UPLOAD_HASH_MISMATCH');
    const longer = await call(undefined, 'PUT', issued.upload.url, {
      body: new Uint8Array([...declared, 1]),
    });
    expect(longer.status).toBe(413);
    const forged = await call(undefined, 'PUT', `${issued.upload.url.slice(0, -2)}xx`, { body: declared });
    expect(forged.status).toBe(403);

    expect(await h.services.deps.blobs.has(hash)).toBe(false);
    expect(await h.services.deps.blobs.has(sha256(other))).toBe(false);
    const complete = await call(actors.applicantA, 'POST', `/materials/uploads/${hash}/complete`);
    expect(complete.status).toBe(409);
    expect(await ownership(hash)).toBeUndefined();
  });

  it('records nothing when the stored content no longer has the declared checksum', async () => {
    const { dir, call, json, ownership } = await setup();
    const bytes = bytesOf('原始内容');
    const hash = sha256(bytes);
    const issued = (await (
      await call(actors.applicantA, 'POST', '/materials/uploads', json({ sha256: hash, size: bytes.length }))
    ).json()) as { upload: { url: string; headers: Record<string, string> } };
    expect((await call(undefined, 'PUT', issued.upload.url, { body: bytes })).status).toBe(201);
    // replaced behind the API's back between upload and complete
    writeFileSync(join(dir, 'blobs', hash.slice(0, 2), hash.slice(2)), '篡改后的内容');
    const complete = await call(actors.applicantA, 'POST', `/materials/uploads/${hash}/complete`);
    expect(complete.status).toBe(409);
    expect(((await complete.json()) as { code: string }).code).toBe('CONTENT_HASH_MISMATCH');
    expect(await ownership(hash)).toBeUndefined();
  });

  it('refuses a declared size over the limit with 413 before issuing, and callers who may not upload', async () => {
    const { call, json } = await setup();
    const declaration = { sha256: 'a'.repeat(64), size: MAX + 1, contentType: 'application/pdf' };
    const over = await call(actors.applicantA, 'POST', '/materials/uploads', json(declaration));
    expect(over.status).toBe(413);
    expect(over.headers.get('content-type')).toContain('application/problem+json');
    expect(await over.json()).toMatchObject({
      code: 'MATERIAL_TOO_LARGE',
      title: '材料文件超过 64 KB 的上限',
    });
    const atLimit = await call(
      actors.applicantA,
      'POST',
      '/materials/uploads',
      json({ ...declaration, size: MAX }),
    );
    expect(atLimit.status).toBe(201);
    expect((await call(undefined, 'POST', '/materials/uploads', json(declaration))).status).toBe(401);
    const boss = await call(
      actors.supervisor,
      'POST',
      '/materials/uploads',
      json({ ...declaration, size: 1 }),
    );
    expect(boss.status).toBe(403);
    const badHash = await call(
      actors.applicantA,
      'POST',
      '/materials/uploads',
      json({ sha256: 'xyz', size: 1 }),
    );
    expect(badHash.status).toBe(400);
    const empty = await call(
      actors.applicantA,
      'POST',
      '/materials/uploads',
      json({ ...declaration, size: 0 }),
    );
    expect(((await empty.json()) as { code: string }).code).toBe('EMPTY_CONTENT');
  });
});

describe('case material downloads', () => {
  it('answers a large material with a 303 to a short-lived link, only for the case’s readers', async () => {
    const { h, app, call } = await setup();
    const large = new Uint8Array(INLINE + 1).fill(0x25);
    const { sha256: hash } = await h.services.deps.blobs.put(large, 'application/pdf');
    const projectId = await admittedProject(h);
    const [first, ...rest] = stageMaterials(h.province, 'projectApproval');
    const submitted = await h.services.cases.submit(applicant(), {
      projectId,
      stage: 'projectApproval',
      materials: [{ ...first!, sha256: hash, fileName: '总平面图.pdf' }, ...rest],
    });
    const path = `/cases/${submitted.value.id}/materials/${hash}`;
    const res = await call(actors.reviewer(submitted.value.items[0]!.department), 'GET', path);
    expect(res.status).toBe(303);
    const link = await app.request(res.headers.get('location') ?? '');
    expect(link.status).toBe(200);
    expect(link.headers.get('content-type')).toBe('application/pdf');
    expect(link.headers.get('content-disposition')).toContain(encodeURIComponent('总平面图.pdf'));
    expect(new Uint8Array(await link.arrayBuffer())).toEqual(large);
    // an uploader's declared type does not make HTML run on the API's origin: it is a download
    const page = new TextEncoder().encode(`<script>alert(1)</script>${' '.repeat(INLINE)}`);
    const html = await h.services.deps.blobs.put(page, 'text/html');
    const htmlLink = await h.services.deps.blobs.presignDownload(html.sha256, { expiresInSeconds: 60 });
    const served = await app.request(htmlLink.url);
    expect(served.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    // checked before any link is made
    const outsider = await call(actors.reviewer('heritage'), 'GET', path);
    expect(outsider.status).toBe(403);
    expect(outsider.headers.get('location')).toBeNull();
  });
});

describe('partner downloads of large materials', () => {
  it('redirects a verified partner request to a presigned URL; an unverified one gets neither', async () => {
    const { h, app, call, json, zjSigner } = await setup();
    const projectCode = nextProjectCode();
    const owner = applicant().actor;
    expect(
      (await call(owner, 'POST', '/projects', json(projectBody(projectCode, { partnerProvinces: ['ZJ'] }))))
        .status,
    ).toBe(201);
    const large = new Uint8Array(INLINE * 3).map((_, i) => (i * 7) % 251);
    const small = bytesOf('小文件');
    for (const bytes of [large, small]) {
      const issued = (await (
        await call(owner, 'POST', '/materials/uploads', json({ sha256: sha256(bytes), size: bytes.length }))
      ).json()) as { upload: { url: string; headers: Record<string, string> } };
      expect((await call(undefined, 'PUT', issued.upload.url, { body: bytes })).status).toBe(201);
      expect((await call(owner, 'POST', `/materials/uploads/${sha256(bytes)}/complete`)).status).toBe(201);
      await h.services.partners.shareMaterial({ actor: owner }, projectCode, {
        materialCode: h.province.materials[0]!.code,
        sha256: sha256(bytes),
      });
    }
    const signed = async (path: string, signer = zjSigner) => {
      const timestamp = h.clock.now().toISOString();
      return {
        'x-gc-province': 'ZJ',
        'x-gc-timestamp': timestamp,
        'x-gc-key-id': signer.keyId,
        'x-gc-signature': await signer.sign(signedRequestBytes('GET', path, timestamp, 'ZJ')),
      };
    };
    const path = `/partner/materials/${projectCode}/${sha256(large)}`;
    const refused = [
      await app.request(path),
      await app.request(path, { headers: await signed(path, newSigner()) }),
      await app.request(path, {
        headers: await signed(`/partner/materials/${projectCode}/${'0'.repeat(64)}`),
      }),
    ];
    for (const res of refused) {
      expect(res.status).toBe(403);
      expect(res.headers.get('location')).toBeNull();
    }

    const res = await app.request(path, { headers: await signed(path) });
    expect(res.status).toBe(303);
    const location = res.headers.get('location') ?? '';
    expect(new URL(location).pathname).toMatch(/^\/blobs\/[\w-]+\.[\w-]+$/);
    const fetched = await app.request(location);
    expect(fetched.status).toBe(200);
    expect(new Uint8Array(await fetched.arrayBuffer())).toEqual(large);

    // small content is still answered inline
    const smallPath = `/partner/materials/${projectCode}/${sha256(small)}`;
    const inline = await app.request(smallPath, { headers: await signed(smallPath) });
    expect(inline.status).toBe(200);
    expect(new Uint8Array(await inline.arrayBuffer())).toEqual(small);
  });
});

describe('the material size limit', () => {
  it('is 200 MB unless GC_MATERIAL_MAX_BYTES says otherwise, and a malformed value stops the start', () => {
    expect(materialMaxBytesFromEnv(undefined)).toBe(200 * 1024 * 1024);
    expect(materialMaxBytesFromEnv('')).toBe(200 * 1024 * 1024);
    expect(materialMaxBytesFromEnv('524288000')).toBe(524_288_000);
    for (const bad of ['0', '-1', '200MB', '1e9']) {
      expect(() => materialMaxBytesFromEnv(bad)).toThrow(/GC_MATERIAL_MAX_BYTES/);
    }
    // the running default, where the variable is not set
    if (!process.env.GC_MATERIAL_MAX_BYTES) expect(DEFAULT_LIMITS.materialMaxBytes).toBe(200 * 1024 * 1024);
  });
});
