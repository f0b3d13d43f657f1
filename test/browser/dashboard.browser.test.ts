import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleServer,
  checkPage,
  expectNoConsoleErrors,
  launchBrowser,
  openPage,
  signInAs,
  startConsoleServer,
} from './support.js';

/**
 * 工作台 in the console: the supervisor signs in and lands on it, reads the lamps by department, the
 * counts, this week's dispatch rows and this month's bulletin chart against the API's own figures,
 * downloads a table as CSV, and follows the links into 一张图 and 风险预警.
 */

let server: ConsoleServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startConsoleServer('JS'), launchBrowser()]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('工作台', () => {
  it('the supervisor lands on it, sees every section, downloads a CSV and follows the links', async () => {
    const w = await openPage(browser);
    const { page } = w;
    await signInAs(page, server.server.url, 'js-supervisor-1');
    await page.waitForURL(/#\/dashboard$/);
    await expect.poll(() => page.locator('nav .active').textContent()).toContain('工作台');

    const res = await fetch(`${server.server.url}/reports/dashboard`, {
      headers: { authorization: `Bearer ${server.server.tokens['js-supervisor-1']!.token}` },
    });
    expect(res.status).toBe(200);
    const api = (await res.json()) as {
      counts: Record<string, number>;
      departments: { department: string; red: number; open: number }[];
      dispatch: { total: number; rows: { caseId: string }[] };
      bulletin: { rows: { department: string; decidedItems: number }[] };
      projects: { red: number };
    };

    // lamps by department: the table's numbers are the API's, and the stacked chart is drawn
    const lamps = page.locator('table[data-section="lamps"]');
    await lamps.waitFor();
    const busiest = [...api.departments].sort((a, b) => b.open - a.open)[0]!;
    expect(busiest.open).toBeGreaterThan(0);
    const row = lamps.locator(`tr[data-department="${busiest.department}"] td`);
    expect(await row.nth(3).innerText()).toBe(String(busiest.open));
    expect(await page.locator('svg[data-chart="lamps"] rect').count()).toBeGreaterThan(0);

    // the counts
    expect(await page.locator('[data-figure="overdue"]').innerText()).toBe(String(api.counts.overdueItems));
    expect(await page.locator('[data-figure="forecast-late"]').innerText()).toBe(
      String(api.counts.forecastLate),
    );

    // this week's dispatch rows, most urgent first, with the way to the full list
    expect(api.dispatch.total).toBeGreaterThan(0);
    const dispatch = page.locator('table[data-section="dispatch"] tbody tr');
    expect(await dispatch.count()).toBe(api.dispatch.rows.length);
    expect(await dispatch.first().getAttribute('data-case')).toBe(api.dispatch.rows[0]!.caseId);

    // this month's bulletin: a bar per department that decided something, the numbers in the table
    const decided = api.bulletin.rows.filter((r) => r.decidedItems > 0).length;
    expect(await page.locator('svg[data-chart="bulletin"] .bar-rate').count()).toBe(decided);
    expect(await page.locator('table[data-section="bulletin"] tbody tr').count()).toBe(
      api.bulletin.rows.length,
    );
    await checkPage(page, 'dashboard-supervisor');

    // a table as CSV
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('table[data-section="lamps"]').locator('xpath=preceding::button[1]').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^dashboard-lamps-JS-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    expect(csv.split('\r\n')[0]).toBe('部门,红灯（逾期）,黄灯（预警）,绿灯,未决事项合计,其中计时暂停');
    expect(csv.split('\r\n').length).toBeGreaterThan(api.departments.length);

    // into 一张图
    await page.locator('[data-link="map"]').click();
    await page.waitForURL(/#\/map$/);
    await page.locator('main .page-title').filter({ hasText: '一张图' }).first().waitFor();
    await checkPage(page, 'dashboard-map');

    // the red projects' count opens the map filtered to them: as many rows as the dashboard counted
    await page.goBack();
    await page.waitForURL(/#\/dashboard$/);
    await page.locator('[data-link="map-red"]').click();
    await page.waitForURL(/#\/map\?lamp=red$/);
    await expect.poll(() => page.locator('[data-row]').count()).toBe(api.projects.red);
    expect(await page.locator('[data-filter="lamp"]').inputValue()).toBe('red');

    // back, and into 风险预警
    await page.goBack();
    await page.waitForURL(/#\/dashboard$/);
    await page.locator('[data-link="early-warning"]').click();
    await page.waitForURL(/#\/reports\/forecast$/);
    await expect
      .poll(() => page.locator('[data-figure="forecast-late"]').innerText())
      .toBe(String(api.counts.forecastLate));
    await checkPage(page, 'dashboard-early-warning');

    // and to the full dispatch list
    await page.goBack();
    await page.locator('[data-link="weekly-dispatch"]').click();
    await page.waitForURL(/#\/reports\/weekly-dispatch$/);
    await page.locator('.report-table').first().waitFor();
    await checkPage(page, 'dashboard-weekly-dispatch');
    expectNoConsoleErrors(w);
    await w.close();
  }, 120_000);

  it('the leader lands on it too', async () => {
    const w = await openPage(browser);
    await signInAs(w.page, server.server.url, 'js-leader-1');
    await w.page.waitForURL(/#\/dashboard$/);
    await w.page.locator('table[data-section="lamps"]').waitFor();
    await checkPage(w.page, 'dashboard-leader');
    expectNoConsoleErrors(w);
    await w.close();
  }, 60_000);
});
