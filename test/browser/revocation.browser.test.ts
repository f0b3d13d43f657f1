import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiAs,
  type ConsoleServer,
  checkPage,
  closeToasts,
  expectNoConsoleErrors,
  launchBrowser,
  openPage,
  signInAs,
  startConsoleServer,
} from './support.js';

/**
 * 撤销 travels: 江苏's supervisor revokes an approval of the seeded cross-province expressway in the
 * console; in 浙江 the recognised item goes back to review and the owner sees why, in its own console.
 */

const PROJECT = '2026-320000-48-01-000200';

let server: ConsoleServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startConsoleServer('JS,ZJ'), launchBrowser()]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

interface CaseItem {
  code: string;
  status: string;
  decision?: { recognition?: { itemCode: string; caseId: string } };
}
interface StageCase {
  id: string;
  projectCode: string;
  items: CaseItem[];
}

/** 浙江 through its own API: the owner's case of the shared project. */
async function zjCase(): Promise<StageCase | undefined> {
  const zj: ConsoleServer = {
    ...server,
    server: { ...server.server, url: server.server.urls.ZJ!, tokens: server.server.tokensOf('ZJ') },
  };
  const res = await apiAs(zj, 'zj-applicant-4', 'GET', '/cases?limit=50');
  return (res.body.items as StageCase[]).find((c) => c.projectCode === PROJECT);
}

describe('a revocation in 江苏 reaches 浙江', () => {
  it('withdraws 浙江 recognition: the item is back in review, with 江苏 reason shown to the owner', async () => {
    // 浙江 recognised 江苏's results of the seeded project (the relay delivers within a moment)
    let recognised: CaseItem | undefined;
    await expect
      .poll(
        async () => {
          recognised = (await zjCase())?.items.find((i) => i.status === 'recognised');
          return recognised !== undefined;
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    const origin = recognised!.decision!.recognition!;

    // 江苏's supervisor revokes the approval behind it, in the console
    const js = await openPage(browser);
    await signInAs(js.page, server.server.url, 'js-supervisor-1');
    await js.page.goto(`${server.server.url}/#/cases/${origin.caseId}`);
    await js.page.locator(`[data-revoke="${origin.itemCode}"]`).click();
    const dialog = js.page.getByRole('dialog');
    await dialog.locator('textarea').fill('用地预审意见所依据的规划已调整，原批准决定依法撤销');
    await dialog.getByRole('button', { name: '确认撤销' }).click();
    const row = js.page.locator(`[data-item="${origin.itemCode}"]`);
    await expect.poll(() => row.locator('[data-revocation]').textContent()).toContain('审批决定已撤销');
    expect(await js.page.locator(`[data-revoke="${origin.itemCode}"]`).count()).toBe(0);
    await closeToasts(js.page);
    await checkPage(js.page, 'revocation-origin');
    expectNoConsoleErrors(js);
    await js.close();

    // 浙江: the owner's case shows the item back in review, with who revoked it and why
    await expect
      .poll(async () => (await zjCase())?.items.find((i) => i.code === recognised!.code)?.status, {
        timeout: 30_000,
      })
      .toBe('inReview');
    const zjCaseId = (await zjCase())!.id;
    const zj = await openPage(browser);
    await signInAs(zj.page, server.server.urls.ZJ!, 'zj-applicant-4');
    await zj.page.goto(`${server.server.urls.ZJ}/#/cases/${zjCaseId}`);
    const zjRow = zj.page.locator(`[data-item="${recognised!.code}"]`);
    await expect
      .poll(() => zjRow.locator('[data-revocation]').textContent())
      .toContain('江苏省已撤销原审批结果');
    expect(await zjRow.locator('[data-revocation]').textContent()).toContain('原批准决定依法撤销');
    expect(await zjRow.textContent()).toContain('审查中');
    await checkPage(zj.page, 'revocation-partner');
    expectNoConsoleErrors(zj);
    await zj.close();
  });
});
