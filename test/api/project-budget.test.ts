import { afterEach, describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../shared/domain/calendar.js';
import { ApiClient, actors, nextProjectCode, projectBody } from '../support/api-client.js';
import {
  admittedProject,
  applicant,
  ORG_B,
  stageMaterials,
  supervisor,
  windowOfficer,
} from '../support/province-harness.js';

/** 全流程审批时间 over HTTP: the budget in a case's progress, the project's budget, the weekly dispatch. */
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
const cal = WorkingCalendar.fromChineseDays();

/** Submits and accepts stage 1 of the project on the harness's current day. */
async function acceptedStage1(c: ApiClient, projectId: string) {
  const submitted = await c.h.services.cases.submit(applicant(), {
    projectId,
    stage: 'projectApproval',
    materials: stageMaterials(c.h.province, 'projectApproval'),
  });
  await c.h.services.cases.actOnAcceptance(windowOfficer, submitted.value.id, submitted.version, {
    outcome: 'accept',
  });
  return submitted.value.id;
}

describe('project budget over HTTP (国办发〔2019〕11号: 全流程审批时间压缩至120个工作日以内)', () => {
  it('progress shows the stage deadline and lamp and the project budget used and left', async () => {
    const c = await client();
    const projectId = await admittedProject(c.h);
    const caseId = await acceptedStage1(c, projectId); // accepted 2026-03-02
    c.h.clock.setDate('2026-03-13');
    const used = cal.workingDaysBetween('2026-03-02', '2026-03-13');

    const res = await c.get(actors.applicantA, `/cases/${caseId}/progress`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.progress.stageClock).toMatchObject({
      stage: 'projectApproval',
      promisedDays: 30,
      usedDays: used,
      remainingDays: 30 - used,
      deadline: cal.addWorkingDays('2026-03-02', 30).date,
      lamp: 'green',
    });
    expect(res.body.progress.projectBudget).toMatchObject({
      projectId,
      flowClass: 'standard',
      budgetDays: 120,
      usedDays: used,
      leftDays: 120 - used,
      overrunDays: 0,
      lamp: 'green',
    });

    const budget = await c.get(actors.applicantA, `/projects/${projectId}/budget`);
    expect(budget.status, budget.text).toBe(200);
    expect(budget.body).toMatchObject({ budgetDays: 120, usedDays: used, stages: [{ caseId }] });
    // another organisation may not read it
    const other = await c.get(
      { id: 'app-b', name: '经办人', role: 'applicant', creditCode: ORG_B.creditCode },
      `/projects/${projectId}/budget`,
    );
    expect(other.status).toBe(403);
    expect((await c.get(actors.applicantA, '/projects/2026-320000-48-01-999999/budget')).status).toBe(404);
  });

  it('a simple project over its 90 days is red with the overrun, and the weekly dispatch lists it', async () => {
    const c = await client();
    const code = nextProjectCode();
    const reg = await c.post(actors.applicantA, '/projects', projectBody(code, { flowClass: 'simple' }));
    expect(reg.status, reg.text).toBe(201);
    expect(reg.body.flowClass).toBe('simple');
    const applied = await c.h.services.projects.applyAdmission(applicant(), code, reg.body.version);
    await c.h.services.projects.decideAdmission(supervisor, code, applied.version, {
      admit: true,
      reasons: '符合准入条件',
    });
    const caseId = await acceptedStage1(c, code);
    c.h.clock.setDate('2026-08-31');
    const used = cal.workingDaysBetween('2026-03-02', '2026-08-31');
    expect(used).toBeGreaterThan(90);

    const res = await c.get(actors.applicantA, `/cases/${caseId}/progress`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.progress.projectBudget).toMatchObject({
      flowClass: 'simple',
      budgetDays: 90,
      usedDays: used,
      leftDays: 0,
      overrunDays: used - 90,
      lamp: 'red',
    });
    expect(res.body.progress.stageClock).toMatchObject({ lamp: 'red', remainingDays: 30 - used });

    const weekly = await c.get(actors.supervisor, '/reports/weekly-dispatch');
    expect(weekly.status, weekly.text).toBe(200);
    expect(weekly.body.projects).toEqual([
      expect.objectContaining({ projectId: code, lamp: 'red', overrunDays: used - 90 }),
    ]);
    const html = await c.get(actors.supervisor, '/reports/weekly-dispatch?format=html');
    expect(html.text).toContain('全流程审批时间超出或临近预算的项目');
  });

  it('refuses a flow class the law does not know, and stores nothing', async () => {
    const c = await client();
    const code = nextProjectCode();
    const res = await c.post(actors.applicantA, '/projects', projectBody(code, { flowClass: 'express' }));
    expect(res.status).toBe(400);
    expect(await c.h.store.get('project', code)).toBeUndefined();
  });
});
