import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/model.js';
import { ApiClient, actors, nextProjectCode, projectBody } from '../support/api-client.js';
import { applicant, stageMaterials, supervisor, windowOfficer } from '../support/province-harness.js';

/** 一张图 over HTTP: the division code at registration, the province view, the project view. */
process.env.GC_CHECK_RESPONSES = '1';
const clients: ApiClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});
async function client() {
  const c = await ApiClient.create();
  clients.push(c);
  return c;
}
const leader: Actor = { id: 'leader-1', name: '分管领导', role: 'leader' };

/** Registers (and, unless told, admits) a project with the given location over the services. */
async function project(
  c: ApiClient,
  opts: { divisionCode?: string; admit?: boolean; category?: 'provincialKey' | 'emergency' } = {},
) {
  const code = nextProjectCode();
  const p = await c.h.services.projects.register(applicant(), {
    projectCode: code,
    name: `一张图测试项目${code.slice(-3)}`,
    ownerName: '江苏交通控股有限公司',
    category: opts.category ?? 'provincialKey',
    location: { city: '南京市', ...(opts.divisionCode ? { divisionCode: opts.divisionCode } : {}) },
    investmentWan: 80_000,
    governmentInvested: true,
  });
  const applied = await c.h.services.projects.applyAdmission(applicant(), p.value.id, p.version);
  if (opts.admit !== false) {
    await c.h.services.projects.decideAdmission(supervisor, p.value.id, applied.version, {
      admit: true,
      reasons: '符合准入条件',
    });
  }
  return p.value.id;
}

async function acceptedStage1(c: ApiClient, projectId: string) {
  const s = await c.h.services.cases.submit(applicant(), {
    projectId,
    stage: 'projectApproval',
    materials: stageMaterials(c.h.province, 'projectApproval'),
  });
  const accepted = await c.h.services.cases.actOnAcceptance(windowOfficer, s.value.id, s.version, {
    outcome: 'accept',
  });
  return accepted.value;
}

describe('行政区划代码 at registration', () => {
  it('keeps a county code of the province and refuses a code of another province, an unknown or malformed one', async () => {
    const c = await client();
    const ok = await c.post(
      actors.applicantA,
      '/projects',
      projectBody(undefined, { location: { city: '南京市', divisionCode: '320115' } }),
    );
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.location.divisionCode).toBe('320115');

    for (const [divisionCode, status, code] of [
      ['330106', 422, 'DIVISION_CODE_INVALID'], // 杭州西湖区: not Jiangsu
      ['329999', 422, 'DIVISION_CODE_INVALID'], // not in GB/T 2260
      ['320000', 422, 'DIVISION_CODE_INVALID'], // the province itself names no place in it
    ] as const) {
      const projectCode = nextProjectCode();
      const res = await c.post(
        actors.applicantA,
        '/projects',
        projectBody(projectCode, { location: { city: '南京市', divisionCode } }),
      );
      expect(res.status, `${divisionCode} ${res.text}`).toBe(status);
      expect(res.body.code).toBe(code);
      // bad input changes nothing
      expect(await c.h.store.get('project', projectCode)).toBeUndefined();
    }
    const malformed = await c.post(
      actors.applicantA,
      '/projects',
      projectBody(undefined, { location: { city: '南京市', divisionCode: '3201' } }),
    );
    expect(malformed.status).toBe(400);
  });

  it('GET /divisions lists only the province part of GB/T 2260, prefectures and counties', async () => {
    const c = await client();
    const res = await c.get(actors.applicantA, '/divisions');
    expect(res.status, res.text).toBe(200);
    const divisions: { code: string; name: string; level: string; prefecture: string }[] = res.body.divisions;
    expect(divisions.every((d) => d.code.startsWith('32'))).toBe(true);
    expect(divisions.filter((d) => d.level === 'prefecture')).toHaveLength(13);
    expect(divisions).toContainEqual({
      code: '320115',
      name: '江宁区',
      level: 'county',
      prefecture: '320100',
    });
  });
});

describe('GET /map/projects (一张图, the province view)', () => {
  it('places only admitted projects, by prefecture, and filters by stage, category, priority and department', async () => {
    const c = await client();
    const placed = await project(c, { divisionCode: '320115' });
    const unplaced = await project(c, { category: 'emergency' });
    const pending = await project(c, { divisionCode: '320509', admit: false });
    const accepted = await acceptedStage1(c, placed);

    const res = await c.get(actors.supervisor, '/map/projects');
    expect(res.status, res.text).toBe(200);
    expect(res.body.grid.tiles).toContainEqual({ code: '320100', name: '南京市', row: 4, col: 0 });
    expect(res.body.admitted).toBe(2);
    expect(res.body.unplaced).toBe(1);
    const ids = res.body.projects.map((p: { projectId: string }) => p.projectId);
    expect(ids.sort()).toEqual([placed, unplaced].sort());
    expect(ids).not.toContain(pending);
    const row = res.body.projects.find((p: { projectId: string }) => p.projectId === placed);
    expect(row).toMatchObject({
      tile: '320100',
      prefectureName: '南京市',
      countyName: '江宁区',
      stage: 'projectApproval',
      lamp: 'green',
      openCases: 1,
    });

    const q = async (query: string) =>
      (await c.get(actors.supervisor, `/map/projects?${query}`)).body.projects.map(
        (p: { projectId: string }) => p.projectId,
      );
    expect(await q('stage=projectApproval')).toEqual([placed]);
    expect(await q('stage=worksPermit')).toEqual([]);
    expect(await q('category=emergency')).toEqual([unplaced]);
    const department = accepted.items[0]!.department;
    expect(await q(`department=${department}`)).toEqual([placed]);
    const priority = row.priority as number;
    expect((await q(`priority=${priority}`)).length).toBeGreaterThan(0);
    expect(await q(`priority=${priority === 9 ? 8 : 9}`)).toEqual([]);

    const bad = await c.get(actors.supervisor, '/map/projects?department=NOPE');
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('DEPARTMENT_UNKNOWN');
    expect((await c.get(actors.supervisor, '/map/projects?stage=nope')).status).toBe(400);
  });

  it('turns a project red once an item of its open case is overdue', async () => {
    const c = await client();
    const id = await project(c, { divisionCode: '320205' });
    await acceptedStage1(c, id);
    c.h.clock.setDate('2026-05-29');
    const row = (await c.get(actors.supervisor, '/map/projects')).body.projects.find(
      (p: { projectId: string }) => p.projectId === id,
    );
    expect(row).toMatchObject({ tile: '320200', lamp: 'red' });
    expect(row.redItems).toBeGreaterThan(0);
  });

  it('is for supervisors, auditors and the leader: applicants and the window cannot read it', async () => {
    const c = await client();
    const id = await project(c, { divisionCode: '320115' });
    for (const who of [actors.supervisor, actors.auditor, leader]) {
      expect((await c.get(who, '/map/projects')).status).toBe(200);
      expect((await c.get(who, `/map/projects/${id}`)).status).toBe(200);
    }
    for (const who of [actors.applicantA, actors.windowOfficer, actors.admin]) {
      const res = await c.get(who, '/map/projects');
      expect(res.status).toBe(403);
      expect((await c.get(who, `/map/projects/${id}`)).status).toBe(403);
    }
  });
});

describe('GET /map/projects/{id} (一张图, the project view)', () => {
  it('shows four stages, the filed stage with its items grouped by department and a link to each timeline', async () => {
    const c = await client();
    const id = await project(c, { divisionCode: '320115' });
    const accepted = await acceptedStage1(c, id);
    const first = accepted.items[0]!;
    await c.h.services.cases.decideItem(
      { actor: actors.reviewer(first.department) },
      accepted.id,
      first.code,
      undefined,
      { outcome: 'approve' },
    );
    const res = await c.get(actors.supervisor, `/map/projects/${id}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.stages.map((s: { stage: string }) => s.stage)).toEqual([
      'projectApproval',
      'worksPermit',
      'constructionPermit',
      'completionAcceptance',
    ]);
    const [stage1, stage2] = res.body.stages;
    expect(stage1.caseId).toBe(accepted.id);
    expect(stage2).toEqual({ stage: 'worksPermit', departments: [], partner: [] });
    const nodes = stage1.departments.flatMap((d: { nodes: unknown[] }) => d.nodes);
    expect(nodes).toHaveLength(accepted.items.length);
    for (const d of stage1.departments) {
      for (const n of d.nodes) expect(n.department).toBe(d.department);
    }
    const decided = nodes.find((n: { code: string }) => n.code === first.code);
    expect(decided).toMatchObject({ status: 'approved', lamp: 'green', caseId: accepted.id });
    const open = nodes.find((n: { code: string }) => n.code !== first.code);
    expect(open.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // the node's timeline and audit trail are the case's own endpoints
    expect((await c.get(actors.supervisor, `/cases/${accepted.id}/progress`)).status).toBe(200);
    expect((await c.get(actors.supervisor, `/cases/${accepted.id}/audit`)).status).toBe(200);

    const missing = await c.get(actors.supervisor, '/map/projects/2026-320000-48-01-999999');
    expect(missing.status).toBe(404);
  });
});
