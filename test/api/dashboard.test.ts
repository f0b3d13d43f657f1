import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, actors } from '../support/api-client.js';
import { admittedProject, applicant, stageMaterials, windowOfficer } from '../support/province-harness.js';

/** 工作台 over HTTP: the figures from the store, each table as CSV, and who may read it. */
process.env.GC_CHECK_RESPONSES = '1';
const clients: ApiClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});

async function acceptedCase(c: ApiClient) {
  const projectId = await admittedProject(c.h);
  const submitted = await c.h.services.cases.submit(applicant(), {
    projectId,
    stage: 'projectApproval',
    materials: stageMaterials(c.h.province, 'projectApproval'),
  });
  const accepted = await c.h.services.cases.actOnAcceptance(
    windowOfficer,
    submitted.value.id,
    submitted.version,
    {
      outcome: 'accept',
    },
  );
  return accepted.value;
}

/** Three cases accepted 2 March 2026, every item decided late on 20 April; a fourth accepted 21 April. */
async function storeWithHistory() {
  const c = await ApiClient.create();
  clients.push(c);
  c.h.clock.setDate('2026-03-02');
  const closed = [];
  for (let i = 0; i < 3; i++) closed.push(await acceptedCase(c));
  c.h.clock.setDate('2026-04-20');
  for (const k of closed) {
    for (const i of k.items) {
      await c.h.services.cases.decideItem({ actor: actors.reviewer(i.department) }, k.id, i.code, undefined, {
        outcome: 'approve',
      });
    }
  }
  c.h.clock.setDate('2026-04-21');
  const open = await acceptedCase(c);
  c.h.clock.setDate('2026-04-23');
  return { c, closed, open };
}

describe('工作台 over HTTP', () => {
  it('serves lamps by department, the counts, the dispatch rows, the month’s bulletin and the project lamps', async () => {
    const { c, closed, open } = await storeWithHistory();
    const res = await c.get(actors.supervisor, '/reports/dashboard');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ kind: 'dashboard', asOf: '2026-04-23', month: '2026-04' });
    const openDepts = new Set(open.items.map((i) => i.department));
    for (const d of openDepts) {
      const n = open.items.filter((i) => i.department === d).length;
      // two working days into a limit of 7 or more: green
      expect(res.body.departments).toContainEqual(
        expect.objectContaining({ department: d, green: n, yellow: 0, red: 0, open: n }),
      );
    }
    // every open item's history (3 of 3 late) forecasts it late: (3 + 0.1) / (3 + 1) ≥ 0.5
    expect(res.body.counts).toEqual({
      overdueItems: 0,
      atRiskItems: 0,
      forecastLate: open.items.length,
      forecastLateGreen: open.items.length,
      acceptanceOverdue: 0,
    });
    expect(res.body.dispatch).toEqual({ total: 0, red: 0, yellow: 0, rows: [] });
    const decided = closed.flatMap((k) => k.items);
    expect(res.body.bulletin.total).toEqual({
      decidedItems: decided.length,
      onTime: 0,
      late: decided.length,
      onTimeRate: 0,
      recognised: 0,
    });
    for (const d of new Set(decided.map((i) => i.department))) {
      expect(res.body.bulletin.rows).toContainEqual(
        expect.objectContaining({
          department: d,
          onTimeRate: 0,
          late: decided.filter((i) => i.department === d).length,
        }),
      );
    }
    const p = res.body.projects;
    expect(p.total).toBeGreaterThanOrEqual(4);
    expect(p.red + p.yellow + p.green).toBe(p.total);
  });

  it('downloads each table as CSV, and refuses applicants and reviewers', async () => {
    const { c } = await storeWithHistory();
    for (const [table, header] of [
      ['lamps', '部门'],
      ['counts', '统计日'],
      ['dispatch', '灯色'],
      ['bulletin', '部门'],
      ['projects', '红灯项目'],
    ] as const) {
      const res = await c.get(actors.supervisor, `/reports/dashboard?format=csv&table=${table}`);
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/csv');
      expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="dashboard-[\w.-]+\.csv"/);
      expect(res.text.replace('\uFEFF', '').split('\r\n')[0]).toContain(header);
    }
    const bad = await c.get(actors.supervisor, '/reports/dashboard?format=csv&table=nope');
    expect(bad.status).toBe(400);
    expect((await c.get(actors.applicantA, '/reports/dashboard')).status).toBe(403);
    expect((await c.get(actors.reviewer('nrp'), '/reports/dashboard')).status).toBe(403);
  });
});
