import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiAs,
  type ConsoleServer,
  checkPage,
  expectNoConsoleErrors,
  launchBrowser,
  openPage,
  signInAs,
  startConsoleServer,
} from './support.js';

/**
 * 监督 and 审计 in the console: the supervisor decides admissions, reads the dispatch list and the
 * reports, handles complaints, runs the yearly review and verifies audit trails; the auditor reads
 * the same pages with no way to change anything.
 */

let server: ConsoleServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startConsoleServer('JS'), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const shanghaiDay = (offsetDays = 0) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
    new Date(Date.now() + offsetDays * 86_400_000),
  );

async function go(page: Page, hash: string) {
  // a new hash is the same document: the old page stays until the router has rendered the new one,
  // so its nodes are marked and the wait is for them to be gone, not for any page title
  // (the page already there is loaded afresh, as its data may have changed since)
  const url = `${server.server.url}/#${hash}`;
  await page.locator('main > *').evaluateAll((els) => {
    for (const e of els) e.setAttribute('data-left', '');
  });
  if (page.url() === url) await page.reload();
  else await page.goto(url);
  await expect.poll(() => page.locator('main > [data-left]').count()).toBe(0);
  await page.locator('main .page-title').first().waitFor();
  // the page's own loading state is gone once its data is there
  await expect.poll(() => page.locator('.page-state[aria-busy="true"]').count()).toBe(0);
}

async function api(user: string, method: string, path: string, body?: unknown) {
  const res = await apiAs(server, user, method, path, body);
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return res.body as Record<string, unknown>;
}

describe('the leader in charge (分管领导)', () => {
  it('signs in, sees the overdue case escalated to 分管领导 in 周调度 and in the notices, and cannot act', async () => {
    const w = await openPage(browser);
    await signInAs(w.page, server.server.url, 'js-leader-1');
    await expect.poll(() => w.page.locator('nav .active').textContent()).toContain('工作台');
    await go(w.page, '/reports/weekly-dispatch');
    const dispatchRow = w.page.locator('.report-table tbody tr').filter({ hasText: '防洪堤应急加固工程' });
    const fifth = dispatchRow.first().locator('.escalation').filter({ hasText: '第 5 级' });
    await expect.poll(() => fifth.count()).toBeGreaterThan(0);
    expect(await fifth.first().textContent()).toContain('已告知分管领导');
    // level 3 names both the first receiver and the stage's lead department
    const third = dispatchRow.first().locator('.escalation').filter({ hasText: '第 3 级' });
    expect(await third.first().textContent()).toContain('阶段牵头部门');
    await checkPage(w.page, 'leader-weekly-dispatch');

    await go(w.page, '/notifications');
    // the demo has more overdue projects (一张图); this one's notice is among them
    const notice = w.page
      .locator('.notice')
      .filter({ hasText: '第5级·分管领导' })
      .filter({ hasText: '防洪堤应急加固工程' });
    await expect.poll(() => notice.count()).toBeGreaterThan(0);
    await checkPage(w.page, 'leader-notifications');
    // read-only: the sweep is not theirs to run
    expect((await apiAs(server, 'js-leader-1', 'POST', '/sweeps')).status).toBe(403);
    expectNoConsoleErrors(w);
    await w.close();
  });
});

describe('the supervisor (专项工作组)', () => {
  it('admits the pending project with a priority and reasons; the status changes', async () => {
    const w = await openPage(browser);
    await signInAs(w.page, server.server.url, 'js-supervisor-1');
    await go(w.page, '/supervision/projects');
    const card = w.page.locator('.pending-card').filter({ hasText: '新能源产业园配套电网工程' });
    await card.waitFor();
    await expect.poll(() => card.locator('.reasons li').count()).toBeGreaterThan(0);
    await checkPage(w.page, 'supervisor-projects');

    await card.getByRole('button', { name: '作出准入决定' }).click();
    const dialog = w.page.getByRole('dialog', { name: '准入决定' });
    await dialog.waitFor();
    await dialog.locator('#admission-priority').fill('2');
    await dialog.locator('#admission-reasons').fill('省级重点能源保障项目，符合准入条件，按“三个优先”纳入');
    await dialog.getByRole('button', { name: '确认决定' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const row = w.page.locator('.el-table__row').filter({ hasText: '新能源产业园配套电网工程' });
    await expect.poll(() => row.locator('.admission').textContent()).toBe('已纳入绿色通道');
    await expect.poll(() => row.textContent()).toContain('省级重点能源保障项目');
    expect(await w.page.locator('.pending-card').count()).toBe(0);
    expectNoConsoleErrors(w);
    await w.close();
  });

  it("finds this week's 周调度 and the last 月通报 in the notices, sent by themselves, and opens them", async () => {
    const w = await openPage(browser);
    await signInAs(w.page, server.server.url, 'js-supervisor-1');
    await go(w.page, '/notifications');
    const weekly = w.page.locator('.notice').filter({ hasText: '周调度清单' }).first();
    await expect.poll(() => weekly.textContent()).toMatch(/红灯（逾期）\d+ 项/);
    const monthly = w.page.locator('.notice').filter({ hasText: '月通报（' }).first();
    await expect.poll(() => monthly.textContent()).toContain('按时办结率');
    await checkPage(w.page, 'supervisor-scheduled-reports');
    await monthly.locator('[data-report-link]').click();
    await w.page.waitForURL(/#\/reports\/monthly-bulletin\?month=\d{4}-\d{2}/);
    await go(w.page, '/notifications');
    await weekly.locator('[data-report-link]').click();
    await w.page.waitForURL(/#\/reports\/weekly-dispatch/);
    await expect.poll(() => w.page.locator('.report-table tbody tr').count()).toBeGreaterThan(0);
    expectNoConsoleErrors(w);
    await w.close();
  });

  it('lists every case with its lamp, and sees the overdue item with its escalation records in 周调度', async () => {
    const w = await openPage(browser);
    await signInAs(w.page, server.server.url, 'js-supervisor-1');
    await go(w.page, '/supervision/cases');
    const overdue = w.page.locator('.el-table__row').filter({ hasText: '防洪堤应急加固工程' });
    await expect.poll(() => overdue.locator('[data-lamp]').getAttribute('data-lamp')).toBe('red');
    await expect.poll(() => overdue.textContent()).toContain('红灯·逾期');
    await checkPage(w.page, 'supervisor-cases');

    await go(w.page, '/reports/weekly-dispatch');
    const dispatchRow = w.page.locator('.report-table tbody tr').filter({ hasText: '防洪堤应急加固工程' });
    await expect.poll(() => dispatchRow.first().textContent()).toContain('红灯·逾期');
    await expect.poll(() => dispatchRow.first().locator('.escalation').count()).toBeGreaterThan(0);
    expect(await dispatchRow.first().locator('.escalation').first().textContent()).toContain('第 1 级');
    await checkPage(w.page, 'supervisor-weekly-dispatch');

    const [download] = await Promise.all([
      w.page.waitForEvent('download'),
      w.page.getByRole('button', { name: '下载 CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    expect(csv.split('\r\n')[0]).toContain('灯色,办件编号,项目代码,项目名称');
    expect(csv).toContain('防洪堤应急加固工程');
    // the token travels in a header only
    expect(w.page.url()).not.toContain(server.server.tokens['js-supervisor-1']!.token);
    expectNoConsoleErrors(w);
    await w.close();
  });

  it('opens 月通报 for the seeded month and 年度评估 for the year', async () => {
    const w = await openPage(browser);
    await signInAs(w.page, server.server.url, 'js-supervisor-1');
    const month = shanghaiDay(-45).slice(0, 7);
    await go(w.page, `/reports/monthly-bulletin?month=${month}`);
    await expect
      .poll(() => w.page.locator('.page-title').textContent())
      .toBe(`月通报 · ${month.slice(0, 4)}年${Number(month.slice(5))}月`);
    await expect.poll(() => w.page.locator('[data-section="dept"] tbody tr').count()).toBeGreaterThan(0);
    await expect.poll(() => w.page.locator('[data-section="dept"]').textContent()).toMatch(/\d+\.\d%/);
    await checkPage(w.page, 'supervisor-monthly-bulletin');

    const year = shanghaiDay().slice(0, 4);
    await go(w.page, `/reports/annual-evaluation?year=${year}`);
    await expect.poll(() => w.page.locator('.page-title').textContent()).toBe(`年度评估 · ${year}年`);
    await expect
      .poll(() => w.page.locator('[data-section="timeliness"]').textContent())
      .toContain('按时办结率');
    await expect.poll(() => w.page.locator('[data-section="audit"]').textContent()).toContain('全部校验通过');
    await checkPage(w.page, 'supervisor-annual-evaluation');
    expectNoConsoleErrors(w);
    await w.close();
  });

  it('records handling of a complaint and closes it with a resolution', async () => {
    const own = (await api('js-applicant-1', 'GET', '/cases?limit=5')) as { items: { id: string }[] };
    const caseId = own.items[0]!.id;
    await api('js-applicant-1', 'POST', `/cases/${caseId}/complaints`, {
      textZh: '补正要求前后不一致，希望明确一次性告知的材料清单',
    });

    const w = await openPage(browser);
    await signInAs(w.page, server.server.url, 'js-supervisor-1');
    await go(w.page, '/supervision/complaints');
    const item = w.page.locator('.complaint').filter({ hasText: '补正要求前后不一致' });
    await expect.poll(() => item.locator('.status').textContent()).toBe('待办理');
    await checkPage(w.page, 'supervisor-complaints');

    await item.getByRole('button', { name: '记录办理' }).click();
    let dialog = w.page.getByRole('dialog', { name: '记录办理意见' });
    await dialog.locator('#complaint-text').fill('已约谈窗口负责人，核对补正清单');
    await dialog.getByRole('button', { name: '确定' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => item.locator('.status').textContent()).toBe('办理中');
    await expect.poll(() => item.locator('.handling').textContent()).toContain('已约谈窗口负责人');

    await item.getByRole('button', { name: '办结' }).click();
    dialog = w.page.getByRole('dialog', { name: '投诉办结' });
    await dialog.locator('#complaint-text').fill('已向申请单位出具完整材料清单，申请单位表示认可');
    await dialog.getByRole('button', { name: '确定' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => item.locator('.status').textContent()).toBe('已办结');
    await expect.poll(() => item.locator('.resolution').textContent()).toContain('申请单位表示认可');
    expect(await item.getByRole('button', { name: '办结' }).count()).toBe(0);
    expectNoConsoleErrors(w);
    await w.close();
  });

  it('runs the yearly exit review and verifies a case audit trail', async () => {
    const w = await openPage(browser);
    await signInAs(w.page, server.server.url, 'js-supervisor-1');
    await go(w.page, '/supervision/exit-reviews');
    await checkPage(w.page, 'supervisor-exit-reviews');
    await w.page.getByRole('button', { name: '运行年度复核' }).click();
    const result = w.page.locator('[data-section="run-result"]');
    await result.waitFor();
    const lastYear = Number(shanghaiDay().slice(0, 4)) - 1;
    await expect.poll(() => result.textContent()).toContain(`${lastYear}年度复核结果`);
    await expect.poll(() => result.textContent()).toContain('提出退出建议');

    await go(w.page, '/audit');
    await w.page.getByRole('combobox', { name: '选择办件' }).click();
    await w.page
      .locator('.el-select-dropdown__item')
      .filter({ hasText: '防洪堤应急加固工程' })
      .first()
      .click();
    await w.page.getByRole('button', { name: '校验', exact: true }).click();
    const verdict = w.page.locator('[data-section="verification"]');
    await expect.poll(() => verdict.locator('[data-valid]').textContent()).toContain('校验通过');
    await expect.poll(() => verdict.locator('.el-table__row').count()).toBeGreaterThan(2);
    await expect.poll(() => verdict.textContent()).not.toContain('✗ 断开');
    await checkPage(w.page, 'supervisor-audit-verification');

    await w.page.getByRole('button', { name: /逐一校验全部办件/ }).click();
    // every demo case, one after the other: the richer demo (一张图) takes longer than the default poll
    await expect
      .poll(() => w.page.locator('[data-section="batch"]').textContent(), { timeout: 30_000 })
      .toContain('全部校验通过');

    // 审计检查点: a sweep signs the heads; the page lists the checkpoint and checks the store against it
    await api('js-supervisor-1', 'POST', '/sweeps');
    await go(w.page, '/audit');
    const checkpoints = w.page.locator('[data-section="checkpoints"]');
    await expect.poll(() => checkpoints.textContent()).toContain('✓ 签名有效');
    await checkpoints.getByRole('button', { name: '按此检查点校验' }).first().click();
    await expect
      .poll(() => checkpoints.locator('[data-checkpoint-result]').textContent())
      .toContain('校验通过');
    await checkpoints.locator('[data-partner-checkpoints]').waitFor();
    await checkPage(w.page, 'supervisor-audit-checkpoints');
    expectNoConsoleErrors(w);
    await w.close();
  });
});

describe('the auditor (第三方评估机构)', () => {
  it('reads the lists and reports with no decision controls, and opens audit verification', async () => {
    const w = await openPage(browser);
    await signInAs(w.page, server.server.url, 'js-auditor-1');

    await go(w.page, '/supervision/cases');
    await expect.poll(() => w.page.locator('.el-table__row').count()).toBeGreaterThan(0);
    await checkPage(w.page, 'auditor-cases');

    await go(w.page, '/supervision/projects');
    await expect.poll(() => w.page.locator('.page-title').textContent()).toBe('项目总览');
    await expect.poll(() => w.page.locator('.el-table__row').count()).toBeGreaterThan(0);
    expect(await w.page.getByRole('button', { name: '作出准入决定' }).count()).toBe(0);
    await checkPage(w.page, 'auditor-projects');

    await go(w.page, '/supervision/complaints');
    await expect.poll(() => w.page.locator('.complaint').count()).toBeGreaterThan(0);
    expect(await w.page.getByRole('button', { name: '记录办理' }).count()).toBe(0);
    expect(await w.page.getByRole('button', { name: '办结' }).count()).toBe(0);
    await checkPage(w.page, 'auditor-complaints');

    await go(w.page, '/reports/weekly-dispatch');
    await expect.poll(() => w.page.locator('.report-table tbody tr').count()).toBeGreaterThan(0);
    await checkPage(w.page, 'auditor-weekly-dispatch');

    await go(w.page, `/reports/monthly-bulletin?month=${shanghaiDay(-45).slice(0, 7)}`);
    await checkPage(w.page, 'auditor-monthly-bulletin');

    await go(w.page, '/reports/annual-evaluation');
    await expect
      .poll(() => w.page.locator('[data-section="integrity"]').textContent())
      .toContain('非工作时间');
    await checkPage(w.page, 'auditor-annual-evaluation');

    // the exit review is the supervisor's: the auditor is sent to their own first page
    await w.page.goto(`${server.server.url}/#/supervision/exit-reviews`);
    await w.page.waitForURL((url) => !url.hash.includes('exit-reviews'));

    await go(w.page, '/audit');
    await w.page.getByRole('radio', { name: '项目' }).check({ force: true });
    await w.page.getByRole('combobox', { name: '选择项目' }).click();
    await w.page.locator('.el-select-dropdown__item').first().click();
    // the list of projects scrolls now; measured while fading out it reads as a scroll region
    await w.page.locator('.el-select-dropdown').first().waitFor({ state: 'hidden' });
    await w.page.getByRole('button', { name: '校验', exact: true }).click();
    await expect
      .poll(() => w.page.locator('[data-section="verification"] [data-valid]').textContent())
      .toContain('校验通过');
    await checkPage(w.page, 'auditor-audit-verification');
    expectNoConsoleErrors(w);
    await w.close();
  });
});
