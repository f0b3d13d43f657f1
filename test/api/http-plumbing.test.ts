import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type AppEnv,
  actorOf,
  authMiddleware,
  createJwksVerifier,
  createLocalSigner,
  requestIdMiddleware,
} from '../../functions/http/auth.js';
import { mountDocs } from '../../functions/http/docs.js';
import {
  expectedVersionFrom,
  optionalExpectedVersionFrom,
  setVersionHeader,
} from '../../functions/http/etag.js';
import {
  type IdempotencyIntent,
  idempotencyScope,
  requestHash,
  withIdempotency,
} from '../../functions/http/idempotency.js';
import { pageResponseSchema, paginationQuerySchema } from '../../functions/http/pagination.js';
import {
  errorHandler,
  notFoundHandler,
  problemResponses,
  validationHook,
} from '../../functions/http/problem.js';
import { creditCodeCheckChar } from '../../shared/domain/codes.js';
import { conflict, DomainError, type ErrorKind } from '../../shared/domain/errors.js';
import type { Actor } from '../../shared/domain/model.js';
import type { IdempotencyRecord } from '../../shared/ports/store.js';

const ISSUER = 'https://id.js.example.gov.cn';
const AUDIENCE = 'green-channel';
const CREDIT_BODY = '91320000134768398';
const CREDIT_CODE = CREDIT_BODY + creditCodeCheckChar(CREDIT_BODY);

const applicant: Actor = { id: 'js-applicant-1', name: '李建华', role: 'applicant', creditCode: CREDIT_CODE };
const reviewer: Actor = { id: 'js-reviewer-DRC', name: '发改委审查员', role: 'reviewer', department: 'DRC' };

/** Only what withIdempotency reads, plus the atomic insert a service's commit would do. */
class FakeIdempotencyStore {
  readonly records = new Map<string, IdempotencyRecord>();
  async getIdempotency(scope: string, key: string) {
    return this.records.get(`${scope}\n${key}`);
  }
  /** these records keep their bodies: nothing to look up */
  async get(): Promise<undefined> {
    return undefined;
  }
  insert(record: IdempotencyRecord) {
    const id = `${record.scope}\n${record.key}`;
    if (this.records.has(id)) throw conflict('IDEMPOTENCY_KEY_USED', '幂等键已使用');
    this.records.set(id, record);
  }
}

const thingBody = z
  .object({
    name: z.string().min(2).max(20),
    count: z.number().int().positive(),
    place: z.object({ city: z.string().min(1) }).strict(),
    day: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
      .optional(),
  })
  .strict()
  .openapi('Thing');

const ERROR_KINDS: Record<ErrorKind, number> = {
  invalid: 422,
  unauthenticated: 401,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  preconditionRequired: 428,
};

async function buildApp() {
  const signer = await createLocalSigner({ issuer: ISSUER, audience: AUDIENCE });
  const store = new FakeIdempotencyStore();
  const calls = { create: 0 };
  /** lets a test make a concurrent duplicate commit between lookup and commit */
  const hooks: { beforeCommit?: (intent: IdempotencyIntent) => void } = {};

  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.onError(errorHandler);
  app.notFound(notFoundHandler);
  app.use('*', requestIdMiddleware());
  app.use('*', authMiddleware(signer.verifier(), { publicPaths: ['/health', '/openapi.json', '/docs'] }));
  mountDocs(app, { title: '测试 API', version: '1.0.0', description: '管道测试' });
  app.get('/health', (c) => c.json({ status: 'ok' }));

  app.openapi(
    createRoute({
      method: 'post',
      path: '/things',
      tags: ['事物'],
      summary: '创建事物',
      security: [{ bearerAuth: [] }],
      request: {
        body: { content: { 'application/json': { schema: thingBody } }, required: true },
        headers: z.object({ 'idempotency-key': z.string().optional() }),
      },
      responses: {
        201: { content: { 'application/json': { schema: thingBody } }, description: '已创建' },
        ...problemResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      return withIdempotency(
        c,
        { store, clock: { now: () => new Date('2026-01-05T00:00:00.000Z') } },
        body,
        201,
        async (intent) => {
          calls.create += 1;
          const answer = { id: `T-${calls.create}`, ...body, by: actorOf(c).id };
          if (intent) {
            hooks.beforeCommit?.(intent);
            store.insert({ ...intent, status: 201, body: answer, at: '2026-01-05T00:00:00.000Z' });
          }
          setVersionHeader(c, 1);
          return answer;
        },
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/things/{id}',
      tags: ['事物'],
      summary: '更新事物',
      // declared required, as the lead's routes do; the validation hook must still answer 428
      request: { params: z.object({ id: z.string() }), headers: z.object({ 'if-match': z.string() }) },
      responses: {
        200: {
          content: { 'application/json': { schema: z.object({ expected: z.number() }) } },
          description: 'ok',
        },
      },
    }),
    async (c) => {
      const expected = expectedVersionFrom(c);
      setVersionHeader(c, expected + 1);
      return c.json({ expected }, 200);
    },
  );
  app.get('/optional-version', (c) => c.json({ expected: optionalExpectedVersionFrom(c) ?? null }));

  app.openapi(
    createRoute({
      method: 'get',
      path: '/things',
      tags: ['事物'],
      summary: '事物列表',
      request: { query: paginationQuerySchema },
      responses: {
        200: {
          content: { 'application/json': { schema: pageResponseSchema(thingBody) } },
          description: '分页',
        },
      },
    }),
    (c) => c.json({ items: [], ...c.req.valid('query') }, 200) as never,
  );

  app.get('/me', (c) => c.json(actorOf(c)));
  app.get('/fail/:kind', (c) => {
    throw new DomainError(c.req.param('kind') as ErrorKind, 'SOME_RULE', '违反了某条规则');
  });
  app.get('/crash', () => {
    throw new Error('secret connection string postgres://admin:hunter2@db and 身份证 110101199003074514');
  });
  app.get('/late-failure', (c) => {
    setVersionHeader(c, 7);
    throw conflict('VERSION_CONFLICT', '数据已被他人修改，请刷新后重试');
  });

  return { app, signer, store, calls, hooks };
}

// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary JSON answers
type Json = any;
const json = (res: Response): Promise<Json> => res.json() as Promise<Json>;

type Built = Awaited<ReturnType<typeof buildApp>>;

function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
}

describe('HTTP plumbing', () => {
  let t: Built;
  let applicantToken: string;
  const auth = () => ({ Authorization: `Bearer ${applicantToken}` });
  const post = (body: string, headers: Record<string, string> = {}) =>
    t.app.request('/things', {
      method: 'POST',
      headers: { ...auth(), 'Content-Type': 'application/json', ...headers },
      body,
    });
  const good = { name: '沿江高铁', count: 2, place: { city: '南京' } };

  beforeAll(async () => {
    t = await buildApp();
    applicantToken = await t.signer.sign(applicant);
  });

  describe('problem+json', () => {
    it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
      const res = await post('{"name": "沿江', {});
      expectProblem(res, 400);
      const body = await json(res);
      expect(body).toMatchObject({
        type: 'https://green-channel.gov.cn/problems/malformed-json',
        status: 400,
        code: 'MALFORMED_JSON',
        title: '请求体不是合法的 JSON',
        instance: '/things',
      });
      expect(typeof body.requestId).toBe('string');
    });

    it('lists field errors for wrong types without echoing the submitted values', async () => {
      const res = await post(
        JSON.stringify({ name: '张三丰身份证110101199003074514', count: 'three', place: { city: 42 } }),
      );
      expectProblem(res, 400);
      const body = await json(res);
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.title).toBe('请求参数不符合要求');
      expect(body.errors).toEqual(
        expect.arrayContaining([
          { path: 'body.name', code: 'too_big', message: '长度不得超过 20 个字符' },
          { path: 'body.count', code: 'invalid_type', message: '类型不正确，应为数字' },
          { path: 'body.place.city', code: 'invalid_type', message: '类型不正确，应为字符串' },
        ]),
      );
      const text = JSON.stringify(body);
      expect(text).not.toContain('110101199003074514');
      expect(text).not.toContain('three');
    });

    it('reports missing fields and keeps Chinese messages written in the schema', async () => {
      const res = await post(JSON.stringify({ name: '项目', day: '5 Jan' }));
      const body = await json(res);
      expect(body.errors).toEqual(
        expect.arrayContaining([
          { path: 'body.count', code: 'invalid_type', message: '缺少必填字段' },
          { path: 'body.place', code: 'invalid_type', message: '缺少必填字段' },
          { path: 'body.day', code: 'invalid_format', message: '日期格式应为 YYYY-MM-DD' },
        ]),
      );
      expect(JSON.stringify(body)).not.toContain('5 Jan');
    });

    it('refuses unknown fields, also nested ones, with 不允许的字段', async () => {
      const res = await post(JSON.stringify({ ...good, isAdmin: true, place: { city: '南京', lat: 1 } }));
      expectProblem(res, 400);
      const body = await json(res);
      expect(body.errors).toEqual(
        expect.arrayContaining([
          { path: 'body.isAdmin', code: 'unrecognized_keys', message: '不允许的字段' },
          { path: 'body.place.lat', code: 'unrecognized_keys', message: '不允许的字段' },
        ]),
      );
    });

    it('validates query parameters (pagination) with defaults', async () => {
      const ok = await t.app.request('/things', { headers: auth() });
      expect(await json(ok)).toEqual({ items: [], limit: 20 });
      const paged = await t.app.request('/things?limit=5&cursor=abc', { headers: auth() });
      expect(await json(paged)).toEqual({ items: [], limit: 5, cursor: 'abc' });
      const bad = await t.app.request('/things?limit=500', { headers: auth() });
      expectProblem(bad, 400);
      expect((await json(bad)).errors).toEqual([
        { path: 'query.limit', code: 'too_big', message: '不得大于 100' },
      ]);
    });

    it.each(Object.entries(ERROR_KINDS))('maps DomainError kind %s to %i', async (kind, status) => {
      const res = await t.app.request(`/fail/${kind}`, { headers: auth() });
      expectProblem(res, status);
      expect(await json(res)).toMatchObject({
        status,
        code: 'SOME_RULE',
        title: '违反了某条规则',
        instance: `/fail/${kind}`,
      });
    });

    it('hides the details of unexpected errors behind 500 INTERNAL_ERROR and logs them', async () => {
      const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        const res = await t.app.request('/crash', { headers: auth() });
        expectProblem(res, 500);
        const text = await res.text();
        expect(JSON.parse(text)).toMatchObject({
          code: 'INTERNAL_ERROR',
          title: '服务器内部错误',
          status: 500,
        });
        expect(text).not.toMatch(/hunter2|postgres|110101|at .*\.ts|Error/);
        expect(log).toHaveBeenCalled();
      } finally {
        log.mockRestore();
      }
    });

    it('drops an ETag set before a failure', async () => {
      const res = await t.app.request('/late-failure', { headers: auth() });
      expectProblem(res, 409);
      expect(res.headers.get('etag')).toBeNull();
      expect(res.headers.get('x-request-id')).toBeTruthy();
    });

    it('answers unknown routes with 404 ROUTE_NOT_FOUND', async () => {
      const res = await t.app.request('/nowhere', { headers: auth() });
      expectProblem(res, 404);
      expect((await json(res)).code).toBe('ROUTE_NOT_FOUND');
    });
  });

  describe('bearer JWT', () => {
    it('lets a valid token through and exposes the actor', async () => {
      const res = await t.app.request('/me', { headers: auth() });
      expect(res.status).toBe(200);
      expect(await json(res)).toEqual(applicant);
      const rev = await t.app.request('/me', {
        headers: { Authorization: `Bearer ${await t.signer.sign(reviewer)}` },
      });
      expect(await json(rev)).toEqual(reviewer);
    });

    it('asks to sign in when there is no token or no bearer token', async () => {
      for (const headers of [
        {},
        { Authorization: 'Basic YWRtaW46YWRtaW4=' },
        { Authorization: 'Bearer not-a-jwt' },
      ]) {
        const res = await t.app.request('/me', { headers });
        expectProblem(res, 401);
        expect(await json(res)).toMatchObject({ code: 'UNAUTHENTICATED', title: '请先登录' });
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    });

    it('says TOKEN_EXPIRED for an expired token', async () => {
      const expired = await t.signer.sign(applicant, -3600);
      const res = await t.app.request('/me', { headers: { Authorization: `Bearer ${expired}` } });
      expectProblem(res, 401);
      expect(await json(res)).toMatchObject({ code: 'TOKEN_EXPIRED', title: '登录已过期，请重新登录' });
      expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    });

    it('refuses a token signed by another key, or for another issuer or audience', async () => {
      const forger = await createLocalSigner({ issuer: ISSUER, audience: AUDIENCE });
      const otherIssuer = await createLocalSigner({ issuer: 'https://evil.example', audience: AUDIENCE });
      const tokens = [
        await forger.sign(applicant),
        await otherIssuer.sign(applicant),
        // a genuine signature with one character of the payload changed
        applicantToken.replace(/\.(.)/, (_m, ch: string) => `.${ch === 'e' ? 'f' : 'e'}`),
      ];
      for (const token of tokens) {
        const res = await t.app.request('/me', { headers: { Authorization: `Bearer ${token}` } });
        expectProblem(res, 401);
        expect(await json(res)).toMatchObject({ code: 'TOKEN_INVALID', title: '登录凭证无效' });
      }
    });

    it('refuses tokens whose claims do not describe a valid actor', async () => {
      const bad: Actor[] = [
        { id: 'a', name: '无信用代码的申请人', role: 'applicant' },
        { id: 'a', name: '信用代码错误', role: 'applicant', creditCode: '913200001347683981' },
        { id: 'r', name: '无部门的审查员', role: 'reviewer' },
        { id: 'p', name: '无省份的协作省', role: 'partner' },
        { id: 'g', name: '超级用户', role: 'god' as Actor['role'] },
        { id: '', name: '无编号', role: 'auditor' },
      ];
      for (const actor of bad) {
        const res = await t.app.request('/me', {
          headers: { Authorization: `Bearer ${await t.signer.sign(actor)}` },
        });
        expectProblem(res, 401);
        expect((await json(res)).code).toBe('TOKEN_INVALID');
      }
    });

    it('serves public paths without a token', async () => {
      expect((await t.app.request('/health')).status).toBe(200);
      expect((await t.app.request('/openapi.json')).status).toBe(200);
      expect((await t.app.request('/docs')).status).toBe(200);
    });

    it('persists the key pair with 0600 permissions and reloads the same key', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'gc-key-'));
      try {
        const keyFile = join(dir, 'nested', 'signing-key.json');
        const first = await createLocalSigner({ keyFile, issuer: ISSUER, audience: AUDIENCE });
        expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
        expect(JSON.parse(await readFile(keyFile, 'utf8')).privateJwk.d).toBeTruthy();
        const second = await createLocalSigner({ keyFile, issuer: ISSUER, audience: AUDIENCE });
        expect(second.jwks()).toEqual(first.jwks());
        expect(first.jwks().keys[0]).not.toHaveProperty('d');
        expect(await second.verifier().verify(await first.sign(reviewer))).toEqual(reviewer);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('verifies against a remote JWKS, and reports an unreachable identity provider as 503', async () => {
      const idp = new Hono().get('/jwks', (c) => c.json(t.signer.jwks()));
      const server = serve({ fetch: idp.fetch, port: 0, hostname: '127.0.0.1' });
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      const port = (server.address() as AddressInfo).port;
      try {
        const verifier = createJwksVerifier({
          jwksUrl: `http://127.0.0.1:${port}/jwks`,
          issuer: ISSUER,
          audience: AUDIENCE,
        });
        expect(await verifier.verify(applicantToken)).toEqual(applicant);
        const forged = await (await createLocalSigner({ issuer: ISSUER, audience: AUDIENCE })).sign(
          applicant,
        );
        await expect(verifier.verify(forged)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
      const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        const down = createJwksVerifier({
          jwksUrl: `http://127.0.0.1:${port}/jwks`,
          issuer: ISSUER,
          audience: AUDIENCE,
        });
        const app = new Hono<AppEnv>().onError(errorHandler);
        app.use('*', authMiddleware(down)).get('/me', (c) => c.json(actorOf(c)));
        const res = await app.request('/me', { headers: auth() });
        expectProblem(res, 503);
        expect((await json(res)).code).toBe('IDENTITY_PROVIDER_UNAVAILABLE');
      } finally {
        log.mockRestore();
      }
    });
  });

  describe('Idempotency-Key', () => {
    it('runs without a key and records nothing', async () => {
      const before = t.store.records.size;
      const res = await post(JSON.stringify(good));
      expect(res.status).toBe(201);
      expect(res.headers.get('idempotent-replayed')).toBeNull();
      expect(t.store.records.size).toBe(before);
    });

    it('replays the first answer for the same key and body, without acting again', async () => {
      const first = await post(JSON.stringify(good), { 'Idempotency-Key': 'create-thing-1' });
      expect(first.status).toBe(201);
      expect(first.headers.get('etag')).toBe('"1"');
      const firstBody = await json(first);
      const calls = t.calls.create;
      // same content, different key order: still the same request
      const again = await post(JSON.stringify({ place: { city: '南京' }, count: 2, name: '沿江高铁' }), {
        'Idempotency-Key': 'create-thing-1',
      });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await json(again)).toEqual(firstBody);
      expect(t.calls.create).toBe(calls);
    });

    it('scopes keys per caller', async () => {
      const key = { 'Idempotency-Key': 'shared-key' };
      const mine = await json(await post(JSON.stringify(good), key));
      const other = await t.app.request('/things', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${await t.signer.sign(reviewer)}`,
          'Content-Type': 'application/json',
          ...key,
        },
        body: JSON.stringify(good),
      });
      expect(other.status).toBe(201);
      expect(other.headers.get('idempotent-replayed')).toBeNull();
      expect((await json(other)).id).not.toBe(mine.id);
    });

    it('refuses the same key with a different body (422)', async () => {
      await post(JSON.stringify(good), { 'Idempotency-Key': 'create-thing-2' });
      const res = await post(JSON.stringify({ ...good, count: 3 }), { 'Idempotency-Key': 'create-thing-2' });
      expectProblem(res, 422);
      expect(await json(res)).toMatchObject({
        code: 'IDEMPOTENCY_KEY_REUSED',
        title: '幂等键已用于不同的请求',
      });
    });

    it('refuses malformed keys (400)', async () => {
      for (const key of ['has space', 'x'.repeat(129), 'a/b', '']) {
        const res = await post(JSON.stringify(good), { 'Idempotency-Key': key });
        expectProblem(res, 400);
        expect((await json(res)).code).toBe('IDEMPOTENCY_KEY_INVALID');
      }
    });

    it('replays the winner when a concurrent duplicate committed first', async () => {
      const key = 'race-1';
      t.hooks.beforeCommit = (intent) => {
        t.hooks.beforeCommit = undefined;
        t.store.insert({ ...intent, status: 201, body: { id: 'T-winner' }, at: '2026-01-05T00:00:00.000Z' });
      };
      const res = await post(JSON.stringify(good), { 'Idempotency-Key': key });
      expect(res.status).toBe(201);
      expect(res.headers.get('idempotent-replayed')).toBe('true');
      expect(await json(res)).toEqual({ id: 'T-winner' });
    });

    it('hashes canonically and scopes by caller, method and path', () => {
      expect(requestHash({ a: 1, b: [1, { c: 2, d: undefined }] })).toBe(
        requestHash({ b: [1, { c: 2 }], a: 1 }),
      );
      expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
      expect(requestHash({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
      expect(idempotencyScope('u1', 'post', '/cases/C-1/acceptance')).toBe('u1 POST /cases/C-1/acceptance');
    });
  });

  describe('If-Match', () => {
    it('requires it on updates (428)', async () => {
      const res = await t.app.request('/things/T-1', { method: 'PUT', headers: auth() });
      expectProblem(res, 428);
      expect(await json(res)).toMatchObject({
        code: 'VERSION_REQUIRED',
        title: '更新操作需要提供 If-Match 版本号',
      });
    });

    it.each([
      ['"3"', 3],
      ['W/"3"', 3],
      ['3', 3],
      [' "12" ', 12],
    ])('parses %s', async (header, version) => {
      const res = await t.app.request('/things/T-1', {
        method: 'PUT',
        headers: { ...auth(), 'If-Match': header },
      });
      expect(res.status).toBe(200);
      expect(await json(res)).toEqual({ expected: version });
      expect(res.headers.get('etag')).toBe(`"${version + 1}"`);
    });

    it.each(['"abc"', '*', '"0"', '"-1"', '"3", "4"'])('refuses %s', async (header) => {
      const res = await t.app.request('/things/T-1', {
        method: 'PUT',
        headers: { ...auth(), 'If-Match': header },
      });
      expectProblem(res, 422);
      expect((await json(res)).code).toBe('VERSION_INVALID');
    });

    it('is optional where the route says so', async () => {
      const none = await t.app.request('/optional-version', { headers: auth() });
      expect(await json(none)).toEqual({ expected: null });
      const some = await t.app.request('/optional-version', { headers: { ...auth(), 'If-Match': 'W/"5"' } });
      expect(await json(some)).toEqual({ expected: 5 });
    });
  });

  describe('documentation', () => {
    it('serves an OpenAPI 3.1 document with the bearer scheme and problem responses', async () => {
      const res = await t.app.request('/openapi.json');
      expect(res.status).toBe(200);
      const doc = await json(res);
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.info).toMatchObject({ title: '测试 API', version: '1.0.0' });
      expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
      });
      expect(doc.security).toEqual([{ bearerAuth: [] }]);
      const create = doc.paths['/things'].post;
      expect(create.requestBody.content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/Thing',
      });
      expect(doc.components.schemas.Thing.additionalProperties).toBe(false);
      expect(create.responses['422'].content['application/problem+json'].schema).toEqual({
        $ref: '#/components/schemas/Problem',
      });
      expect(create.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'idempotency-key', in: 'header' })]),
      );
      const list = doc.paths['/things'].get;
      expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(['limit', 'cursor']);
      expect(doc.paths['/things/{id}'].put.parameters[0]).toMatchObject({
        name: 'id',
        in: 'path',
        required: true,
      });
    });

    it('serves a self-contained Chinese reference page at /docs', async () => {
      const res = await t.app.request('/docs');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      const html = await res.text();
      expect(html).toContain('lang="zh-CN"');
      expect(html).toContain('试一试');
      expect(html).toContain('/openapi.json');
      // no third-party assets: everything is inline
      expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!green-channel)/);
      const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce).toBeTruthy();
      expect(html).toContain(`<script nonce="${nonce}">`);
      // the inline script is syntactically valid JavaScript
      const script = /<script nonce="[^"]+">([\s\S]*)<\/script>/.exec(html)?.[1] ?? '';
      expect(() => new Function(script)).not.toThrow();
    });

    it('renders operations and sends a "试一试" request (page script run against a minimal DOM)', async () => {
      const html = await (await t.app.request('/docs')).text();
      const script = /<script nonce="[^"]+">([\s\S]*)<\/script>/.exec(html)?.[1] ?? '';
      const page = fakePage(async (url, init) => t.app.request(url, init as RequestInit));
      new Function(...Object.keys(page.globals), script)(...Object.values(page.globals));
      await vi.waitFor(() => expect(page.byId('main').text()).toContain('共 3 个接口'));
      expect(page.byId('ops').text()).toContain('事物');

      page.go('post /things');
      const main = page.byId('main');
      expect(main.text()).toContain('请求体');
      expect(main.text()).toContain('不允许额外字段');
      expect(main.text()).toContain('试一试');
      page.token('');
      page.find(main, (e) => e.tag === 'textarea').value = JSON.stringify(good);
      page.find(main, (e) => e.tag === 'button' && e.text() === '发送请求').fire('click');
      await vi.waitFor(() => expect(main.text()).toContain('请在右上角粘贴访问令牌'));
      expect(main.text()).toContain('"code": "UNAUTHENTICATED"');

      page.token(applicantToken);
      page.find(main, (e) => e.tag === 'button' && e.text() === '发送请求').fire('click');
      await vi.waitFor(() => expect(main.text()).toContain('"by": "js-applicant-1"'));
      expect(main.text()).toMatch(/201 *用时/);
      expect(main.text()).toContain('etag: "1"');
    });
  });
});

afterAll(() => vi.restoreAllMocks());

/** Just enough DOM for the /docs script: elements, text, attributes, listeners. */
class FakeElement {
  children: FakeElement[] = [];
  attrs: Record<string, string> = {};
  listeners: Record<string, (() => void)[]> = {};
  className = '';
  value = '';
  ownText = '';
  classList = { toggle: () => undefined };
  constructor(readonly tag: string) {}
  appendChild(child: FakeElement) {
    this.children.push(child);
    return child;
  }
  setAttribute(k: string, v: string) {
    this.attrs[k] = v;
  }
  getAttribute(k: string) {
    return this.attrs[k];
  }
  addEventListener(event: string, f: () => void) {
    this.listeners[event] = [...(this.listeners[event] ?? []), f];
  }
  fire(event: string) {
    for (const f of this.listeners[event] ?? []) f();
  }
  set textContent(v: string) {
    this.ownText = v;
    this.children = [];
  }
  get textContent(): string {
    return this.text();
  }
  text(): string {
    return this.ownText + this.children.map((c) => c.text()).join('');
  }
}

function fakePage(fetchImpl: (url: string, init?: unknown) => Promise<Response>) {
  const elements: Record<string, FakeElement> = {};
  const windowListeners: Record<string, () => void> = {};
  const location = { pathname: '/docs', hash: '' };
  const byId = (id: string) => {
    elements[id] ??= new FakeElement('div');
    return elements[id];
  };
  const globals = {
    document: {
      createElement: (tag: string) => new FakeElement(tag),
      createTextNode: (text: string) => Object.assign(new FakeElement('#text'), { ownText: text }),
      getElementById: byId,
      querySelectorAll: () => [],
    },
    location,
    sessionStorage: { getItem: () => null, setItem: () => undefined },
    window: { addEventListener: (event: string, f: () => void) => (windowListeners[event] = f) },
    fetch: fetchImpl,
    performance,
    crypto,
    URLSearchParams,
  };
  const find = (root: FakeElement, pred: (e: FakeElement) => boolean): FakeElement => {
    const stack = [root];
    while (stack.length) {
      const e = stack.shift()!;
      if (pred(e)) return e;
      stack.push(...e.children);
    }
    throw new Error('element not found');
  };
  return {
    globals,
    byId,
    find,
    go(op: string) {
      location.hash = `#${encodeURIComponent(op)}`;
      windowListeners.hashchange?.();
    },
    token(value: string) {
      byId('token').value = value;
    },
  };
}
