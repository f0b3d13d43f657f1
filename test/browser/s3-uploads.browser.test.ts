import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoActors } from '../../functions/local/demo-actors.js';
import { type ProvinceRuntime, startProvince } from '../../functions/local/province-runtime.js';
import { S3BlobStore } from '../../shared/adapters/blobs/s3-blob-store.js';
import { jsonTelemetry } from '../../shared/adapters/system/json-logger.js';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
import { stageMaterials } from '../support/province-harness.js';
import { DESKTOP, expectNoConsoleErrors, launchBrowser, openPage, signInAs } from './support.js';

/**
 * Material content in S3, as deployed on AWS: the presigned URLs point at the bucket's own origin,
 * so the browser sends the bytes there itself. That takes the bucket's CORS rule (what
 * MaterialBucket.allowConsole configures, mirrored by the stand-in below) and the console's
 * Content-Security-Policy allowing the bucket in `connect-src`; without either the browser refuses.
 * The stand-in bucket answers the S3 REST calls the adapter makes (path-style, as a custom endpoint
 * is addressed) and does what S3 does with a presigned PUT: refuses bytes whose SHA-256 differs from
 * the signed checksum header.
 */

const BUCKET = 'gc-materials-js';

interface StoredObject {
  bytes: Buffer;
  contentType: string;
  checksum: string;
}

interface Seen {
  method: string;
  path: string;
  origin: string | undefined;
  presigned: boolean;
}

function standInBucket(consoleOrigin: () => string) {
  const objects = new Map<string, StoredObject>();
  const seen: Seen[] = [];
  const app = new Hono();
  const cors = (origin: string | undefined): Record<string, string> =>
    origin === consoleOrigin()
      ? {
          'access-control-allow-origin': origin,
          'access-control-expose-headers': 'ETag, x-amz-checksum-sha256',
          vary: 'Origin',
        }
      : {};
  app.use(async (c, next) => {
    const url = new URL(c.req.url);
    seen.push({
      method: c.req.method,
      path: url.pathname,
      origin: c.req.header('origin'),
      presigned: url.searchParams.has('X-Amz-Signature'),
    });
    await next();
  });
  app.options('*', (c) => {
    const origin = c.req.header('origin');
    const method = c.req.header('access-control-request-method') ?? '';
    const headers = (c.req.header('access-control-request-headers') ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    const allowed =
      origin === consoleOrigin() &&
      ['PUT', 'GET', 'HEAD'].includes(method) &&
      headers.every((h) => ['content-type', 'x-amz-checksum-sha256'].includes(h));
    if (!allowed) return c.body(null, 403);
    return c.body(null, 200, {
      ...cors(origin),
      'access-control-allow-methods': 'PUT, GET, HEAD',
      'access-control-allow-headers': 'content-type, x-amz-checksum-sha256',
      'access-control-max-age': '3600',
    });
  });
  app.put(`/${BUCKET}/*`, async (c) => {
    const url = new URL(c.req.url);
    const signed = (url.searchParams.get('X-Amz-SignedHeaders') ?? '').split(';');
    if (!url.searchParams.has('X-Amz-Signature') || !signed.includes('x-amz-checksum-sha256')) {
      return c.body('<Error><Code>AccessDenied</Code></Error>', 403);
    }
    const bytes = Buffer.from(await c.req.arrayBuffer());
    const checksum = createHash('sha256').update(bytes).digest('base64');
    if (c.req.header('x-amz-checksum-sha256') !== checksum) {
      return c.body('<Error><Code>BadDigest</Code></Error>', 400, cors(c.req.header('origin')));
    }
    const key = decodeURIComponent(url.pathname.slice(BUCKET.length + 2));
    objects.set(key, {
      bytes,
      contentType: c.req.header('content-type') ?? 'application/octet-stream',
      checksum,
    });
    return c.body(null, 200, { ...cors(c.req.header('origin')), etag: `"${checksum.slice(0, 16)}"` });
  });
  // Hono answers HEAD with this GET route, without the body: what HeadObject reads is the headers
  app.get(`/${BUCKET}/*`, (c) => {
    const url = new URL(c.req.url);
    const found = objects.get(decodeURIComponent(url.pathname.slice(BUCKET.length + 2)));
    if (!found) return c.body(null, 404);
    return c.body(new Uint8Array(found.bytes), 200, {
      ...cors(c.req.header('origin')),
      'content-type': found.contentType,
      'content-length': String(found.bytes.length),
      etag: `"${found.checksum.slice(0, 16)}"`,
      'last-modified': new Date().toUTCString(),
      'x-amz-checksum-sha256': found.checksum,
    });
  });
  return { app, objects, seen };
}

let bucketServer: ReturnType<typeof serve>;
let bucket: ReturnType<typeof standInBucket>;
let runtime: ProvinceRuntime;
let dataDir: string;
let browser: Browser;
let projectId: string;
const applicantActor = demoActors(jiangsu).find((a) => a.role === 'applicant')!;

beforeAll(async () => {
  let consoleOrigin = '';
  bucket = standInBucket(() => consoleOrigin);
  bucketServer = serve({ fetch: bucket.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => bucketServer.once('listening', () => resolve()));
  const bucketUrl = `http://127.0.0.1:${(bucketServer.address() as AddressInfo).port}`;

  dataDir = mkdtempSync(join(tmpdir(), 'gc-s3-console-'));
  const blobs = new S3BlobStore({
    client: new S3Client({
      endpoint: bucketUrl,
      forcePathStyle: true,
      region: 'cn-north-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret' },
    }),
    bucket: BUCKET,
  });
  [runtime, browser] = await Promise.all([
    startProvince({
      province: jiangsu,
      dataDir,
      peersDir: join(dataDir, 'peers'),
      port: 0,
      sweepEveryMs: 0,
      // the access log is not what this test reads
      telemetry: jsonTelemetry({ service: 'green-channel', province: 'JS', write: () => {} }),
      blobs,
    }),
    launchBrowser(),
  ]);
  consoleOrigin = new URL(runtime.url).origin;

  const ctx = { actor: applicantActor };
  const project = await runtime.services.projects.register(ctx, {
    projectCode: '2026-320000-48-01-000777',
    name: '沿江高铁南京南站配套工程',
    ownerName: '江苏交通控股有限公司',
    category: 'provincialKey',
    location: { city: '南京市' },
    investmentWan: 50_000,
    governmentInvested: true,
  });
  const applied = await runtime.services.projects.applyAdmission(ctx, project.value.id, project.version);
  const supervisor = demoActors(jiangsu).find((a) => a.role === 'supervisor')!;
  await runtime.services.projects.decideAdmission({ actor: supervisor }, project.value.id, applied.version, {
    admit: true,
    reasons: '符合准入条件',
  });
  projectId = project.value.id;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
  bucketServer?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('material uploads to S3 from the console', () => {
  it('sends a drawing straight to the bucket, and a reviewer opens it from there', async () => {
    const w = await openPage(browser, DESKTOP, { slowNetwork: false });
    const { page } = w;
    await signInAs(page, runtime.url, applicantActor.id);
    await page.goto(`${runtime.url}/#/applicant/apply/${projectId}/projectApproval`);
    const input = page.locator('input[data-upload]').first();
    await input.waitFor({ state: 'attached' });
    const code = (await input.getAttribute('data-upload'))!;
    // over the 4 MB the API hands back inline, so opening it later goes to the bucket too
    const bytes = Buffer.from(`%PDF-1.4 总平面图 ${'x'.repeat(5 * 1024 * 1024)}`);
    await input.setInputFiles({ name: `${code}.pdf`, mimeType: 'application/pdf', buffer: bytes });
    await expect
      .poll(() => page.locator(`[data-material="${code}"]`).first().innerText())
      .toContain('已上传');

    // the browser itself sent the bytes to the bucket's origin, after a CORS preflight
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const puts = bucket.seen.filter((s) => s.method === 'PUT');
    expect(puts).toEqual([
      {
        method: 'PUT',
        path: `/${BUCKET}/materials/${sha256}`,
        origin: new URL(runtime.url).origin,
        presigned: true,
      },
    ]);
    expect(bucket.seen.some((s) => s.method === 'OPTIONS' && s.origin === new URL(runtime.url).origin)).toBe(
      true,
    );
    expect(bucket.objects.get(`materials/${sha256}`)?.bytes.equals(bytes)).toBe(true);
    // and the API recorded it only after the bucket confirmed the hash (HeadObject)
    expect(bucket.seen.some((s) => s.method === 'HEAD' && s.path.endsWith(sha256) && !s.origin)).toBe(true);
    expect(await runtime.services.deps.blobs.has(sha256)).toBe(true);
    expectNoConsoleErrors(w);
    await w.close();

    // The case goes in with that drawing and is accepted; a reviewer of an item that needs it opens
    // it: the API answers 303 to a presigned GET, which the browser follows to the bucket.
    const materials = stageMaterials(jiangsu, 'projectApproval').map((m) =>
      m.code === code ? { code, sha256, fileName: `${code}.pdf` } : m,
    );
    const submitted = await runtime.services.cases.submit(
      { actor: applicantActor },
      { projectId, stage: 'projectApproval', materials },
    );
    const window = demoActors(jiangsu).find((a) => a.role === 'windowOfficer')!;
    await runtime.services.cases.actOnAcceptance({ actor: window }, submitted.value.id, submitted.version, {
      outcome: 'accept',
    });
    const item = submitted.value.items.find((i) =>
      jiangsu.items.find((x) => x.code === i.code)?.materials.includes(code),
    )!;
    const reviewer = demoActors(jiangsu).find(
      (a) => a.role === 'reviewer' && a.department === item.department && !a.lead,
    )!;
    const r = await openPage(browser);
    await signInAs(r.page, runtime.url, reviewer.id);
    await r.page.goto(`${runtime.url}/#/review/cases/${submitted.value.id}/items/${item.code}`);
    await r.page.getByRole('heading', { name: '申请材料' }).waitFor();
    const before = bucket.seen.length;
    await r.page.locator(`[data-material="${code}"]`).getByRole('button', { name: /预览/ }).click();
    const frame = r.page.locator('iframe.preview-frame');
    await frame.waitFor();
    expect(await frame.getAttribute('src')).toMatch(/^blob:/);
    expect(bucket.seen.slice(before)).toContainEqual({
      method: 'GET',
      path: `/${BUCKET}/materials/${sha256}`,
      origin: new URL(runtime.url).origin,
      presigned: true,
    });
    expectNoConsoleErrors(r);
    await r.close();
  });
});
