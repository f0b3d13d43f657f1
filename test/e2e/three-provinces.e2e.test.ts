import { createHash, randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DemoToken,
  killAllServers,
  type ServerProcess,
  startServer,
} from '../support/server-process.js';

/**
 * End to end across provinces: `npm start` with 江苏, 浙江 and 上海 as separate processes, talking
 * over real HTTP through the peers folder. A 江苏–浙江 project approved in 江苏 is recognised in 浙江
 * (互认), shared material content is read by 浙江's reviewer from 江苏, 上海 is never told, and a
 * crash of 浙江 neither stops 江苏 nor loses a result issued while 浙江 was down.
 */

// ── shapes read from the API (only the fields the test uses) ──

interface Recognition {
  origin: string;
  resultNo: string;
  caseId: string;
  resultHash: string;
  keyId: string;
}
interface CaseItem {
  code: string;
  department: string;
  status: string;
  decision?: { outcome: string; resultNo?: string; resultHash?: string; recognition?: Recognition };
}
interface StageCase {
  id: string;
  status: string;
  items: CaseItem[];
  stageClosedAt?: string;
  version: number;
}
interface Project {
  id: string;
  admission: { status: string };
  partnerProvinces: string[];
  sharedMaterials?: { materialCode: string; sha256: string; size: number }[];
  version: number;
}
interface Catalogue {
  stages: { stage: string; items: { code: string; required: boolean }[] }[];
  items: { code: string; department: string; materials: string[] }[];
}
interface PartnerView {
  origin: string;
  projectCode: string;
  summary?: { name: string; owner: { creditCode: string; name: string }; partnerProvinces: string[] };
  results: { itemCode: string; resultNo: string; caseId: string; localItems: string[] }[];
  materials: { materialCode: string; sha256: string; size: number }[];
}
interface Progress {
  progress: { items: { code: string; status: string; elapsedDays: number }[] };
}
interface AuditEvent {
  type: string;
  data: Record<string, unknown>;
}
interface PeerFile {
  url: string;
  pid: number;
  keyId: string;
  publicKeyPem: string;
}

// ── HTTP, one client per province ──

interface Reply<T> {
  status: number;
  body: T;
  etag: string | null;
  text: string;
  bytes: Uint8Array;
  contentType: string;
}

interface RequestOptions {
  body?: unknown;
  raw?: Uint8Array;
  contentType?: string;
  ifMatch?: string | null;
}

class Api {
  constructor(
    readonly code: string,
    private readonly url: () => string,
    private readonly tokens: () => Record<string, DemoToken>,
  ) {}

  async call<T>(actor: string | null, method: string, path: string, options: RequestOptions = {}) {
    const headers: Record<string, string> = {};
    if (actor) {
      const entry = this.tokens()[actor];
      if (!entry) throw new Error(`no demo token for ${actor} in ${this.code}`);
      headers.authorization = `Bearer ${entry.token}`;
    }
    let body: string | ArrayBuffer | undefined;
    if (options.raw) {
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
      body = new Uint8Array(options.raw).buffer as ArrayBuffer;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    if (options.ifMatch) headers['if-match'] = options.ifMatch;
    const res = await fetch(`${this.url()}${path}`, { method, headers, ...(body ? { body } : {}) });
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    const contentType = res.headers.get('content-type') ?? '';
    let parsed: unknown = text;
    if (contentType.includes('json') && text) parsed = JSON.parse(text);
    return {
      status: res.status,
      body: parsed as T,
      etag: res.headers.get('etag'),
      text,
      bytes,
      contentType,
    } satisfies Reply<T>;
  }

  async ok<T>(
    expected: number,
    actor: string | null,
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<Reply<T>> {
    const reply = await this.call<T>(actor, method, path, options);
    if (reply.status !== expected) {
      throw new Error(
        `[${this.code}] ${method} ${path} as ${actor}: expected ${expected}, got ${reply.status}\n${reply.text}`,
      );
    }
    return reply;
  }

  get<T>(actor: string | null, path: string) {
    return this.ok<T>(200, actor, 'GET', path);
  }

  tokenOf(actor: string): DemoToken {
    const entry = this.tokens()[actor];
    if (!entry) throw new Error(`no demo token for ${actor} in ${this.code}`);
    return entry;
  }
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a value (not undefined), or fails with the last reason. */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last: ${String(last)})` : ''}`);
    }
    await sleep(200);
  }
}

/** The actor id of a province's demo user: `js-applicant-1`, `zj-reviewer-nrp`, … */
const actor = (code: string, who: string) => `${code.toLowerCase()}-${who}`;

/** A fresh 投资项目统一代码 (江苏 region: the project sits in 江苏 and partners with 浙江). */
const usedCodes = new Set<string>();
function freshProjectCode(): string {
  for (;;) {
    const code = `2026-320000-48-01-0${String(randomInt(20_000, 99_999))}`;
    if (!usedCodes.has(code)) {
      usedCodes.add(code);
      return code;
    }
  }
}

/**
 * The owner's person in a province: the same organisation builds on both sides (recognition binds
 * to it), `js-applicant-1` in 江苏 and the demo's cross-province person `zj-applicant-4` in 浙江.
 */
const owner = (code: string) => (code === 'JS' ? 'applicant-1' : 'applicant-4');

/** Registers the project code in one province with its partners; its supervisor admits it. */
async function registerAndAdmit(api: Api, projectCode: string, partners: string[]): Promise<Project> {
  const p = api.code;
  const registered = await api.ok<Project>(201, actor(p, owner(p)), 'POST', '/projects', {
    body: {
      projectCode,
      name: '沪苏浙跨省高速公路工程',
      ownerName: '江苏省交通控股有限公司',
      category: 'nationalKey',
      location: { city: p === 'JS' ? '苏州市' : '嘉兴市', district: p === 'JS' ? '吴江区' : '嘉善县' },
      investmentWan: 2_000_000,
      governmentInvested: true,
      partnerProvinces: partners,
    },
  });
  expect(registered.body.partnerProvinces).toEqual(partners);
  const applied = await api.ok<Project>(
    200,
    actor(p, owner(p)),
    'POST',
    `/projects/${projectCode}/admission`,
    { ifMatch: registered.etag },
  );
  const admitted = await api.ok<Project>(
    200,
    actor(p, 'supervisor-1'),
    'POST',
    `/projects/${projectCode}/admission/decision`,
    { ifMatch: applied.etag, body: { admit: true, reasons: '长三角跨省重点项目' } },
  );
  expect(admitted.body.admission.status).toBe('admitted');
  return admitted.body;
}

/** Submits a projectApproval case (required items plus `itemCodes`) and the window accepts it. */
async function submitAndAccept(api: Api, projectCode: string, itemCodes: string[] = []): Promise<StageCase> {
  const p = api.code;
  const { body: catalogue } = await api.get<Catalogue>(actor(p, owner(p)), '/catalogue');
  const stage = catalogue.stages.find((s) => s.stage === 'projectApproval')!;
  const codes = [...stage.items.filter((i) => i.required).map((i) => i.code), ...itemCodes];
  const materials = new Set(codes.flatMap((c) => catalogue.items.find((i) => i.code === c)!.materials));
  const submitted = await api.ok<StageCase>(201, actor(p, owner(p)), 'POST', '/cases', {
    body: {
      projectId: projectCode,
      stage: 'projectApproval',
      itemCodes,
      materials: [...materials].map((code) => ({
        code,
        fileName: `${code}.pdf`,
        sha256: sha256(`${p} ${code}`),
      })),
    },
  });
  expect(submitted.body.items.map((i) => i.code).sort()).toEqual([...codes].sort());
  const current = await api.get<StageCase>(actor(p, 'window-1'), `/cases/${submitted.body.id}`);
  const accepted = await api.ok<StageCase>(
    200,
    actor(p, 'window-1'),
    'POST',
    `/cases/${submitted.body.id}/acceptance`,
    { ifMatch: current.etag, body: { outcome: 'accept' } },
  );
  return accepted.body;
}

async function approve(api: Api, caseId: string, item: CaseItem): Promise<StageCase> {
  const reply = await api.ok<StageCase>(
    200,
    actor(api.code, `reviewer-${item.department}`),
    'POST',
    `/cases/${caseId}/items/${item.code}/decision`,
    { body: { outcome: 'approve', reasons: '符合审批条件' } },
  );
  return reply.body;
}

/** Approves every undecided item of a case with its own department's reviewer. */
async function approveAll(api: Api, caseId: string): Promise<StageCase> {
  let current = (await api.get<StageCase>(actor(api.code, 'supervisor-1'), `/cases/${caseId}`)).body;
  for (const item of current.items.filter((i) => !i.decision)) current = await approve(api, caseId, item);
  return current;
}

async function caseOf(api: Api, caseId: string): Promise<StageCase> {
  return (await api.get<StageCase>(actor(api.code, 'supervisor-1'), `/cases/${caseId}`)).body;
}

async function partnerViews(api: Api, projectCode: string): Promise<PartnerView[]> {
  return (
    await api.get<{ views: PartnerView[] }>(
      actor(api.code, 'supervisor-1'),
      `/partner-projects/${projectCode}`,
    )
  ).body.views;
}

const RECOGNISED = ['landPreExaminationSiting', 'landUsePlanningPermit'].sort();

describe('three provinces as processes (npm start): 互认, 资源共享, crash isolation', () => {
  let server: ServerProcess;
  let dataDir: string;
  let js: Api;
  let zj: Api;
  let sh: Api;
  const peerFile = (code: string) =>
    JSON.parse(readFileSync(join(dataDir, 'peers', `${code}.json`), 'utf8')) as PeerFile;

  /** the 江苏–浙江 project of steps 1–3 */
  const projectCode = freshProjectCode();
  let jsCase: StageCase;
  let zjCase: StageCase;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'green-channel-e2e-3p-'));
    server = await startServer({ dataDir, extraArgs: ['--provinces', 'JS,ZJ,SH'] });
    // ZJ restarts on the same port (base + 1) but the peers file is the source of truth
    const urlOf = (code: string) => () => peerFile(code).url;
    js = new Api('JS', urlOf('JS'), () => server.tokensOf('JS'));
    zj = new Api('ZJ', urlOf('ZJ'), () => server.tokensOf('ZJ'));
    sh = new Api('SH', urlOf('SH'), () => server.tokensOf('SH'));
  }, 120_000);

  afterAll(async () => {
    await killAllServers();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts every province as its own process, each publishing its address and key', async () => {
    expect(Object.keys(server.urls).sort()).toEqual(['JS', 'SH', 'ZJ']);
    const pids = new Set<number>();
    for (const api of [js, zj, sh]) {
      const peer = peerFile(api.code);
      expect(peer.url).toBe(server.urls[api.code]);
      expect(peer.publicKeyPem).toContain('PUBLIC KEY');
      expect(peer.pid).not.toBe(server.pid);
      pids.add(peer.pid);
      const health = await api.get<{ status: string; province: string }>(null, '/health');
      expect(health.body).toEqual({ status: 'ok', province: api.code });
    }
    expect(pids.size).toBe(3);
    // demo applicants are per province, with different organisations
    const jsMe = await js.get<{ creditCode: string }>(actor('JS', 'applicant-1'), '/me');
    const zjMe = await zj.get<{ creditCode: string }>(actor('ZJ', 'applicant-1'), '/me');
    expect(jsMe.body.creditCode).not.toBe(zjMe.body.creditCode);
    // a token of one province is not accepted by another
    const foreign = await fetch(`${server.urls.ZJ}/me`, {
      headers: { authorization: `Bearer ${js.tokenOf(actor('JS', 'applicant-1')).token}` },
    });
    expect(foreign.status).toBe(401);
  });

  it('a project registered in 江苏 with partner 浙江 is shared with 浙江 only', async () => {
    const jsMe = await js.get<{ creditCode: string }>(actor('JS', 'applicant-1'), '/me');
    await registerAndAdmit(js, projectCode, ['ZJ']);

    const views = await until('ZJ receives ProjectShared', async () => {
      const r = await zj.call<{ views: PartnerView[] }>(
        actor('ZJ', 'supervisor-1'),
        'GET',
        `/partner-projects/${projectCode}`,
      );
      return r.status === 200 && r.body.views[0]?.summary ? r.body.views : undefined;
    });
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({
      origin: 'JS',
      projectCode,
      summary: {
        name: '沪苏浙跨省高速公路工程',
        owner: { creditCode: jsMe.body.creditCode, name: '江苏省交通控股有限公司' },
        partnerProvinces: ['ZJ'],
      },
      results: [],
    });
    // 上海 is not a partner of this project
    const shView = await sh.call(actor('SH', 'supervisor-1'), 'GET', `/partner-projects/${projectCode}`);
    expect(shView.status).toBe(404);
  });

  it('江苏 approves; 浙江 recognises the matching items and reviews only its own', async () => {
    // 浙江's part of the same project code, by the same owner (recognition binds to code and owner)
    await registerAndAdmit(zj, projectCode, ['JS']);
    zjCase = await submitAndAccept(zj, projectCode, ['investmentApproval']);
    expect(zjCase.status).toBe('underReview');
    expect(zjCase.items.map((i) => i.code).sort()).toEqual([...RECOGNISED, 'investmentApproval'].sort());
    expect(zjCase.items.every((i) => i.status === 'inReview')).toBe(true);

    jsCase = await submitAndAccept(js, projectCode);
    expect(jsCase.items.map((i) => i.code).sort()).toEqual(RECOGNISED);
    const approved = await approveAll(js, jsCase.id);
    expect(approved.status).toBe('approved');
    const jsResults = Object.fromEntries(approved.items.map((i) => [i.code, i.decision!]));
    for (const code of RECOGNISED) expect(jsResults[code]?.resultNo).toBeTruthy();

    const recognised = await until('ZJ recognises the JS results', async () => {
      const c = await caseOf(zj, zjCase.id);
      const done = c.items.filter((i) => i.status === 'recognised').map((i) => i.code);
      return done.sort().join() === RECOGNISED.join() ? c : undefined;
    });
    const jsKeyId = peerFile('JS').keyId;
    for (const code of RECOGNISED) {
      const item = recognised.items.find((i) => i.code === code)!;
      expect(item.decision?.recognition, code).toMatchObject({
        origin: 'JS',
        caseId: jsCase.id,
        resultNo: jsResults[code]!.resultNo,
        resultHash: jsResults[code]!.resultHash,
        keyId: jsKeyId,
      });
    }
    // not reviewed again: elapsed 0, not in 浙江's nrp inbox
    const progress = await zj.get<Progress>(actor('ZJ', 'supervisor-1'), `/cases/${zjCase.id}/progress`);
    for (const code of RECOGNISED) {
      expect(progress.body.progress.items.find((i) => i.code === code)).toMatchObject({
        status: 'recognised',
        elapsedDays: 0,
      });
    }
    const nrpInbox = await zj.get<{ items: { caseId: string }[] }>(
      actor('ZJ', 'reviewer-nrp'),
      '/inbox?limit=100',
    );
    expect(nrpInbox.body.items.filter((e) => e.caseId === zjCase.id)).toEqual([]);
    // a recognised item cannot be decided again in 浙江
    const again = await zj.call(
      actor('ZJ', 'reviewer-nrp'),
      'POST',
      `/cases/${zjCase.id}/items/landUsePlanningPermit/decision`,
      { body: { outcome: 'approve' } },
    );
    expect(again.status).toBe(409);

    // the item outside the 互认目录 is still 浙江's to review
    const investment = recognised.items.find((i) => i.code === 'investmentApproval')!;
    expect(investment).toMatchObject({ status: 'inReview', department: 'ndrc' });
    expect(recognised.status).toBe('underReview');
    const ndrcInbox = await zj.get<{ items: { caseId: string; item: { code: string } }[] }>(
      actor('ZJ', 'reviewer-ndrc'),
      '/inbox?limit=100',
    );
    expect(ndrcInbox.body.items.filter((e) => e.caseId === zjCase.id).map((e) => e.item.code)).toEqual([
      'investmentApproval',
    ]);
    const decided = await approve(zj, zjCase.id, investment);
    expect(decided.status).toBe('approved');
    const closed = await until('ZJ case closed', async () => {
      const c = await caseOf(zj, zjCase.id);
      return c.stageClosedAt ? c : undefined;
    });
    expect(closed.status).toBe('approved');

    // 浙江's view of the partner project lists both results, with the local items they count for
    const [view] = await partnerViews(zj, projectCode);
    expect(
      view!.results.map((r) => ({ itemCode: r.itemCode, resultNo: r.resultNo, localItems: r.localItems })),
    ).toEqual(
      expect.arrayContaining(
        RECOGNISED.map((code) => ({
          itemCode: code,
          resultNo: jsResults[code]!.resultNo,
          localItems: [code],
        })),
      ),
    );
    expect(view!.results).toHaveLength(2);
    const audit = await zj.get<{ events: AuditEvent[] }>(
      actor('ZJ', 'auditor-1'),
      `/cases/${zjCase.id}/audit`,
    );
    expect(audit.body.events.filter((e) => e.type === 'ItemRecognised')).toHaveLength(2);
    const verification = await zj.get<{ valid: boolean }>(
      actor('ZJ', 'auditor-1'),
      `/cases/${zjCase.id}/audit/verification`,
    );
    expect(verification.body.valid).toBe(true);

    // 上海 still knows nothing about the project
    const shView = await sh.call(actor('SH', 'supervisor-1'), 'GET', `/partner-projects/${projectCode}`);
    expect(shView.status).toBe(404);
  });

  it('a material shared in 江苏 is read byte for byte by 浙江’s reviewer of the case, and only by them', async () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('%PDF-1.7\n% 用地预审申请表（江苏共享）\n'),
      0x00,
      0xff,
      0x80,
      0x7f,
      ...Array.from({ length: 256 }, (_, i) => i),
      ...new TextEncoder().encode('\n%%EOF\n'),
    ]);
    const digest = sha256(bytes);
    const uploaded = await js.ok<{ sha256: string; size: number }>(
      201,
      actor('JS', 'applicant-1'),
      'POST',
      '/materials',
      { raw: bytes, contentType: 'application/pdf' },
    );
    expect(uploaded.body).toMatchObject({ sha256: digest, size: bytes.length });
    // only the owner shares
    const notOwner = await js.call(
      actor('JS', 'supervisor-1'),
      'POST',
      `/projects/${projectCode}/shared-materials`,
      {
        body: { materialCode: 'landPreExaminationForm', sha256: digest },
      },
    );
    expect(notOwner.status).toBe(403);
    const shared = await js.ok<Project>(
      200,
      actor('JS', 'applicant-1'),
      'POST',
      `/projects/${projectCode}/shared-materials`,
      { body: { materialCode: 'landPreExaminationForm', sha256: digest } },
    );
    expect(shared.body.sharedMaterials).toEqual([
      expect.objectContaining({ materialCode: 'landPreExaminationForm', sha256: digest, size: bytes.length }),
    ]);

    await until('ZJ receives MaterialShared', async () => {
      const [view] = await partnerViews(zj, projectCode);
      return view?.materials.some((m) => m.sha256 === digest) ? view : undefined;
    });
    const path = `/partner-projects/${projectCode}/materials/JS/${digest}`;
    const read = await zj.ok<unknown>(200, actor('ZJ', 'reviewer-nrp'), 'GET', path);
    expect(read.contentType).toContain('application/pdf');
    expect(sha256(read.bytes)).toBe(digest);
    expect(Buffer.from(read.bytes).equals(Buffer.from(bytes))).toBe(true);

    // a 浙江 reviewer whose department has no item in 浙江's case of the project
    const departments = new Set(zjCase.items.map((i) => i.department));
    expect(departments.has('eco')).toBe(false);
    expect((await zj.call(actor('ZJ', 'reviewer-eco'), 'GET', path)).status).toBe(403);
    // 上海 has no such partner project
    expect((await sh.call(actor('SH', 'reviewer-nrp'), 'GET', path)).status).toBe(404);
    // the origin serves partners only on a signed request
    const unsigned = await fetch(`${server.urls.JS}/partner/materials/${projectCode}/${digest}`, {
      headers: {
        'x-gc-province': 'ZJ',
        'x-gc-timestamp': new Date().toISOString(),
        'x-gc-signature': 'AAAA',
      },
    });
    expect(unsigned.status).toBe(403);
  });

  it('a 6 MB drawing goes to storage through a presigned URL and reaches 浙江’s reviewer by redirect', async () => {
    // larger than API Gateway could carry: it never passes through either province's API as a body
    const bytes = new Uint8Array(6 * 1024 * 1024).map((_, i) => (i * 31 + (i >> 12)) & 0xff);
    const digest = sha256(bytes);
    const owner = actor('JS', 'applicant-1');
    const issued = await js.ok<{ upload: { url: string; headers: Record<string, string> } }>(
      201,
      owner,
      'POST',
      '/materials/uploads',
      {
        body: {
          sha256: digest,
          size: bytes.length,
          contentType: 'application/pdf',
          filename: '总平面图.pdf',
        },
      },
    );
    const put = await fetch(issued.body.upload.url, {
      method: 'PUT',
      headers: issued.body.upload.headers,
      body: bytes,
    });
    expect(put.status).toBe(201);
    const done = await js.ok(201, owner, 'POST', `/materials/uploads/${digest}/complete`);
    expect(done.body).toEqual({ sha256: digest, size: bytes.length });
    await js.ok(200, owner, 'POST', `/projects/${projectCode}/shared-materials`, {
      body: { materialCode: 'landPreExaminationForm', sha256: digest },
    });
    await until('ZJ receives the drawing', async () => {
      const [view] = await partnerViews(zj, projectCode);
      return view?.materials.some((m) => m.sha256 === digest) ? view : undefined;
    });
    const read = await fetch(`${server.urls.ZJ}/partner-projects/${projectCode}/materials/JS/${digest}`, {
      headers: { authorization: `Bearer ${zj.tokenOf(actor('ZJ', 'reviewer-nrp')).token}` },
      redirect: 'manual',
    });
    expect(read.status).toBe(303);
    // 浙江 fetched it from 江苏 (itself redirected after the signed request), checked the hash and
    // hands out its own short-lived link
    const location = new URL(read.headers.get('location') ?? '');
    expect(location.origin).toBe(new URL(server.urls.ZJ ?? '').origin);
    const content = await fetch(location);
    expect(content.status).toBe(200);
    expect(sha256(new Uint8Array(await content.arrayBuffer()))).toBe(digest);
  });

  it('浙江 crashes: 江苏 keeps serving, and a result issued meanwhile reaches 浙江 once after its restart', async () => {
    const code = freshProjectCode();
    await registerAndAdmit(js, code, ['ZJ']);
    await registerAndAdmit(zj, code, ['JS']);
    const zjSecond = await submitAndAccept(zj, code);
    expect(zjSecond.status).toBe('underReview');
    await until('ZJ receives the second ProjectShared', async () => {
      const r = await zj.call<{ views: PartnerView[] }>(
        actor('ZJ', 'supervisor-1'),
        'GET',
        `/partner-projects/${code}`,
      );
      return r.status === 200 && r.body.views[0]?.summary ? true : undefined;
    });
    const jsSecond = await submitAndAccept(js, code);

    const before = peerFile('ZJ');
    process.kill(before.pid, 'SIGKILL');
    // 江苏 answers at once, while 浙江 is down
    const t0 = Date.now();
    const health = await js.get<{ province: string }>(null, '/health');
    expect(health.body.province).toBe('JS');
    expect(Date.now() - t0).toBeLessThan(1_000);
    const zjDown = await fetch(`${before.url}/health`).then(
      (r) => r.status,
      () => 'unreachable',
    );
    expect(zjDown).toBe('unreachable');

    // approve in 江苏 while 浙江 is down
    const approved = await approveAll(js, jsSecond.id);
    expect(approved.status).toBe('approved');
    const resultNos = Object.fromEntries(approved.items.map((i) => [i.code, i.decision!.resultNo!]));
    expect((await sh.get<{ province: string }>(null, '/health')).body.province).toBe('SH');

    // the supervisor restarts 浙江: new pid in the peers file, /health answers
    const after = await until('ZJ restarted', async () => {
      const peer = peerFile('ZJ');
      if (peer.pid === before.pid) return undefined;
      const r = await fetch(`${peer.url}/health`);
      return r.ok ? peer : undefined;
    });
    expect(after.pid).not.toBe(before.pid);
    expect(server.output()).toMatch(/\[ZJ\] 进程退出（SIGKILL）/);

    // the results are delivered after the restart and recognised in 浙江's case
    const recognised = await until(
      'ZJ recognises the results issued while it was down',
      async () => {
        const c = await caseOf(zj, zjSecond.id);
        return c.items.every((i) => i.status === 'recognised') ? c : undefined;
      },
      45_000,
    );
    for (const item of recognised.items) {
      expect(item.decision?.recognition).toMatchObject({ origin: 'JS', resultNo: resultNos[item.code] });
    }
    const closed = await until('ZJ second case closed', async () => {
      const c = await caseOf(zj, zjSecond.id);
      return c.stageClosedAt ? c : undefined;
    });
    expect(closed.status).toBe('approved');

    // once: give the relay time for any repeat, then each resultNo appears exactly once
    await sleep(3_000);
    const [view] = await partnerViews(zj, code);
    for (const [itemCode, resultNo] of Object.entries(resultNos)) {
      expect(
        view!.results.filter((r) => r.resultNo === resultNo),
        itemCode,
      ).toHaveLength(1);
    }
    expect(view!.results).toHaveLength(Object.keys(resultNos).length);
    const audit = await zj.get<{ events: AuditEvent[] }>(
      actor('ZJ', 'auditor-1'),
      `/cases/${zjSecond.id}/audit`,
    );
    expect(audit.body.events.filter((e) => e.type === 'ItemRecognised')).toHaveLength(
      Object.keys(resultNos).length,
    );
    // the first project's recognition survived the crash
    const first = await caseOf(zj, zjCase.id);
    expect(first.status).toBe('approved');
    expect(
      first.items
        .filter((i) => i.status === 'recognised')
        .map((i) => i.code)
        .sort(),
    ).toEqual(RECOGNISED);
    // nothing was refused on the way: every delivery verified against 江苏's published key
    const refused = await zj.get<{ items: unknown[] }>(
      actor('ZJ', 'supervisor-1'),
      '/partner-events/rejected',
    );
    expect(refused.body.items).toEqual([]);
    expect(server.output()).not.toMatch(/workflow of \S+ failed/);
    // and 上海 never heard of either project
    expect((await sh.call(actor('SH', 'supervisor-1'), 'GET', `/partner-projects/${code}`)).status).toBe(404);
  }, 120_000);

  it('stops every province gracefully on SIGTERM', async () => {
    const pids = ['JS', 'ZJ', 'SH'].map((code) => peerFile(code).pid);
    await server.stop('SIGTERM');
    const out = server.output();
    expect(out).toContain('收到 SIGTERM，正在停止全部省份');
    for (const code of ['JS', 'ZJ', 'SH']) expect(out).toContain(`[${code}] 收到 SIGTERM，正在停止`);
    for (const pid of pids) {
      const alive = (() => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      })();
      expect(alive, `province pid ${pid}`).toBe(false);
    }
  }, 30_000);
});
