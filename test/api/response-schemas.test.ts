import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../functions/http/app.js';
import { type AppEnv, createLocalSigner, type LocalSigner } from '../../functions/http/auth.js';
import { op } from '../../functions/http/openapi-route.js';
import { errorHandler, validationHook } from '../../functions/http/problem.js';
import { RESPONSE_SCHEMA_MISMATCH, responseCheck } from '../../functions/http/response-check.js';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
import { shanghai } from '../../shared/config/provinces/shanghai.js';
import { zhejiang } from '../../shared/config/provinces/zhejiang.js';
import { sha256OfBytes } from '../../shared/domain/cross-province.js';
import type { Actor } from '../../shared/domain/model.js';
import type { Services } from '../../shared/services/index.js';
import { relayIdle } from '../../shared/services/unit-of-work.js';
import { ApiClient, actors, nextProjectCode, projectBody } from '../support/api-client.js';
import { linkProvinces } from '../support/linked-provinces.js';
import {
  applicant,
  type Harness,
  reviewer,
  stageMaterials,
  supervisor,
  windowOfficer,
} from '../support/province-harness.js';

/**
 * The OpenAPI document describes every answer with a real schema, and the response check holds the
 * handlers to it: documented shapes only, the partner routes under their own security scheme, and a
 * journey over the operations the other API tests do not reach, every JSON answer parsed against
 * its schema (a mismatch would answer 500 RESPONSE_SCHEMA_MISMATCH).
 */

const ROOT = resolve(import.meta.dirname, '../..');

// biome-ignore lint/suspicious/noExplicitAny: the served document is walked as plain JSON
type Json = any;

const clients: ApiClient[] = [];
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all([...clients.splice(0).map((c) => c.stop()), ...stops.splice(0).map((s) => s())]);
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

async function servedSpec(): Promise<Json> {
  const c = await ApiClient.create();
  clients.push(c);
  const res = await c.get(undefined, '/openapi.json');
  expect(res.status).toBe(200);
  return res.body;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function operations(doc: Json): { method: string; path: string; op: Json }[] {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ method, path, op: item[method] })),
  );
}

/** Follows $refs; `where` names the component reached, for messages. */
function deref(doc: Json, schema: Json, where: string): { schema: Json; where: string } {
  let s = schema;
  let w = where;
  for (let i = 0; s?.$ref && i < 20; i++) {
    const name = String(s.$ref).split('/').pop()!;
    s = doc.components.schemas[name];
    w = name;
  }
  return { schema: s ?? {}, where: w };
}

/** The properties an object schema declares, through allOf. */
function declaredProperties(doc: Json, schema: Json): string[] {
  const { schema: s } = deref(doc, schema, '');
  return [
    ...Object.keys(s.properties ?? {}),
    ...(s.allOf ?? []).flatMap((part: Json) => declaredProperties(doc, part)),
  ];
}

/** Free-form maps that are free-form on purpose (an audit event's data varies by event type). */
const FREE_FORM_ON_PURPOSE = ['AuditEvent.data'];

/** Every object schema below `schema` that declares no property, or admits any additional one. */
function looseObjects(doc: Json, schema: Json, where: string, seen = new Set<Json>()): string[] {
  const { schema: s, where: w } = deref(doc, schema, where);
  if (seen.has(s)) return [];
  seen.add(s);
  const out: string[] = [];
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    for (const part of s[key] ?? []) out.push(...looseObjects(doc, part, w, seen));
  }
  if (s.items) out.push(...looseObjects(doc, s.items, `${w}[]`, seen));
  const isObject = s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object'));
  if (isObject && !s.allOf) {
    const props = Object.keys(s.properties ?? {});
    const extra = s.additionalProperties;
    const freeForm = props.length === 0 && (extra === undefined || extra === true || isEmpty(extra));
    if ((freeForm || extra === true) && !FREE_FORM_ON_PURPOSE.includes(w)) out.push(w);
  }
  for (const [name, prop] of Object.entries(s.properties ?? {})) {
    out.push(...looseObjects(doc, prop, `${w}.${name}`, seen));
  }
  return out;
}

const isEmpty = (v: Json) => typeof v === 'object' && v !== null && Object.keys(v).length === 0;

const jsonSuccess = (op: Json): [string, Json][] =>
  Object.entries(op.responses as Record<string, Json>)
    .filter(([status, r]) => /^2\d\d$/.test(status) && r.content?.['application/json'])
    .map(([status, r]) => [status, r.content['application/json'].schema]);

describe('the OpenAPI document', () => {
  let doc: Json;
  beforeAll(async () => {
    doc = await servedSpec();
  });

  it('describes every JSON success answer with declared properties, never an empty or open object', () => {
    const empty: string[] = [];
    const loose: string[] = [];
    for (const { method, path, op } of operations(doc)) {
      for (const [status, schema] of jsonSuccess(op)) {
        const name = `${method.toUpperCase()} ${path} ${status}`;
        if (declaredProperties(doc, schema).length === 0) empty.push(name);
        for (const where of looseObjects(doc, schema, name)) loose.push(`${name}: ${where}`);
      }
    }
    expect(empty).toEqual([]);
    expect([...new Set(loose)]).toEqual([]);
  });

  it('names a component for each success schema, and every operation answers something documented', () => {
    for (const { method, path, op } of operations(doc)) {
      const success = Object.keys(op.responses).filter((s) => /^2\d\d$/.test(s));
      expect(success, `${method} ${path}`).toHaveLength(1);
      for (const [status, schema] of jsonSuccess(op)) {
        expect(schema.$ref, `${method} ${path} ${status}`).toMatch(/^#\/components\/schemas\/[A-Z]\w+$/);
      }
    }
  });

  it('holds every path the README names, and the raw partner and upload routes', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const named = [...readme.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^`?\s]*)/g)].map((m) => ({
      method: m[1]!.toLowerCase(),
      path: m[2]!,
    }));
    expect(named.length).toBeGreaterThan(5);
    const required = [
      { method: 'post', path: '/materials' },
      { method: 'post', path: '/partner/events' },
      { method: 'get', path: '/partner/materials/{projectCode}/{sha256}' },
      { method: 'get', path: '/partner-projects/{projectCode}/materials/{origin}/{sha256}' },
      { method: 'get', path: '/health' },
    ];
    // a README parameter ({id}) or example value (2027) stands for any parameter of the spec's path
    const matches = (template: string, path: string) => {
      const a = template.split('/');
      const b = path.split('/');
      return (
        a.length === b.length &&
        a.every((seg, i) => seg === b[i] || (/^\{.+\}$/.test(seg) && (b[i] ?? '') !== ''))
      );
    };
    const missing = [...named, ...required].filter(
      ({ method, path }) =>
        !Object.entries(doc.paths as Record<string, Json>).some(
          ([template, item]) => item[method] && matches(template, path),
        ),
    );
    expect(missing).toEqual([]);
  });

  it('puts the province-to-province routes under the partnerSignature scheme', () => {
    expect(doc.components.securitySchemes.partnerSignature).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-GC-Signature',
    });
    const description: string = doc.components.securitySchemes.partnerSignature.description;
    for (const header of ['X-GC-Province', 'X-GC-Timestamp', 'X-GC-Signature', 'detail.data.envelope']) {
      expect(description).toContain(header);
    }
    // the public key is public (its fingerprint is checked out of band); everything else is signed
    const partnerOps = operations(doc).filter(
      (o) => o.path.startsWith('/partner/') && o.path !== '/partner/public-key',
    );
    expect(partnerOps.map((o) => `${o.method} ${o.path}`).sort()).toEqual([
      'get /partner/audit-checkpoints/{checkpointId}/projects/{projectCode}',
      'get /partner/materials/{projectCode}/{sha256}',
      'post /partner/events',
    ]);
    for (const { op } of partnerOps) expect(op.security).toEqual([{ partnerSignature: [] }]);
    // everything else is signed in with a bearer token (or, /health, 电子批文核验 and 信息公开, public)
    const open = [
      '/health',
      '/health/ready',
      '/partner/public-key',
      '/verify/results/{resultNo}',
      '/verify/keys',
      // 信息公开
      '/public/projects/{projectCode}',
      '/public/statistics',
      '/public/guide',
      // the local file store's presigned URLs: the signed, expiring token is the credential
      '/blobs/uploads/{token}',
      '/blobs/{token}',
    ];
    for (const { method, path, op } of operations(doc).filter(
      (o) => !o.path.startsWith('/partner/') || o.path === '/partner/public-key',
    )) {
      expect(op.security, `${method} ${path}`).toEqual(open.includes(path) ? [] : [{ bearerAuth: [] }]);
    }

    const events = doc.paths['/partner/events'].post;
    expect(events.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/PartnerBusEvent',
    );
    expect(events.responses['202'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/PartnerEventOutcome',
    );
    const upload = doc.paths['/materials'].post;
    expect(upload.requestBody.content['application/octet-stream'].schema).toMatchObject({
      type: 'string',
      format: 'binary',
    });
    expect(upload.requestBody.content['*/*'].schema.format).toBe('binary');
    expect(Object.keys(upload.responses)).toEqual(expect.arrayContaining(['201', '413', '422']));
    for (const path of [
      '/partner/materials/{projectCode}/{sha256}',
      '/partner-projects/{projectCode}/materials/{origin}/{sha256}',
    ]) {
      expect(doc.paths[path].get.responses['200'].content['application/octet-stream'].schema.format).toBe(
        'binary',
      );
    }
  });

  it('has no casts to never and no open objects left in the HTTP layer', () => {
    const files = (dir: string): string[] =>
      readdirSync(join(ROOT, dir)).flatMap((name) => {
        const path = join(dir, name);
        return statSync(join(ROOT, path)).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
      });
    const offending = files('functions/http').flatMap((f) => {
      const text = readFileSync(join(ROOT, f), 'utf8');
      return [/\bas never\b/, /\.passthrough\(\)/, /\blooseObject\b/, /z\.looseObject/]
        .filter((re) => re.test(text))
        .map((re) => `${f}: ${re}`);
    });
    expect(offending).toEqual([]);
  });
});

describe('the response check', () => {
  const widget = z.object({
    id: z.string(),
    count: z.number().int(),
    tags: z.array(z.object({ name: z.string() })),
  });
  type Widget = z.infer<typeof widget>;

  /** A tiny API whose handler answers what the test asks for, right or wrong. */
  function widgetApp(check: boolean) {
    const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
    app.onError(errorHandler);
    if (check) app.use('*', responseCheck(app));
    let next: unknown;
    app.openapi(
      op(
        'get',
        '/widgets/{id}',
        '运维',
        '一个部件',
        { params: z.object({ id: z.string() }) },
        { status: 200, schema: widget, description: '部件' },
      ),
      // the test plays a handler that drifted from its schema: only a cast gets that past tsc
      (c) => c.json(next as Widget, 200),
    );
    // a documented operation served by a plain handler that answers a status it does not document
    const created = op(
      'get',
      '/gadgets',
      '运维',
      '小部件',
      {},
      { status: 200, schema: widget, description: '部件' },
    );
    app.openAPIRegistry.registerPath(created);
    app.get('/gadgets', (c) => c.json({ id: 'g', count: 1, tags: [] }, 201));
    app.get('/undocumented', (c) => c.json({ anything: true }));
    return {
      app,
      answer: (body: unknown) => {
        next = body;
        return app.request('/widgets/w1');
      },
    };
  }

  it('passes an answer that matches its schema', async () => {
    const { answer } = widgetApp(true);
    const res = await answer({ id: 'w1', count: 2, tags: [{ name: '甲' }] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'w1', count: 2, tags: [{ name: '甲' }] });
  });

  it('turns a wrong shape, an undeclared field or an undocumented status into 500 RESPONSE_SCHEMA_MISMATCH', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { app, answer } = widgetApp(true);

    const wrong = await answer({ id: 'w1', count: 'many', tags: [{}] });
    expect(wrong.status).toBe(500);
    expect(wrong.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem: Json = await wrong.json();
    expect(problem).toMatchObject({ status: 500, code: RESPONSE_SCHEMA_MISMATCH, instance: '/widgets/w1' });
    expect(problem.errors.map((e: { path: string; code: string }) => `${e.path} ${e.code}`).sort()).toEqual([
      'response.count invalid_type',
      'response.tags.0.name invalid_type',
    ]);

    const extra = await answer({ id: 'w1', count: 1, tags: [{ name: '乙', colour: 'red' }], secret: 'x' });
    expect(extra.status).toBe(500);
    const extraProblem: Json = await extra.json();
    expect(
      extraProblem.errors.map((e: { path: string; code: string }) => `${e.path} ${e.code}`).sort(),
    ).toEqual(['response.secret unrecognized_keys', 'response.tags.0.colour unrecognized_keys']);
    // the problem never echoes the values it refused
    expect(JSON.stringify(extraProblem)).not.toContain('red');

    const status = await app.request('/gadgets');
    expect(status.status).toBe(500);
    expect(((await status.json()) as Json).errors).toEqual([
      expect.objectContaining({ path: 'response.status', code: 'undocumented_status' }),
    ]);
    expect(log).toHaveBeenCalledTimes(3);
    expect(String(log.mock.calls[0]?.join(' '))).toContain('GET /widgets/w1 (GET /widgets/{id})');

    // routes outside the document are not checked
    expect((await app.request('/undocumented')).status).toBe(200);
  });

  it('is what catches it: without the check the drifted answer goes out', async () => {
    const { answer } = widgetApp(false);
    const res = await answer({ id: 'w1', count: 'many', tags: [] });
    expect(res.status).toBe(200);
  });

  it('is on in createApp with checkResponses, or with GC_CHECK_RESPONSES=1 when the option is absent', () => {
    const stub = { deps: { province: jiangsu } } as unknown as Services;
    const verifier = { verify: () => Promise.reject(new Error('no sign-in here')) };
    const middlewares = (app: OpenAPIHono<AppEnv>) => app.routes.filter((r) => r.method === 'ALL').length;
    vi.stubEnv('GC_CHECK_RESPONSES', '');
    const off = middlewares(createApp(stub, { verifier }));
    expect(middlewares(createApp(stub, { verifier, checkResponses: true }))).toBe(off + 1);
    vi.stubEnv('GC_CHECK_RESPONSES', '1');
    expect(middlewares(createApp(stub, { verifier }))).toBe(off + 1);
    expect(middlewares(createApp(stub, { verifier, checkResponses: false }))).toBe(off);
  });
});

/** The stage's required materials and those of the chosen items. */
function materialsFor(h: Harness, itemCodes: string[]): { code: string }[] {
  const codes = new Set(stageMaterials(h.province, 'projectApproval').map((m) => m.code));
  for (const code of itemCodes) {
    for (const m of h.province.items.find((i) => i.code === code)!.materials) codes.add(m);
  }
  return [...codes].map((code) => ({ code }));
}

/** Two linked provinces, each with its own checked app and a token signer. */
async function linkedApis() {
  const l = await linkProvinces([jiangsu, zhejiang, shanghai]);
  stops.push(() => l.stop());
  const signer = await createLocalSigner({ issuer: 'response-schemas', audience: 'green-channel' });
  const drain = async () => {
    for (let i = 0; i < 3; i++) {
      for (const code of ['JS', 'ZJ', 'SH']) await relayIdle(l.province(code).services.deps);
    }
  };
  return { l, drain, js: new Checked(l.province('JS'), signer), zj: new Checked(l.province('ZJ'), signer) };
}

class Checked {
  readonly app: OpenAPIHono<AppEnv>;
  constructor(
    readonly h: Harness,
    private readonly signer: LocalSigner,
  ) {
    this.app = createApp(h.services, { verifier: signer.verifier(), checkResponses: true });
  }

  /** Answers `status` (a schema mismatch would answer 500); returns the parsed JSON body. */
  async ok(
    status: number,
    who: Actor | undefined,
    method: string,
    path: string,
    options: {
      json?: unknown;
      body?: string | Uint8Array<ArrayBuffer>;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Json> {
    const res = await this.call(who, method, path, options);
    const text = await res.text();
    expect(res.status, `${method} ${path}: ${text}`).toBe(status);
    return res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  }

  async call(
    who: Actor | undefined,
    method: string,
    path: string,
    options: {
      json?: unknown;
      body?: string | Uint8Array<ArrayBuffer>;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    if (who) headers.authorization = `Bearer ${await this.signer.sign(who)}`;
    let body = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    return this.app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
  }
}

describe('every operation answers as documented (response check on)', () => {
  it('a cross-province journey: uploads, sharing, corrections, special procedures, partner views and events', async () => {
    const { l, drain, js, zj } = await linkedApis();
    const owner = applicant().actor;
    const window = windowOfficer.actor;
    const boss = supervisor.actor;

    const health = await js.ok(200, undefined, 'GET', '/health');
    expect(health).toEqual({ status: 'ok', province: 'JS' });
    expect(await js.ok(200, owner, 'GET', '/me')).toMatchObject({ id: owner.id, role: 'applicant' });
    const catalogue = await js.ok(200, owner, 'GET', '/catalogue');
    expect(catalogue.items.length).toBeGreaterThan(10);

    // a cross-province project, admitted
    const projectCode = nextProjectCode();
    const registered = await js.ok(201, owner, 'POST', '/projects', {
      json: projectBody(projectCode, { partnerProvinces: ['ZJ'] }),
    });
    const applied = await js.ok(200, owner, 'POST', `/projects/${registered.id}/admission`, {
      headers: { 'if-match': `"${registered.version}"` },
    });
    expect(applied.admission.eligibility.reasons.length).toBeGreaterThan(0);
    const admitted = await js.ok(200, boss, 'POST', `/projects/${registered.id}/admission/decision`, {
      json: { admit: true, reasons: '跨省重点项目', priority: 2 },
      headers: { 'if-match': `"${applied.version}"` },
    });
    expect(admitted.admission.status).toBe('admitted');

    // upload (raw bytes) and share a material with the partner
    const bytes = new TextEncoder().encode('%PDF-1.7 可行性研究报告');
    const uploaded = await js.ok(201, owner, 'POST', '/materials', {
      body: bytes,
      headers: { 'content-type': 'application/pdf' },
    });
    expect(uploaded).toEqual({ sha256: sha256OfBytes(bytes), size: bytes.length });
    expect((await js.call(boss, 'POST', '/materials', { body: bytes })).status).toBe(403);
    const empty = await js.call(owner, 'POST', '/materials', { body: new Uint8Array() });
    expect(empty.status).toBe(422);
    expect(((await empty.json()) as Json).code).toBe('EMPTY_CONTENT');
    const materialCode = catalogue.materials[0].code;
    const shared = await js.ok(200, owner, 'POST', `/projects/${registered.id}/shared-materials`, {
      json: { materialCode, sha256: uploaded.sha256 },
    });
    expect(shared.sharedMaterials).toEqual([
      expect.objectContaining({ materialCode, sha256: uploaded.sha256, contentType: 'application/pdf' }),
    ]);
    expect((await js.ok(200, boss, 'GET', `/projects/${registered.id}/audit`)).events.length).toBeGreaterThan(
      2,
    );

    // a case corrected at the window, resubmitted, accepted
    const itemCodes = ['investmentApproval'];
    const materials = materialsFor(js.h, itemCodes);
    const submitted = await js.ok(201, owner, 'POST', '/cases', {
      json: { projectId: registered.id, stage: 'projectApproval', itemCodes, materials },
    });
    const corrected = await js.ok(200, window, 'POST', `/cases/${submitted.id}/acceptance`, {
      json: { outcome: 'correction', missing: [materials[0]!.code], reason: '扫描件不清晰' },
      headers: { 'if-match': `"${submitted.version}"` },
    });
    expect(corrected.status).toBe('correctionRequested');
    const resubmitted = await js.ok(200, owner, 'POST', `/cases/${submitted.id}/resubmission`, {
      json: { materials: [{ code: materials[0]!.code, fileName: '清晰版.pdf' }] },
      headers: { 'if-match': `"${corrected.version}"` },
    });
    const accepted = await js.ok(200, window, 'POST', `/cases/${submitted.id}/acceptance`, {
      json: { outcome: 'accept' },
      headers: { 'if-match': `"${resubmitted.version}"` },
    });
    expect(accepted.status).toBe('underReview');

    // review: a correction answered by a supplement, a special procedure, then every item approved
    const [first, ...rest] = accepted.items as { code: string; department: string }[];
    const itemPath = (code: string) => `/cases/${submitted.id}/items/${code}`;
    const firstReviewer = reviewer(first!.department).actor;
    expect((await js.ok(200, firstReviewer, 'GET', '/inbox')).items.length).toBeGreaterThan(0);
    const missing = catalogue.items.find((i: { code: string }) => i.code === first!.code).materials[0];
    await js.ok(200, firstReviewer, 'POST', `${itemPath(first!.code)}/correction`, {
      json: { missing: [missing], reason: '请补交盖章版' },
    });
    const supplemented = await js.ok(200, owner, 'POST', `/cases/${submitted.id}/supplements`, {
      json: { materials: [{ code: missing, sha256: uploaded.sha256 }] },
    });
    expect(supplemented.corrections.length).toBeGreaterThan(0);
    // 行政许可法第四十五条: the reviewer asks, the department lead approves (with the 特别程序告知书)
    await js.ok(200, firstReviewer, 'POST', `${itemPath(first!.code)}/special-procedure`, {
      json: { action: 'request', procedureType: 'expertReview', reason: '组织专家评审', expectedDays: 10 },
    });
    const started = await js.ok(
      200,
      { ...firstReviewer, id: `lead-${first!.department}`, lead: true },
      'POST',
      `${itemPath(first!.code)}/special-procedure`,
      { json: { action: 'approve' } },
    );
    expect(started.items[0].clockStops.some((s: { kind: string }) => s.kind === 'specialProcedure')).toBe(
      true,
    );
    await js.ok(200, firstReviewer, 'POST', `${itemPath(first!.code)}/special-procedure`, {
      json: { action: 'end' },
    });
    let last: Json;
    for (const item of [first!, ...rest]) {
      last = await js.ok(200, reviewer(item.department).actor, 'POST', `${itemPath(item.code)}/decision`, {
        json: { outcome: 'approve', reasons: '符合要求' },
      });
    }
    expect(last.status).toBe('approved');
    expect(last.items.every((i: Json) => i.decision.resultNo)).toBe(true);
    await js.ok(200, owner, 'POST', `/cases/${submitted.id}/feedback`, { json: { satisfaction: 4 } });
    const progress = await js.ok(200, owner, 'GET', `/cases/${submitted.id}/progress`);
    expect(progress.timeline.length).toBeGreaterThan(5);

    // 浙江 sees the project, its signed results and the shared material
    await drain();
    const page = await zj.ok(200, boss, 'GET', '/partner-projects');
    expect(page.items.map((v: Json) => v.projectCode)).toContain(projectCode);
    const { views } = await zj.ok(200, boss, 'GET', `/partner-projects/${projectCode}`);
    expect(views).toHaveLength(1);
    expect(views[0].summary).toMatchObject({ projectCode, owner: { name: registered.owner.name } });
    expect(views[0].results.length).toBe(accepted.items.length);
    expect(views[0].materials).toEqual([expect.objectContaining({ sha256: uploaded.sha256, materialCode })]);
    // no local case of the project in 浙江: its reviewers may not read the content
    const content = await zj.call(
      reviewer('nrp').actor,
      'GET',
      `/partner-projects/${projectCode}/materials/JS/${uploaded.sha256}`,
    );
    expect(content.status).toBe(403);

    // events at the door: a repeat is a duplicate, a forgery and garbage are refused and recorded
    const delivered = l.deliveries.find((d) => d.to === 'ZJ' && d.outcome.outcome === 'accepted')!;
    expect(await zj.ok(202, undefined, 'POST', '/partner/events', { json: delivered.event })).toEqual({
      outcome: 'duplicate',
    });
    const forged = structuredClone(delivered.event) as Json;
    forged.detail.data.envelope.payload.projectCode = '2026-320000-48-01-999999';
    expect(await zj.ok(202, undefined, 'POST', '/partner/events', { json: forged })).toMatchObject({
      outcome: 'rejected',
    });
    const garbage = await zj.ok(202, undefined, 'POST', '/partner/events', {
      body: 'not json',
      headers: { 'content-type': 'application/json' },
    });
    expect(garbage).toEqual({ outcome: 'rejected', reason: 'malformed' });
    const rejected = await zj.ok(200, boss, 'GET', '/partner-events/rejected');
    expect(rejected.items.map((r: Json) => r.reason)).toEqual(expect.arrayContaining(['malformed']));
    expect(rejected.items.length).toBeGreaterThanOrEqual(2);
    // the origin serves content only to a signed request of a partner
    const unsigned = await js.call(undefined, 'GET', `/partner/materials/${projectCode}/${uploaded.sha256}`);
    expect(unsigned.status).toBe(403);
    expect(((await unsigned.json()) as Json).code).toBe('PARTNER_REQUEST_REFUSED');
  });

  it('sweeps, escalations, notifications, reports and a termination', async () => {
    const c = await ApiClient.create();
    clients.push(c);
    const checked = new Checked(c.h, c.signer);
    const owner = applicant().actor;
    const boss = supervisor.actor;

    const project = await checked.ok(201, owner, 'POST', '/projects', { json: projectBody() });
    const applied = await checked.ok(200, owner, 'POST', `/projects/${project.id}/admission`, {
      headers: { 'if-match': `"${project.version}"` },
    });
    await checked.ok(200, boss, 'POST', `/projects/${project.id}/admission/decision`, {
      json: { admit: true, reasons: '省重点项目' },
      headers: { 'if-match': `"${applied.version}"` },
    });
    const submitted = await checked.ok(201, owner, 'POST', '/cases', {
      json: { projectId: project.id, stage: 'projectApproval', materials: c.materialsFor('projectApproval') },
    });
    const accepted = await checked.ok(200, windowOfficer.actor, 'POST', `/cases/${submitted.id}/acceptance`, {
      json: { outcome: 'accept' },
      headers: { 'if-match': `"${submitted.version}"` },
    });
    const item = accepted.items[0];
    await checked.ok(
      200,
      reviewer(item.department).actor,
      'POST',
      `/cases/${submitted.id}/items/${item.code}/decision`,
      {
        json: { outcome: 'approve' },
      },
    );

    // long after every promised limit: lamps turn red and the ladder is climbed
    c.h.clock.setDate('2026-07-15');
    const sweep = await checked.ok(200, boss, 'POST', '/sweeps');
    expect(sweep.lampChanges.length).toBeGreaterThan(0);
    expect(sweep.escalations.length).toBeGreaterThan(0);
    const weekly = await checked.ok(200, boss, 'GET', '/reports/weekly-dispatch');
    expect(weekly.rows.length).toBeGreaterThan(0);
    expect(weekly.rows[0].history.length).toBeGreaterThan(0);
    const csv = await checked.call(boss, 'GET', '/reports/weekly-dispatch?format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const html = await checked.call(boss, 'GET', '/reports/annual-evaluation?year=2026&format=html');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    const bulletin = await checked.ok(200, boss, 'GET', '/reports/monthly-bulletin?month=2026-03');
    expect(bulletin.byDepartment.length).toBeGreaterThan(0);
    expect(bulletin.total.decidedItems).toBe(1);
    const evaluation = await checked.ok(200, actors.auditor, 'GET', '/reports/annual-evaluation?year=2026');
    expect(evaluation.auditTrail.casesChecked).toBeGreaterThan(0);

    const lead = reviewer(item.department).actor;
    const inbox = await checked.ok(200, lead, 'GET', '/notifications?limit=5');
    expect(inbox.items.length).toBeGreaterThan(0);
    const read = await checked.ok(200, lead, 'POST', `/notifications/${inbox.items[0].id}/read`);
    expect(read.readAt).toBeDefined();

    const terminated = await checked.ok(200, boss, 'POST', `/cases/${submitted.id}/termination`, {
      json: { reason: '项目单位申请撤回', creditMark: false },
    });
    expect(terminated.status).toBe('terminated');
    const coverage = await checked.ok(200, boss, 'GET', '/calendar');
    expect(coverage.coveredYears).toContain(2026);
  });
});
