import { afterEach, describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../shared/domain/calendar.js';
import { ApiClient, actors } from '../support/api-client.js';
import { admittedProject, applicant, stageMaterials, windowOfficer } from '../support/province-harness.js';

/** 卡点分析 and 风险预警 over HTTP: figures from the store, CSV, the weekly dispatch's forecast section. */
process.env.GC_CHECK_RESPONSES = '1';
const clients: ApiClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});
const cal = WorkingCalendar.fromChineseDays();

/** Submits and accepts stage 1 of a new admitted project on the harness's current day. */
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

async function decideAll(c: ApiClient, caseId: string) {
  const { value } = await c.h.services.cases.get({ actor: actors.supervisor }, caseId);
  for (const i of value.items) {
    await c.h.services.cases.decideItem({ actor: actors.reviewer(i.department) }, caseId, i.code, undefined, {
      outcome: 'approve',
    });
  }
}

/**
 * Three stage-1 cases accepted on 2 March 2026 and decided on 20 April, every item late (its
 * promise is 10 or 7 working days); then a fourth accepted on 21 April, two days into its clock.
 */
async function storeWithHistory() {
  const c = await ApiClient.create();
  clients.push(c);
  c.h.clock.setDate('2026-03-02');
  const closed = [];
  for (let i = 0; i < 3; i++) closed.push(await acceptedCase(c));
  c.h.clock.setDate('2026-04-20');
  for (const k of closed) await decideAll(c, k.id);
  c.h.clock.setDate('2026-04-21');
  const open = await acceptedCase(c);
  c.h.clock.setDate('2026-04-23');
  return { c, closed, open };
}

describe('卡点分析 over HTTP', () => {
  it('serves the heatmap, the breakdown, the trend and the headline figures from the store', async () => {
    const { c, closed } = await storeWithHistory();
    const used = cal.workingDaysBetween('2026-03-02', '2026-04-20');
    const res = await c.get(actors.supervisor, '/reports/analytics?year=2026');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ kind: 'analytics', from: '2026-01', to: '2026-12' });
    const items = closed[0]!.items;
    for (const i of items) {
      expect(res.body.heatmap.byItem).toContainEqual(
        expect.objectContaining({
          department: i.department,
          key: i.code,
          count: 3,
          late: 3,
          avgDaysUsed: used,
        }),
      );
    }
    expect(res.body.trend).toHaveLength(12);
    expect(res.body.trend[3]).toMatchObject({
      month: '2026-04',
      decidedItems: 3 * items.length,
      onTime: 0,
      onTimeRate: 0,
    });
    const statutory = items.reduce((s: number, i: { statutoryDays: number }) => s + i.statutoryDays, 0);
    const y2026 = res.body.headline.find((h: { period: string }) => h.period === '2026');
    expect(y2026).toMatchObject({
      projectsAdmitted: 4,
      projectsWithCases: 4,
      reviewedItems: 3 * items.length,
      daysSavedByReview: 3 * (statutory - items.length * used),
      daysSavedByRecognition: 0,
    });
    expect(res.body.headline.at(-1).period).toBe('toDate');
  });

  it('downloads each table as CSV', async () => {
    const { c } = await storeWithHistory();
    for (const table of ['heatmap', 'heatmapByMonth', 'departments', 'trend', 'headline']) {
      const res = await c.get(actors.supervisor, `/reports/analytics?year=2026&format=csv&table=${table}`);
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/csv');
      expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="[\w.-]+\.csv"/);
      expect(res.text.split('\r\n')[0]).toMatch(/部门|月份|期间/);
    }
  });

  it('refuses bad periods with a Chinese problem and readers without the right', async () => {
    const { c } = await storeWithHistory();
    const bad = await c.get(actors.supervisor, '/reports/analytics?from=2026-05&to=2026-01');
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('PERIOD_INVALID');
    expect(bad.body.title).toBe('起始月份不能晚于截止月份');
    expect((await c.get(actors.supervisor, '/reports/analytics?from=2026-13')).status).toBe(400);
    expect((await c.get(actors.applicantA, '/reports/analytics')).status).toBe(403);
    expect((await c.get(actors.reviewer('nrp'), '/reports/forecast')).status).toBe(403);
  });
});

describe('风险预警 over HTTP', () => {
  it('forecasts the open items late from their department’s history while still green, and back-tests', async () => {
    const { c, open } = await storeWithHistory();
    const res = await c.get(actors.supervisor, '/reports/forecast');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ kind: 'forecast', asOf: '2026-04-23', openItems: open.items.length });
    for (const i of open.items) {
      const row = res.body.rows.find((r: { itemCode: string }) => r.itemCode === i.code);
      // two days used; all three closed items of the department ran late: 3.1 / 4
      expect(row).toMatchObject({
        caseId: open.id,
        lamp: 'green',
        daysUsed: 2,
        basis: 'department',
        historySize: 3,
        probability: 0.775,
        forecastLate: true,
      });
      expect(row.reasonZh).toContain('近 3 件中');
    }
    expect(res.body.forecastLateGreen).toBe(open.items.length);
    // the closed items were forecast at half their limit from the prior alone: none caught
    expect(res.body.backtest).toMatchObject({
      count: 3 * open.items.length,
      truePositive: 0,
      recall: 0,
      accuracy: 0,
    });

    const csv = await c.get(actors.supervisor, '/reports/forecast?format=csv&table=backtest');
    expect(csv.status).toBe(200);
    expect(csv.text).toContain('准确率');
  });

  it('adds the forecast-late green items to the weekly dispatch list', async () => {
    const { c, open } = await storeWithHistory();
    const weekly = await c.get(actors.supervisor, '/reports/weekly-dispatch');
    expect(weekly.status, weekly.text).toBe(200);
    expect(weekly.body.rows).toEqual([]);
    expect(weekly.body.forecastLate.map((r: { caseId: string }) => r.caseId)).toEqual(
      open.items.map(() => open.id),
    );
    const html = await c.get(actors.supervisor, '/reports/weekly-dispatch?format=html');
    expect(html.text).toContain('预计逾期事项（尚为绿灯，按本部门同类事项历史预测）');
    expect(html.text).toContain('77.5%');
  });
});
