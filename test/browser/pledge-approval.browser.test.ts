import type { Browser } from 'playwright-core';
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
 * 告知承诺 in the console (国办发〔2020〕42号): the applicant reads and signs the commitment for an
 * eligible item and sees the 事后核查 with its due date; the item's department records a failed
 * check; the supervisor sees the exit proposal for abuse among the exit proposals.
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

// functions/local/seed-pledge-approval.ts: 环评报告表 approved on commitment, 水土保持 left to sign
const SEEDED = '2026-320000-48-01-000192';

async function seededCaseId(): Promise<string> {
  const cases = await apiAs(server, 'js-applicant-1', 'GET', '/cases?limit=100');
  const found = cases.body.items.find((c: { projectId: string }) => c.projectId === SEEDED);
  return (found.value ?? found).id;
}

describe('告知承诺 in the console', () => {
  it('the applicant signs, the department records a failed check, the supervisor sees the abuse proposal', async () => {
    const caseId = await seededCaseId();
    const w = await openPage(browser);
    const { page } = w;
    await signInAs(page, server.server.url, 'js-applicant-1');
    await page.goto(`${server.server.url}/#/cases/${caseId}`);
    const panel = page.locator('[data-testid="pledge-panel"]');
    await expect.poll(() => panel.innerText()).toContain('建设项目环境影响报告表审批');
    expect(await panel.innerText()).toContain('待核查');
    await panel.locator('[data-item="soilWaterConservationApproval"] button').click();
    const text = page.locator('[data-testid="pledge-text"]');
    await expect.poll(() => text.innerText()).toContain('告知承诺书（生产建设项目水土保持方案审批）');
    expect(await text.innerText()).toContain('依法撤销批准决定');
    await checkPage(page, 'pledge-sign-dialog');
    await page.locator('[data-testid="pledge-agree"]').click();
    await page.getByRole('button', { name: '签署并批准' }).click();
    await expect.poll(() => page.locator('[data-testid="pledge-check-state"]').count()).toBe(2);
    await checkPage(page, 'pledge-case');
    expectNoConsoleErrors(w);
    await w.close();

    // 事后核查 by the item's department: not met, so the approval is revoked and credit marked
    const r = await openPage(browser);
    await signInAs(r.page, server.server.url, 'js-reviewer-eco');
    await r.page.goto(`${server.server.url}/#/cases/${caseId}`);
    const rPanel = r.page.locator('[data-testid="pledge-panel"]');
    await rPanel.getByRole('button', { name: '事后核查' }).click();
    await r.page.getByText('不通过（撤销批准、记入信用记录）').click();
    await r.page.locator('#pledge-check-reasons').fill('现场核查发现承诺的污染防治措施未落实');
    await r.page.getByRole('button', { name: '确定' }).click();
    await expect.poll(() => rPanel.innerText()).toContain('核查不通过（已撤销）');
    await checkPage(r.page, 'pledge-check-failed');
    expectNoConsoleErrors(r);
    await r.close();

    // a second false commitment reaches Jiangsu's threshold: exit is proposed for abuse
    const second = await apiAs(
      server,
      'js-reviewer-water',
      'POST',
      `/cases/${caseId}/items/soilWaterConservationApproval/pledge-check`,
      { outcome: 'failed', reasonsZh: '水土保持设施未按方案建设' },
    );
    expect(second.status).toBe(200);
    const s = await openPage(browser);
    await signInAs(s.page, server.server.url, 'js-supervisor-1');
    await s.page.goto(`${server.server.url}/#/supervision/exit-reviews`);
    const proposal = s.page.locator(`[data-project="${SEEDED}"]`);
    await expect.poll(() => proposal.innerText()).toContain('滥用');
    expect(await proposal.innerText()).toContain('驳回建议');
    await checkPage(s.page, 'pledge-abuse-proposal');
    expectNoConsoleErrors(s);
    await s.close();
  });
});
