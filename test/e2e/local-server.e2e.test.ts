import { createHash, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killAllServers, type ServerProcess, startServer } from '../support/server-process.js';

/**
 * End to end: the local runtime started as a real process (like `npm start`), driven over HTTP
 * with the demo tokens it prints, through the six steps 申请 → 受理 → 审查 → 批准 → 监督 → 反馈.
 */

const APPLICANT = 'js-applicant-1';
const WINDOW = 'js-window-1';
const SUPERVISOR = 'js-supervisor-1';
const AUDITOR = 'js-auditor-1';
const reviewerOf = (department: string) => `js-reviewer-${department}`;

const dataDirs: string[] = [];
afterAll(async () => {
  await killAllServers();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'green-channel-e2e-'));
  dataDirs.push(dir);
  return dir;
}

// ── shapes read from the API (only the fields the test uses) ──

interface CaseItem {
  code: string;
  department: string;
  status: string;
  decision?: { outcome: string; resultNo?: string };
}
interface StageCase {
  id: string;
  status: string;
  round: number;
  items: CaseItem[];
  stageClosedAt?: string;
  feedback?: { satisfaction: number };
  version: number;
}
interface Project {
  id: string;
  admission: { status: string; eligibility?: { eligible?: boolean } };
  version: number;
}
interface Catalogue {
  stages: { stage: string; items: { code: string; required: boolean }[] }[];
  items: { code: string; department: string; materials: string[] }[];
}
interface Progress {
  progress: {
    status: string;
    step: string;
    steps: { step: string; state: string }[];
    lamp: string;
    items: {
      code: string;
      status: string;
      lamp: string;
      dueDate?: string;
      statutoryDueDate?: string;
      clockStopped: boolean;
    }[];
  };
  timeline: { type: string }[];
}
interface InboxEntry {
  caseId: string;
  item: { code: string };
}
interface AuditEvent {
  seq: number;
  type: string;
  data: Record<string, unknown>;
}

// ── HTTP ──

interface Reply<T> {
  status: number;
  body: T;
  etag: string | null;
  contentType: string;
  text: string;
}

interface RequestOptions {
  body?: unknown;
  ifMatch?: string | null;
  idempotencyKey?: string;
}

class Api {
  constructor(private readonly server: ServerProcess) {}

  async call<T>(actor: string | null, method: string, path: string, options: RequestOptions = {}) {
    const headers: Record<string, string> = {};
    if (actor) {
      const entry = this.server.tokens[actor];
      if (!entry) throw new Error(`no demo token for ${actor}`);
      headers.authorization = `Bearer ${entry.token}`;
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.ifMatch) headers['if-match'] = options.ifMatch;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    const res = await fetch(`${this.server.url}${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    let body: unknown = text;
    if (contentType.includes('json') && text) body = JSON.parse(text);
    return { status: res.status, body: body as T, etag: res.headers.get('etag'), contentType, text };
  }

  /** The call, asserting its status; the message carries the answer so failures explain themselves. */
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
        `${method} ${path} as ${actor}: expected ${expected}, got ${reply.status}\n${reply.text}`,
      );
    }
    return reply;
  }

  get<T>(actor: string | null, path: string) {
    return this.ok<T>(200, actor, 'GET', path);
  }

  /** Every entry of a paginated list. */
  async all<T>(actor: string, path: string): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | undefined;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const q = `${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await this.get<{ items: T[]; nextCursor?: string }>(actor, `${path}${q}`);
      out.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return out;
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A fresh, well-formed 投资项目统一代码 in 江苏 (the demo projects use 0001xx). */
const freshProjectCode = () => `2026-320000-48-01-0${String(randomInt(20_000, 99_999))}`;

/**
 * The stage's required items plus one optional item of each further department, so that several
 * departments review in parallel; materials are every material those items list.
 */
function planApplication(catalogue: Catalogue, stage: string) {
  const cfg = catalogue.stages.find((s) => s.stage === stage);
  if (!cfg) throw new Error(`stage ${stage} not in the catalogue`);
  const item = (code: string) => {
    const found = catalogue.items.find((i) => i.code === code);
    if (!found) throw new Error(`item ${code} not in the catalogue`);
    return found;
  };
  const required = cfg.items.filter((i) => i.required).map((i) => item(i.code));
  const departments = new Set(required.map((i) => i.department));
  const optional: typeof required = [];
  for (const entry of cfg.items.filter((i) => !i.required)) {
    const candidate = item(entry.code);
    if (departments.has(candidate.department)) continue;
    departments.add(candidate.department);
    optional.push(candidate);
    if (optional.length === 2) break;
  }
  const items = [...required, ...optional];
  const materialCodes = [...new Set(items.flatMap((i) => i.materials))];
  return {
    itemCodes: optional.map((i) => i.code),
    expectedItems: items.map((i) => i.code).sort(),
    departments: [...departments].sort(),
    materials: materialCodes.map((code) => ({
      code,
      fileName: `${code}.pdf`,
      sha256: sha256(`e2e ${code}`),
    })),
  };
}

/** 申请 (project part): register, apply for admission, the supervisor admits. */
async function registerAndAdmit(api: Api): Promise<string> {
  const projectCode = freshProjectCode();
  const registered = await api.ok<Project>(201, APPLICANT, 'POST', '/projects', {
    body: {
      projectCode,
      name: '江苏省端到端测试综合管廊工程',
      ownerName: '江苏省交通控股有限公司',
      category: 'provincialKey',
      location: { city: '南京市', district: '江北新区' },
      investmentWan: 88_000,
      governmentInvested: true,
      promisedCompletion: '2028-06-30',
    },
  });
  expect(registered.body.id).toBe(projectCode);
  expect(registered.body.admission.status).toBe('notApplied');
  expect(registered.etag).toBe('"1"');

  const applied = await api.ok<Project>(200, APPLICANT, 'POST', `/projects/${projectCode}/admission`, {
    ifMatch: registered.etag,
  });
  expect(applied.body.admission.status).toBe('pending');
  expect(applied.etag).toBeTruthy();

  const admitted = await api.ok<Project>(
    200,
    SUPERVISOR,
    'POST',
    `/projects/${projectCode}/admission/decision`,
    { ifMatch: applied.etag, body: { admit: true, reasons: '省级重点项目，符合绿色通道准入条件' } },
  );
  expect(admitted.body.admission.status).toBe('admitted');
  return projectCode;
}

/** 申请 (stage case) and 受理: submit with every material, the window accepts with If-Match. */
async function submitAndAccept(api: Api, projectCode: string, plan: ReturnType<typeof planApplication>) {
  const body = {
    projectId: projectCode,
    stage: 'projectApproval',
    itemCodes: plan.itemCodes,
    materials: plan.materials,
  };
  const pre = await api.ok<{ findings: unknown[]; items: string[] }>(200, APPLICANT, 'POST', '/pre-review', {
    body,
  });
  expect(pre.body.findings).toEqual([]);
  expect([...pre.body.items].sort()).toEqual(plan.expectedItems);

  const submitted = await api.ok<StageCase>(201, APPLICANT, 'POST', '/cases', { body });
  const caseId = submitted.body.id;
  expect(submitted.body.status).toBe('submitted');
  expect(submitted.body.items.map((i) => i.code).sort()).toEqual(plan.expectedItems);

  const queue = await api.all<StageCase>(WINDOW, '/acceptance-queue');
  expect(queue.map((c) => c.id)).toContain(caseId);

  const current = await api.get<StageCase>(WINDOW, `/cases/${caseId}`);
  expect(current.etag).toBe(`"${current.body.version}"`);
  const accepted = await api.ok<StageCase>(200, WINDOW, 'POST', `/cases/${caseId}/acceptance`, {
    ifMatch: current.etag,
    body: { outcome: 'accept' },
  });
  expect(accepted.body.status).toBe('underReview');
  expect(accepted.body.items.every((i) => i.status === 'inReview')).toBe(true);
  const after = await api.all<StageCase>(WINDOW, '/acceptance-queue');
  expect(after.map((c) => c.id)).not.toContain(caseId);
  return caseId;
}

/** The items of a case in a reviewer's inbox. */
async function inboxItemsOf(api: Api, department: string, caseId: string): Promise<string[]> {
  const inbox = await api.all<InboxEntry>(reviewerOf(department), '/inbox');
  return inbox
    .filter((e) => e.caseId === caseId)
    .map((e) => e.item.code)
    .sort();
}

async function approveItem(api: Api, caseId: string, item: CaseItem) {
  return api.ok<StageCase>(
    200,
    reviewerOf(item.department),
    'POST',
    `/cases/${caseId}/items/${item.code}/decision`,
    { body: { outcome: 'approve', reasons: '符合审批条件' } },
  );
}

/** The workflow closes the stage on its own after the last decision; wait for it. */
async function waitForStageClosed(api: Api, caseId: string, timeoutMs = 20_000): Promise<StageCase> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api.get<StageCase>(APPLICANT, `/cases/${caseId}`);
    if (body.stageClosedAt) return body;
    if (Date.now() > deadline) {
      throw new Error(
        `case ${caseId} not closed by its workflow within ${timeoutMs} ms: ${JSON.stringify(body)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('local runtime as a process (npm start)', () => {
  it('drives a new case through the six steps over HTTP', async () => {
    const server = await startServer({ dataDir: tempDataDir() });
    const api = new Api(server);
    try {
      expect(server.output()).toContain('已生成演示数据');
      for (const actor of [APPLICANT, WINDOW, SUPERVISOR, AUDITOR, reviewerOf('nrp')]) {
        expect(server.tokens[actor]?.token, actor).toBeTruthy();
      }

      // public pages
      const health = await api.get<{ status: string; province: string }>(null, '/health');
      expect(health.body).toEqual({ status: 'ok', province: 'JS' });
      const docs = await api.get<string>(null, '/docs');
      expect(docs.contentType).toContain('text/html');
      const openapi = await api.get<{ openapi: string; paths: Record<string, unknown> }>(
        null,
        '/openapi.json',
      );
      expect(openapi.body.openapi).toMatch(/^3\./);
      expect(Object.keys(openapi.body.paths)).toEqual(
        expect.arrayContaining(['/cases', '/cases/{caseId}/progress', '/inbox', '/sweeps']),
      );
      // without a token the API refuses
      expect((await api.call(null, 'GET', '/cases')).status).toBe(401);

      // demo data
      const me = await api.get<{ id: string; role: string }>(APPLICANT, '/me');
      expect(me.body).toMatchObject({ id: APPLICANT, role: 'applicant' });
      const demoCases = await api.all<StageCase>(APPLICANT, '/cases');
      expect(demoCases.length).toBeGreaterThan(0);
      const admittedDemo = await api.all<Project>(SUPERVISOR, '/projects?status=admitted');
      expect(admittedDemo.length).toBeGreaterThan(0);
      expect(admittedDemo.every((p) => p.admission.status === 'admitted')).toBe(true);
      const pendingDemo = await api.all<Project>(SUPERVISOR, '/projects?status=pending');
      expect(pendingDemo.length).toBeGreaterThan(0);

      // 申请
      const catalogue = await api.get<Catalogue>(APPLICANT, '/catalogue');
      const plan = planApplication(catalogue.body, 'projectApproval');
      expect(plan.departments.length).toBeGreaterThan(1);
      const projectCode = await registerAndAdmit(api);
      // 受理
      const caseId = await submitAndAccept(api, projectCode, plan);

      // 审查: every department sees its items in its inbox
      const { body: reviewing } = await api.get<StageCase>(APPLICANT, `/cases/${caseId}`);
      for (const department of plan.departments) {
        const expected = reviewing.items
          .filter((i) => i.department === department)
          .map((i) => i.code)
          .sort();
        expect(await inboxItemsOf(api, department, caseId), department).toEqual(expected);
      }
      // a reviewer outside the case's departments cannot decide its items
      const outsider = Object.keys(server.tokens).find(
        (id) => id.startsWith('js-reviewer-') && !plan.departments.includes(id.slice('js-reviewer-'.length)),
      );
      if (outsider) {
        const refused = await api.call(
          outsider,
          'POST',
          `/cases/${caseId}/items/${reviewing.items[0]!.code}/decision`,
          {
            body: { outcome: 'approve' },
          },
        );
        expect(refused.status).toBe(403);
      }

      // one item: 一次性告知补正, the applicant supplements, then it is decided
      const corrected = reviewing.items.find((i) => !plan.itemCodes.includes(i.code))!;
      const missing = catalogue.body.items.find((i) => i.code === corrected.code)!.materials.at(-1)!;
      const correction = await api.ok<StageCase>(
        200,
        reviewerOf(corrected.department),
        'POST',
        `/cases/${caseId}/items/${corrected.code}/correction`,
        { body: { missing: [missing], reason: '材料页码不全，请补交完整版本' } },
      );
      expect(correction.body.items.find((i) => i.code === corrected.code)?.status).toBe(
        'correctionRequested',
      );
      const stopped = await api.get<Progress>(APPLICANT, `/cases/${caseId}/progress`);
      expect(stopped.body.progress.items.find((i) => i.code === corrected.code)?.clockStopped).toBe(true);
      // while the clock is stopped the item cannot be decided
      const early = await api.call(
        reviewerOf(corrected.department),
        'POST',
        `/cases/${caseId}/items/${corrected.code}/decision`,
        { body: { outcome: 'approve' } },
      );
      expect(early.status).toBe(409);

      const supplemented = await api.ok<StageCase>(200, APPLICANT, 'POST', `/cases/${caseId}/supplements`, {
        body: {
          materials: [{ code: missing, fileName: `${missing}-v2.pdf`, sha256: sha256(`v2 ${missing}`) }],
        },
      });
      expect(supplemented.body.items.find((i) => i.code === corrected.code)?.status).toBe('inReview');

      // every item decided by its own department, the corrected one first
      const order = [corrected, ...reviewing.items.filter((i) => i.code !== corrected.code)];
      let last: StageCase | undefined;
      for (const item of order) last = (await approveItem(api, caseId, item)).body;
      expect(last?.status).toBe('approved');
      for (const department of plan.departments) {
        expect(await inboxItemsOf(api, department, caseId), department).toEqual([]);
      }

      // 批准: the workflow closes the stage; progress shows it approved
      const closed = await waitForStageClosed(api, caseId);
      expect(closed.status).toBe('approved');
      expect(closed.items.every((i) => i.decision?.outcome === 'approve' && i.decision.resultNo)).toBe(true);

      // 监督: lamps and deadlines, the supervisor's sweep
      const progress = await api.get<Progress>(SUPERVISOR, `/cases/${caseId}/progress`);
      expect(progress.body.progress.status).toBe('approved');
      expect(progress.body.progress.step).toBe('feedback');
      const states = Object.fromEntries(progress.body.progress.steps.map((s) => [s.step, s.state]));
      expect(states).toMatchObject({ apply: 'done', accept: 'done', review: 'done', approve: 'done' });
      expect(['green', 'yellow', 'red']).toContain(progress.body.progress.lamp);
      for (const item of progress.body.progress.items) {
        expect(item.status).toBe('approved');
        expect(item.lamp).toBe('green');
        expect(item.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(item.statutoryDueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
      const sweep = await api.ok<{ examined: number; changed: number; lampChanges: unknown[] }>(
        200,
        SUPERVISOR,
        'POST',
        '/sweeps',
      );
      expect(sweep.body.examined).toBeGreaterThanOrEqual(0);
      expect(Array.isArray(sweep.body.lampChanges)).toBe(true);
      // the applicant may not run the sweeper
      expect((await api.call(APPLICANT, 'POST', '/sweeps')).status).toBe(403);

      // 反馈
      const rated = await api.ok<StageCase>(200, APPLICANT, 'POST', `/cases/${caseId}/feedback`, {
        body: { satisfaction: 5, comment: '端到端测试：全程网办，按时办结' },
      });
      expect(rated.body.feedback?.satisfaction).toBe(5);
      const finished = await api.get<Progress>(APPLICANT, `/cases/${caseId}/progress`);
      expect(finished.body.progress.steps.every((s) => s.state === 'done')).toBe(true);

      // the audit trail holds the whole loop and its hash chain verifies
      const audit = await api.get<{ events: AuditEvent[] }>(AUDITOR, `/cases/${caseId}/audit`);
      const types = audit.body.events.map((e) => e.type);
      expect(types).toEqual(
        expect.arrayContaining([
          'CaseSubmitted',
          'CaseAccepted',
          'ItemCorrectionRequested',
          'MaterialsSupplemented',
          'ItemApproved',
          'StageApproved',
          'StageClosed',
          'FeedbackGiven',
        ]),
      );
      expect(types.filter((t) => t === 'ItemApproved')).toHaveLength(reviewing.items.length);
      const verification = await api.get<{ valid: boolean; length: number }>(
        APPLICANT,
        `/cases/${caseId}/audit/verification`,
      );
      expect(verification.body).toMatchObject({ valid: true, length: audit.body.events.length });
      const projectAudit = await api.get<{ valid: boolean }>(
        SUPERVISOR,
        `/projects/${projectCode}/audit/verification`,
      );
      expect(projectAudit.body.valid).toBe(true);

      // graceful stop
      await server.stop('SIGTERM');
      expect(server.output()).toContain('收到 SIGTERM');
    } finally {
      await server.kill();
    }
  }, 120_000);

  it('resumes a case after a crash mid-review without reseeding', async () => {
    const dataDir = tempDataDir();
    const first = await startServer({ dataDir });
    let caseId: string;
    let counts: { admitted: number; mine: number; cases: number };
    let decidedFirst: CaseItem;
    try {
      const api = new Api(first);
      const catalogue = await api.get<Catalogue>(APPLICANT, '/catalogue');
      const plan = planApplication(catalogue.body, 'projectApproval');
      const projectCode = await registerAndAdmit(api);
      caseId = await submitAndAccept(api, projectCode, plan);
      const { body: reviewing } = await api.get<StageCase>(APPLICANT, `/cases/${caseId}`);
      decidedFirst = reviewing.items[0]!;
      const decided = await approveItem(api, caseId, decidedFirst);
      expect(decided.body.status).toBe('underReview');
      counts = {
        admitted: (await api.all<Project>(SUPERVISOR, '/projects?status=admitted')).length,
        mine: (await api.all<Project>(APPLICANT, '/projects')).length,
        cases: (await api.all<StageCase>(APPLICANT, '/cases')).length,
      };
    } finally {
      await first.kill(); // crash: no graceful shutdown
    }
    // the supervisor died without its graceful shutdown (its provinces then stop on their own)
    expect(first.output()).not.toContain('正在停止全部省份');

    const second = await startServer({ dataDir });
    try {
      const api = new Api(second);
      const output = second.output();
      expect(output).not.toContain('已生成演示数据');
      expect(output).toMatch(/已恢复 \d+ 个办理中的流程/);
      expect((await api.all<Project>(SUPERVISOR, '/projects?status=admitted')).length).toBe(counts.admitted);
      expect((await api.all<Project>(APPLICANT, '/projects')).length).toBe(counts.mine);
      expect((await api.all<StageCase>(APPLICANT, '/cases')).length).toBe(counts.cases);

      // the decision taken before the crash is kept and cannot be taken twice
      const { body: resumed } = await api.get<StageCase>(APPLICANT, `/cases/${caseId}`);
      expect(resumed.status).toBe('underReview');
      expect(resumed.items.find((i) => i.code === decidedFirst.code)?.decision?.outcome).toBe('approve');
      const again = await api.call(
        reviewerOf(decidedFirst.department),
        'POST',
        `/cases/${caseId}/items/${decidedFirst.code}/decision`,
        { body: { outcome: 'approve' } },
      );
      expect(again.status).toBe(409);

      const remaining = resumed.items.filter((i) => !i.decision);
      expect(remaining.length).toBeGreaterThan(0);
      for (const item of remaining) {
        expect(await inboxItemsOf(api, item.department, caseId)).toContain(item.code);
        await approveItem(api, caseId, item);
      }

      const closed = await waitForStageClosed(api, caseId);
      expect(closed.status).toBe('approved');

      const audit = await api.get<{ events: AuditEvent[] }>(AUDITOR, `/cases/${caseId}/audit`);
      const decisions = audit.body.events.filter(
        (e) => e.type === 'ItemApproved' || e.type === 'ItemRejected',
      );
      const perItem = new Map<string, number>();
      for (const e of decisions) {
        const code = String(e.data.itemCode);
        perItem.set(code, (perItem.get(code) ?? 0) + 1);
      }
      expect(Object.fromEntries(perItem)).toEqual(Object.fromEntries(resumed.items.map((i) => [i.code, 1])));
      expect(audit.body.events.filter((e) => e.type === 'StageClosed')).toHaveLength(1);
      const verification = await api.get<{ valid: boolean }>(AUDITOR, `/cases/${caseId}/audit/verification`);
      expect(verification.body.valid).toBe(true);
    } finally {
      await second.kill();
    }
  }, 150_000);
});
