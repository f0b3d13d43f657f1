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
 * 卡点分析 and 风险预警 in the console: the supervisor reads the headline figures, the heatmap, the
 * breakdown and the trend; then the items forecast late (a green one among them, from the seed's
 * closed history in functions/local/seed-analytics.ts) and the back-test's accuracy; and downloads
 * a table as CSV.
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

describe('卡点分析 and 风险预警', () => {
  it('the supervisor sees the figures and the heatmap, and downloads the headline as CSV', async () => {
    const w = await openPage(browser);
    const { page } = w;
    await signInAs(page, server.server.url, 'js-supervisor-1');
    await page.getByRole('link', { name: '卡点分析' }).click();
    await page.waitForURL(/#\/reports\/analytics/);
    const headline = page.locator('table[data-section="headline"]');
    await expect.poll(() => headline.innerText()).toContain('累计至今');
    const toDate = await headline.locator('tr[data-period="toDate"]').innerText();
    // projects, items, saved days, compression: numbers, not dashes
    expect(toDate).toMatch(/累计至今\s+\d+\s+\d+（\d+）\s+\d+（/);
    expect(toDate).toMatch(/\d+\.\d%/);
    expect(await page.locator('table[data-section="heatmap-month"] td.heat-over').count()).toBeGreaterThan(0);
    expect(await page.locator('table[data-section="departments"]').innerText()).toContain('省自然资源厅');
    expect(await page.locator('svg.trend path').count()).toBe(2);
    await checkPage(page, 'analytics-bottlenecks');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载 CSV' }).first().click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^headline-figures-JS\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    expect(csv.split('\r\n')[0]).toContain('期间,纳入项目数');
    expect(csv).toContain('累计至今');
    expectNoConsoleErrors(w);
    await w.close();
  });

  it('the supervisor sees a green item forecast late with its reason, and the back-test accuracy', async () => {
    const w = await openPage(browser);
    const { page } = w;
    await signInAs(page, server.server.url, 'js-supervisor-1');
    await page.getByRole('link', { name: '风险预警' }).click();
    await page.waitForURL(/#\/reports\/forecast/);
    const table = page.locator('table[data-section="forecast"]');
    await expect.poll(() => table.innerText()).toContain('预计逾期');
    const late = table.locator('tr[data-late="true"]', { hasText: '绿灯' }).first();
    expect(await late.innerText()).toMatch(/同类事项近 \d+ 件中/);
    expect(await page.locator('[data-figure="accuracy"]').innerText()).toMatch(/^\d+\.\d%$/);
    await checkPage(page, 'analytics-early-warning');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载 CSV' }).last().click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^forecast-backtest-JS-.*\.csv$/);
    expect(readFileSync((await download.path())!, 'utf8')).toContain('准确率');

    // the weekly dispatch lists it too, before its lamp turns yellow
    await page.getByRole('link', { name: '周调度' }).click();
    await page.waitForURL(/#\/reports\/weekly-dispatch/);
    const section = page.locator('table[data-section="forecast-late"]');
    await expect.poll(() => section.innerText()).toContain('同类事项近');
    await checkPage(page, 'weekly-dispatch-forecast-late');
    expectNoConsoleErrors(w);
    await w.close();
  });
});
