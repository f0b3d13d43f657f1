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
 * 全流程审批时间 in the console: the applicant of the seeded project under review sees its budget
 * (used and left in 工作日, with the lamp) on the project, and the stage deadline on the case.
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

// the seed's first project: stage 1 accepted yesterday (functions/local/seed.ts)
const SEEDED = '2026-320000-48-01-000101';

describe('the project budget in the console', () => {
  it('the applicant sees the budget bar with used and left working days, and the stage deadline', async () => {
    const w = await openPage(browser);
    const { page } = w;
    await signInAs(page, server.server.url, 'js-applicant-1');
    await page.goto(`${server.server.url}/#/applicant/projects/${SEEDED}`);
    const budget = page.locator('[data-testid="project-budget"]');
    await expect.poll(() => budget.innerText()).toContain('全流程审批时间');
    const text = await budget.innerText();
    expect(text).toContain('120 个工作日');
    expect(text).toMatch(/已用 \d+ 个工作日，剩余 \d+ 个工作日/);
    const used = Number(await page.locator('[data-testid="budget-used"]').innerText());
    const left = Number(await page.locator('[data-testid="budget-left"]').innerText());
    expect(used + left).toBe(120);
    expect(await budget.locator('[data-lamp]').getAttribute('data-lamp')).toBe('green');
    await checkPage(page, 'applicant-project-budget');

    await page.locator('.stage-cases a').first().click();
    await page.waitForURL(/#\/cases\//);
    const stageClock = page.locator('[data-testid="stage-clock"]');
    await expect.poll(() => stageClock.innerText()).toContain('阶段办结期限（承诺 30 个工作日）');
    expect(await page.locator('[data-testid="case-project-budget"]').innerText()).toContain(
      `已用 ${used} / 120 个工作日`,
    );
    await checkPage(page, 'case-stage-clock');
    expectNoConsoleErrors(w);
    await w.close();
  });

  it("the demo project shows the law's whole clock: budget, 视为受理, an extension and a 告知承诺 item", async () => {
    const w = await openPage(browser);
    const { page } = w;
    await signInAs(page, server.server.url, 'js-applicant-1');
    await page.goto(`${server.server.url}/#/applicant/projects/2026-320000-48-01-000192`);
    await expect
      .poll(() => page.locator('[data-testid="project-budget"]').innerText())
      .toContain('全流程审批时间');
    await page.locator('.stage-cases a').first().click();
    await page.waitForURL(/#\/cases\//);
    await expect.poll(() => page.getByTestId('case-deemed').innerText()).toContain('视为受理');
    expect(await page.getByTestId('case-project-budget').innerText()).toMatch(/已用 \d+ \/ 120 个工作日/);
    await expect.poll(() => page.getByTestId('extension-delivery').innerText()).toContain('审查期限已延长');
    await expect.poll(() => page.getByTestId('pledge-panel').innerText()).toContain('事后核查');
    await checkPage(page, 'demo-whole-clock');
    expectNoConsoleErrors(w);
    await w.close();
  });
});
