import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../functions/http/auth.js';
import { errorHandler, validationHook } from '../../functions/http/problem.js';
import { mountReportRoutes } from '../../functions/http/routes/reports.js';
import type { ProvinceConfig } from '../../shared/config/province-config.js';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
import type { Actor, Complaint } from '../../shared/domain/model.js';
import type { Ctx } from '../../shared/services/context.js';
import { ReportService } from '../../shared/services/reports.js';
import {
  admittedProject,
  applicant,
  type Harness,
  makeHarness,
  ORG_A,
  ORG_B,
  reviewer,
  stageMaterials,
  supervisor,
  TestClock,
  windowOfficer,
} from '../support/province-harness.js';

/**
 * Reports over real cases on the 2025 calendar (National Day 10-01..10-08 off; Sunday 09-28 and
 * Saturday 10-11 worked). Both stage-1 items (用地预审, 用地规划许可, department nrp) are promised in
 * 5 working days, statutory 20; lamps: yellow at 80% or 2 days left. Elapsed days count (start, day].
 *
 *   case1 accepted 09-26, both items decided Thu 10-09 (09-28 29 30 10-09 = 4 days), one at 20:00; rated 5
 *   case2 accepted 09-26, 用地预审 decided 10-10 (5 days); 用地规划许可 red from 10-11, swept on
 *         Mon 10-13 (7 days: 2 over → escalation levels 1 and 2), decided 10-14 (8 days, late)
 *   case3 submitted 10-09, never accepted: acceptance due 10-11 (2 working days), 1 day over on 10-13
 *   case4 accepted 10-09: on 10-13 3 days used of 5 → both items yellow, due 10-15; 用地预审 decided
 *         10-14 (10-10 11 13 14 = 4 days) while the case stays under review
 *   case5, case6 of ORG_B terminated with a credit mark each (容缺 not supplemented)
 */
const province: ProvinceConfig = {
  ...jiangsu,
  items: jiangsu.items.map((i) => ({ ...i, promisedDays: 5, statutoryDays: 20 })),
};
const LAND_PRE = 'landPreExaminationSiting';
const LAND_USE = 'landUsePlanningPermit';

/** A test clock that can also stand at an exact instant (decisions outside office hours). */
class ReportClock extends TestClock {
  private exact?: Date;
  override now() {
    return this.exact ? new Date(this.exact) : super.now();
  }
  override setDate(isoDate: string) {
    this.exact = undefined;
    super.setDate(isoDate);
  }
  setInstant(iso: string) {
    this.exact = new Date(iso);
  }
}

const auditor: Ctx = { actor: { id: 'auditor-1', name: '第三方评估机构', role: 'auditor' } };

let h: Harness;
let reports: ReportService;
let dir: string;
const ids: Record<string, string> = {};

async function submitted(org = ORG_A) {
  const projectId = await admittedProject(h, org);
  return h.services.cases.submit(applicant(org), {
    projectId,
    stage: 'projectApproval',
    materials: stageMaterials(province, 'projectApproval'),
  });
}
async function accepted() {
  const c = await submitted();
  return h.services.cases.actOnAcceptance(windowOfficer, c.value.id, c.version, { outcome: 'accept' });
}
const decide = (caseId: string, item: string) =>
  h.services.cases.decideItem(reviewer('nrp'), caseId, item, undefined, { outcome: 'approve' });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gc-reports-'));
  const clock = new ReportClock('2025-09-26');
  h = makeHarness({ clock, province, path: join(dir, 'store.db') });
  reports = new ReportService(h.services.deps, h.services.calendar);

  ids.case1 = (await accepted()).value.id;
  ids.case2 = (await accepted()).value.id;
  for (const name of ['case5', 'case6']) {
    const c = await submitted(ORG_B);
    ids[name] = c.value.id;
    await h.services.cases.terminate(supervisor, c.value.id, '容缺材料逾期未补正', true);
  }

  clock.setDate('2025-10-09');
  ids.case3 = (await submitted()).value.id;
  ids.case4 = (await accepted()).value.id;
  await decide(ids.case1, LAND_PRE);
  clock.setInstant('2025-10-09T12:00:00Z'); // 20:00 in Shanghai
  await decide(ids.case1, LAND_USE);
  clock.setDate('2025-10-09');
  await h.services.cases.feedback(applicant(), ids.case1, { satisfaction: 5 });

  clock.setDate('2025-10-10');
  await decide(ids.case2, LAND_PRE);
  clock.setDate('2025-10-13');
  await h.services.sweep();
}, 30_000);

afterAll(async () => {
  await h.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('weekly dispatch (周调度) on Monday 2025-10-13', () => {
  it('lists the overdue item with its escalations, the overdue acceptance and the items at risk', async () => {
    const report = await reports.weeklyDispatch(supervisor);
    expect(report).toMatchObject({ kind: 'weeklyDispatch', asOf: '2025-10-13', red: 2, yellow: 2 });
    expect(
      report.rows.map((r) => [
        r.caseId,
        r.itemCode ?? '受理',
        r.lamp,
        r.daysOver,
        r.remainingDays,
        r.dueDate,
      ]),
    ).toEqual([
      [ids.case2, LAND_USE, 'red', 2, -2, '2025-10-10'],
      [ids.case3, '受理', 'red', 1, -1, '2025-10-11'],
      [ids.case4, LAND_PRE, 'yellow', 0, 2, '2025-10-15'],
      [ids.case4, LAND_USE, 'yellow', 0, 2, '2025-10-15'],
    ]);
    const red = report.rows[0]!;
    expect(red).toMatchObject({
      department: 'nrp',
      departmentName: '省自然资源厅',
      firstReceiver: '省政务服务中心绿色通道专窗',
      escalationLevel: 2,
    });
    expect(red.history.map((e) => [e.level, e.role, e.address])).toEqual([
      [1, 'reviewer', 'dept:nrp'],
      [2, 'departmentLead', 'dept:nrp:lead'],
    ]);
    expect(report.rows[1]).toMatchObject({ kind: 'acceptance', departmentName: province.windowUnit });
  });

  it('rejects a malformed date', async () => {
    await expect(reports.weeklyDispatch(supervisor, '2025-13-01')).rejects.toMatchObject({ kind: 'invalid' });
  });
});

describe('monthly bulletin (月通报) and annual evaluation (年度评估), after 2025-10-14', () => {
  beforeAll(async () => {
    (h.clock as ReportClock).setDate('2025-10-14');
    await decide(ids.case2!, LAND_USE);
    await decide(ids.case4!, LAND_PRE);
    // a complaint filed Mon 10-13, closed Wed 10-15: 2 working days
    const complaint: Complaint = {
      id: 'K-1',
      caseId: ids.case2!,
      projectCode: '2026-320000-48-01-000000',
      creditCode: ORG_A.creditCode,
      textZh: '审批超时',
      status: 'closed',
      filedAt: '2025-10-13T02:00:00.000Z',
      filedBy: 'applicant',
      handling: [],
      closedAt: '2025-10-15T08:00:00.000Z',
      resolutionZh: '已督办',
    };
    await h.store.commit([
      {
        kind: 'complaint',
        id: complaint.id,
        expectedVersion: 0,
        value: complaint,
        indexes: [{ index: 'status', key: 'complaint:all', sort: `${complaint.filedAt}#${complaint.id}` }],
        events: [{ type: 'ComplaintFiled', actor: 'applicant', at: complaint.filedAt, data: {} }],
      },
    ]);
  });

  it('counts October decisions per department and item, including a case still under review', async () => {
    const b = await reports.monthlyBulletin(auditor, '2025-10');
    // nrp: case1 4 + 4, case2 5 + 8 (late), case4 4 → 4 of 5 on time; avg 25 / 5 = 5
    expect(b.byDepartment).toEqual([
      {
        code: 'nrp',
        nameZh: '省自然资源厅',
        casesHandled: 3,
        decidedItems: 5,
        approved: 5,
        rejected: 0,
        onTime: 4,
        overdue: 1,
        onTimeRate: 0.8,
        avgDaysUsed: 5,
        avgPromisedDays: 5,
        avgStatutoryDays: 20,
        recognised: 0,
        satisfactionAvg: 5,
        satisfactionCount: 1,
        rank: 1,
      },
    ]);
    // 用地预审 4, 5, 4 → 1.0, 4.33; 用地规划许可 4, 8 → 0.5, 6
    expect(b.byItem.map((r) => [r.code, r.rank, r.decidedItems, r.onTimeRate, r.avgDaysUsed])).toEqual([
      [LAND_PRE, 1, 3, 1, 4.33],
      [LAND_USE, 2, 2, 0.5, 6],
    ]);
    expect((await reports.monthlyBulletin(auditor, '2025-09')).byItem).toEqual([]);
  });

  it('evaluates the year: timeliness, satisfaction, complaints, off-hours decisions, credit marks', async () => {
    const e = await reports.annualEvaluation(auditor, 2025);
    expect(e.scope).toEqual({ cases: 6, closedCases: 2 });
    expect(e.timeliness).toMatchObject({ decidedItems: 5, onTime: 4, onTimeRate: 0.8, avgDaysUsed: 5 });
    expect(e.timeliness.compressionRatio).toBe(0.75); // 1 − 25 / 100
    expect(e.serviceQuality.satisfaction).toMatchObject({
      average: 5,
      responses: 1,
      closedCases: 2,
      responseRate: 0.5,
    });
    expect(e.serviceQuality.complaints).toEqual({ filed: 1, closed: 1, open: 0, avgWorkingDaysToClose: 2 });
    expect(e.integrityRisk.decisionsOutsideWorkingHours.decisions).toEqual([
      expect.objectContaining({
        caseId: ids.case1,
        itemCode: LAND_USE,
        localTime: '2025-10-09 20:00',
        reason: 'outsideHours',
      }),
    ]);
    expect(e.integrityRisk.repeatedDeficiencyWithoutSupplement.organisations).toEqual([
      expect.objectContaining({ creditCode: ORG_B.creditCode, marks: 2, marksInYear: 2 }),
    ]);
    // no 转办 or 撤销 in this scenario: real zeros now, no longer 'notTracked'
    expect(e.integrityRisk.frequentReassignment).toEqual({ count: 0, threshold: 2, items: [] });
    expect(e.integrityRisk.reversedDecisions).toEqual({ count: 0, decisions: [] });
    expect(e.auditTrail).toEqual({ casesChecked: 6, valid: 6, broken: [] });
  });

  it('reports an audit trail altered in the store file', async () => {
    const db = new Database(join(dir, 'store.db'));
    db.prepare('UPDATE audit_events SET actor = ? WHERE stream = ? AND seq = 2').run(
      'someone-else',
      `stageCase/${ids.case1}`,
    );
    db.close();
    const e = await reports.annualEvaluation(auditor, 2025);
    expect(e.auditTrail).toEqual({
      casesChecked: 6,
      valid: 5,
      broken: [{ caseId: ids.case1, firstBrokenSeq: 2, reason: 'hashMismatch' }],
    });
  });
});

describe('who may read reports', () => {
  it('auditors and supervisors read; applicants and reviewers get 403', async () => {
    await expect(reports.weeklyDispatch(auditor)).resolves.toMatchObject({ kind: 'weeklyDispatch' });
    for (const ctx of [applicant(), reviewer('nrp')]) {
      await expect(reports.weeklyDispatch(ctx)).rejects.toMatchObject({ kind: 'forbidden' });
      await expect(reports.monthlyBulletin(ctx, '2025-10')).rejects.toMatchObject({ kind: 'forbidden' });
      await expect(reports.annualEvaluation(ctx, 2025)).rejects.toMatchObject({ kind: 'forbidden' });
    }
  });
});

describe('HTTP /reports/*', () => {
  function app(actor: Actor) {
    const a = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
    a.onError(errorHandler);
    a.use('*', async (c, next) => {
      c.set('actor', actor);
      c.set('requestId', 'req-1');
      await next();
    });
    mountReportRoutes(a, { reports });
    return a;
  }

  it('answers JSON by default, CSV as an ASCII-named attachment, HTML as a page', async () => {
    const a = app(auditor.actor);
    const json = await a.request('/reports/weekly-dispatch');
    expect(json.status).toBe(200);
    expect((await json.json()) as unknown).toMatchObject({ kind: 'weeklyDispatch' });

    const csv = await a.request('/reports/monthly-bulletin?month=2025-10&format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(
      'attachment; filename="monthly-bulletin-js-2025-10.csv"',
    );
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes)).toContain('按部门,1,nrp,省自然资源厅');

    const html = await a.request('/reports/annual-evaluation?year=2025&format=html');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toContain('2025年度第三方评估数据');
  });

  it('answers problems for bad input and for applicants', async () => {
    const bad = await app(auditor.actor).request('/reports/monthly-bulletin?month=2025-13');
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    const forbidden = await app(applicant().actor).request('/reports/weekly-dispatch?format=csv');
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toMatch(/problem\+json/);
  });
});
