import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../functions/http/app.js';
import { createLocalSigner } from '../../functions/http/auth.js';
import type { Limits } from '../../functions/http/limits.js';
import { DEFAULT_LIMITS } from '../../functions/http/limits.js';
import type { Actor, Project } from '../../shared/domain/model.js';
import { AUDIENCE, ISSUER } from '../support/api-client.js';
import {
  admittedProject,
  applicant,
  type Harness,
  makeHarness,
  ORG_B,
  reviewer,
  stageMaterials,
  windowOfficer,
} from '../support/province-harness.js';

/** 信息公开 over HTTP: no token, nothing but the allowed fields, no existence oracle, limited and cached. */
process.env.GC_CHECK_RESPONSES = '1';
const harnesses: Harness[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(harnesses.splice(0).map((h) => h.stop()));
});

async function setup(limits: Partial<Limits> = {}) {
  const h = makeHarness();
  harnesses.push(h);
  const signer = await createLocalSigner({ issuer: ISSUER, audience: AUDIENCE });
  const app = createApp(h.services, { verifier: signer.verifier(), checkResponses: true, limits });
  const send = async (
    path: string,
    o: { actor?: Actor; method?: string; json?: unknown; headers?: Record<string, string>; ip?: string } = {},
  ) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.actor) headers.authorization = `Bearer ${await signer.sign(o.actor)}`;
    if (o.json !== undefined) headers['content-type'] = 'application/json';
    const res = await app.request(
      path,
      {
        method: o.method ?? 'GET',
        headers,
        ...(o.json !== undefined ? { body: JSON.stringify(o.json) } : {}),
      },
      // as @hono/node-server passes the socket: the client address the limit counts by
      { incoming: { socket: { remoteAddress: o.ip ?? '203.0.113.7' } } },
    );
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
  };
  return { h, send };
}

/** A project with stage 1 accepted and one item decided; returns its code (= id). */
async function projectUnderway(h: Harness): Promise<string> {
  const projectId = await admittedProject(h);
  const submitted = await h.services.cases.submit(applicant(), {
    projectId,
    stage: 'projectApproval',
    materials: stageMaterials(h.province, 'projectApproval'),
  });
  const accepted = await h.services.cases.actOnAcceptance(
    windowOfficer,
    submitted.value.id,
    submitted.version,
    {
      outcome: 'accept',
    },
  );
  const first = accepted.value.items[0]!;
  await h.services.cases.decideItem(reviewer(first.department), submitted.value.id, first.code, undefined, {
    outcome: 'approve',
    reasons: '符合规划条件（内部意见）',
  });
  return projectId;
}

async function consent(h: Harness, projectId: string, consented = true) {
  const { version } = (await h.store.get<Project>('project', projectId))!;
  return h.services.publicDisclosure.setConsent(applicant(), projectId, consented, version);
}

/** Every key path of a JSON value, arrays as `[]`: `stages[].steps[].done`. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return [...new Set(value.flatMap((v) => keyPaths(v, `${prefix}[]`)))];
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => {
      const path = prefix ? `${prefix}.${k}` : k;
      return [path, ...keyPaths(v, path)];
    });
  }
  return [];
}

/** The whole public project answer; a field not listed here must never be served. */
const ALLOWED_PROJECT_FIELDS = [
  'projectCode',
  'name',
  'category',
  'city',
  'currentStage',
  'asOf',
  'stages',
  'stages[].stage',
  'stages[].stageName',
  'stages[].state',
  'stages[].steps',
  'stages[].steps[].step',
  'stages[].steps[].done',
  'stages[].itemsTotal',
  'stages[].itemsDone',
  'stages[].timing',
].sort();

describe('public pages without a token (信息公开)', () => {
  it('the guide, the statistics and a consented project answer without a token, cacheable', async () => {
    const { h, send } = await setup();
    const projectId = await projectUnderway(h);
    await consent(h, projectId);
    for (const path of ['/public/guide', '/public/statistics', `/public/projects/${projectId}`]) {
      const res = await send(path);
      expect(res.status, `${path}: ${res.text}`).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    }
    const stats = await send('/public/statistics');
    expect(stats.body).toMatchObject({
      province: 'JS',
      projectsInChannel: 1,
      decidedItems: 1,
      onTimeRate: 1,
    });
  });

  it('serves only the allowed fields of a project (every key path listed)', async () => {
    const { h, send } = await setup();
    const projectId = await projectUnderway(h);
    await consent(h, projectId);
    const res = await send(`/public/projects/${projectId}`);
    expect(res.status, res.text).toBe(200);
    expect([...new Set(keyPaths(res.body))].sort()).toEqual(ALLOWED_PROJECT_FIELDS);
    const project = (await h.store.get<Project>('project', projectId))!.value;
    for (const secret of [
      project.owner.creditCode,
      project.owner.name,
      '内部意见',
      String(project.investmentWan),
    ]) {
      expect(res.text).not.toContain(secret);
    }
    expect(res.body.currentStage).toBe('projectApproval');
    expect(res.body.stages[0]).toMatchObject({ state: 'inProgress', itemsDone: 1, timing: 'withinLimit' });
  });

  it('answers an unknown code and a project without consent alike (no existence oracle)', async () => {
    const { h, send } = await setup();
    const projectId = await projectUnderway(h);
    const strip = (b: Record<string, unknown>) => {
      const { requestId: _r, instance: _i, ...rest } = b;
      return rest;
    };
    const notConsented = await send(`/public/projects/${projectId}`);
    const unknown = await send('/public/projects/2026-320000-48-01-999999');
    await consent(h, projectId);
    await consent(h, projectId, false);
    const withdrawn = await send(`/public/projects/${projectId}`);
    for (const res of [notConsented, unknown, withdrawn]) {
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe(unknown.headers.get('content-type'));
      expect(res.headers.get('cache-control')).toBe(unknown.headers.get('cache-control'));
      expect(strip(res.body)).toEqual(strip(unknown.body));
    }
    expect(unknown.body.code).toBe('PUBLIC_PROJECT_NOT_FOUND');
  });

  it('only the owner switches consent, with If-Match; recorded with who and when, audited', async () => {
    const { h, send } = await setup();
    const projectId = await projectUnderway(h);
    const path = `/projects/${projectId}/public-disclosure`;
    const before = (await h.store.get<Project>('project', projectId))!.version;
    const other = await send(path, {
      actor: applicant(ORG_B).actor,
      method: 'PUT',
      json: { consented: true },
      headers: { 'if-match': `"${before}"` },
    });
    expect(other.status).toBe(403);
    const anonymous = await send(path, {
      method: 'PUT',
      json: { consented: true },
      headers: { 'if-match': `"${before}"` },
    });
    expect(anonymous.status).toBe(401);
    const ok = await send(path, {
      actor: applicant().actor,
      method: 'PUT',
      json: { consented: true },
      headers: { 'if-match': `"${before}"` },
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.publicDisclosure).toMatchObject({ consented: true, by: applicant().actor.id });
    const events = await h.store.audit(`project/${projectId}`);
    expect(events.at(-1)).toMatchObject({ type: 'PublicDisclosureConsented', actor: applicant().actor.id });
    // and the public status shows at once in this process (the cached 404 was dropped)
    expect((await send(`/public/projects/${projectId}`)).status).toBe(200);
  });

  it('limits each client address: 429 problem+json with Retry-After, others unaffected', async () => {
    const { send } = await setup({ publicRate: { capacity: 3, perSecond: 0.5 } });
    for (let i = 0; i < 3; i += 1)
      expect((await send('/public/guide', { ip: '198.51.100.1' })).status).toBe(200);
    const refused = await send('/public/guide', { ip: '198.51.100.1' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(refused.body.code).toBe('TOO_MANY_REQUESTS');
    expect((await send('/public/guide', { ip: '198.51.100.2' })).status).toBe(200);
  });

  it('caches the computed answer: a repeat reads nothing, and a change is not seen within max-age', async () => {
    const { h, send } = await setup();
    const projectId = await projectUnderway(h);
    await consent(h, projectId);
    const get = vi.spyOn(h.store, 'get');
    const query = vi.spyOn(h.store, 'query');
    const getMany = vi.spyOn(h.store, 'getMany');
    const first = await send(`/public/projects/${projectId}`);
    const reads = () => get.mock.calls.length + query.mock.calls.length + getMany.mock.calls.length;
    const afterFirst = reads();
    expect(afterFirst).toBeGreaterThan(0);
    // the consent withdrawn behind the edge's back (not through its route): the cached answer stands
    await consent(h, projectId, false);
    const readsBefore = reads();
    const second = await send(`/public/projects/${projectId}`);
    expect(reads()).toBe(readsBefore);
    expect(second.body).toEqual(first.body);
    // with the cache off every request computes again and sees the change
    const { h: h2, send: send2 } = await setup({ publicCacheSeconds: 0 });
    const p2 = await projectUnderway(h2);
    await consent(h2, p2);
    expect((await send2(`/public/projects/${p2}`)).status).toBe(200);
    expect((await send2(`/public/projects/${p2}`)).headers.get('cache-control')).toBe('no-store');
    await consent(h2, p2, false);
    expect((await send2(`/public/projects/${p2}`)).status).toBe(404);
  });

  it('the guide lists every configured stage item with its department, limits and every material', async () => {
    const { h, send } = await setup();
    const res = await send('/public/guide');
    expect(res.status).toBe(200);
    const cfg = h.province;
    expect(res.body.windowUnit).toBe(cfg.windowUnit);
    const served = new Map<
      string,
      {
        department: string;
        promisedDays: number;
        statutoryDays: number;
        materials: { code: string; name: string; deficiencyAllowed: boolean }[];
      }
    >();
    for (const s of res.body.stages) for (const i of s.items) served.set(i.code, i);
    for (const stage of cfg.stages) {
      for (const ref of stage.items) {
        const item = cfg.items.find((i) => i.code === ref.code)!;
        const got = served.get(item.code);
        expect(got, item.code).toBeDefined();
        expect(got).toMatchObject({
          department: item.department,
          promisedDays: item.promisedDays,
          statutoryDays: item.statutoryDays,
        });
        expect(got!.materials.map((m) => m.code)).toEqual(item.materials);
        for (const m of got!.materials) {
          expect(m.name).toBe(cfg.materials.find((x) => x.code === m.code)!.name);
          expect(m.deficiencyAllowed).toBe(item.deficiencyAllowed.includes(m.code));
        }
      }
    }
    expect(res.body.deficiency).toEqual(cfg.deficiency);
    expect(DEFAULT_LIMITS.publicCacheSeconds).toBe(60);
  });
});
