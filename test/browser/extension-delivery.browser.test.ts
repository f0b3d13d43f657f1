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
 * 延长审查期限 (行政许可法第四十二条) and 送达 (第四十四条) in the console: the applicant of the seeded
 * project sees why and until when an item was extended and signs for a decision; a reviewer asks for
 * an extension and the department lead approves it; the window records a delivery.
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

// functions/local/seed-extension-delivery.ts: the second demo organisation's project
const SEEDED = '2026-320000-48-01-000191';
type CaseDoc = {
  id: string;
  projectId: string;
  projectCode: string;
  items: {
    code: string;
    department: string;
    decision?: unknown;
    extension?: { status: string; reasonZh: string };
  }[];
};

async function seededCase(): Promise<CaseDoc> {
  const list = await apiAs(server, 'js-applicant-2', 'GET', '/cases');
  const row = (list.body.items as CaseDoc[]).find((c) => c.projectCode === SEEDED || c.projectId === SEEDED)!;
  return (await apiAs(server, 'js-applicant-2', 'GET', `/cases/${row.id}`)).body as CaseDoc;
}

describe('extensions and delivery in the console', () => {
  it('the applicant sees the extension reason and new due date and signs for a decision (签收)', async () => {
    const c = await seededCase();
    const extended = c.items.find((i) => i.extension?.status === 'granted')!;
    const decided = c.items.find((i) => i.decision)!;
    const w = await openPage(browser);
    const { page } = w;
    await signInAs(page, server.server.url, 'js-applicant-2');
    await page.goto(`${server.server.url}/#/cases/${c.id}`);
    const panel = page.locator('[data-testid="extension-delivery"]');
    await expect.poll(() => panel.innerText()).toContain('审查期限已延长');
    expect(await panel.innerText()).toContain(extended.extension!.reasonZh);
    expect(await panel.locator('[data-testid="extension-due"]').innerText()).toMatch(
      /\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}/,
    );
    const row = panel.locator(`[data-delivery="${decided.code}"]`);
    expect(await row.innerText()).toContain('未送达');
    await checkPage(page, 'applicant-extension-delivery');
    await row.locator(`[data-sign="${decided.code}"]`).click();
    await expect.poll(() => row.innerText()).toContain('申请人已签收');
    expectNoConsoleErrors(w);
    await w.close();
  });

  it('a reviewer asks for an extension, the department lead approves it on the item page', async () => {
    const inbox = (await apiAs(server, 'js-reviewer-nrp', 'GET', '/inbox')).body.items as {
      caseId: string;
      item: { code: string; status: string; lamp: string };
    }[];
    let target: { caseId: string; code: string } | undefined;
    for (const r of inbox) {
      // an overdue item may no longer be extended (the page says so instead of offering it)
      if (r.item.status !== 'inReview' || r.item.lamp === 'red') continue;
      const doc = (await apiAs(server, 'js-reviewer-nrp', 'GET', `/cases/${r.caseId}`)).body as CaseDoc;
      if (!doc.items.find((i) => i.code === r.item.code)?.extension) {
        target = { caseId: r.caseId, code: r.item.code };
        break;
      }
    }
    expect(target).toBeDefined();
    const url = `${server.server.url}/#/review/cases/${target!.caseId}/items/${target!.code}`;

    const r = await openPage(browser);
    await signInAs(r.page, server.server.url, 'js-reviewer-nrp');
    await r.page.goto(url);
    const ask = r.page.locator('[data-testid="extension-ask"]');
    await ask.waitFor();
    await ask.getByLabel('延期理由').fill('需征求省生态环境厅意见');
    await ask.getByRole('button', { name: '申请延长审查期限' }).click();
    const state = r.page.locator('[data-testid="extension-state"]');
    await expect.poll(() => state.innerText()).toBe('待部门负责人审批');
    // the one who asked cannot approve it: no decision control for the reviewer
    expect(await r.page.locator('[data-testid="extension-decide"]').count()).toBe(0);
    await checkPage(r.page, 'reviewer-extension-requested');
    expectNoConsoleErrors(r);
    await r.close();

    const l = await openPage(browser);
    await signInAs(l.page, server.server.url, 'js-lead-nrp');
    await l.page.goto(url);
    const decide = l.page.locator('[data-testid="extension-decide"]');
    await decide.waitFor();
    await decide.getByRole('button', { name: '批准延期' }).click();
    const granted = l.page.locator('[data-testid="extension-granted"]');
    await expect.poll(() => granted.innerText()).toContain('新的到期日');
    await checkPage(l.page, 'lead-extension-granted');
    expectNoConsoleErrors(l);
    await l.close();
  });

  it('the window records the delivery of a decision', async () => {
    const c = await seededCase();
    const item = c.items.find((i) => !i.decision)!;
    const decided = await apiAs(
      server,
      `js-reviewer-${item.department}`,
      'POST',
      `/cases/${c.id}/items/${item.code}/decision`,
      {
        outcome: 'approve',
      },
    );
    expect(decided.status).toBe(200);
    const w = await openPage(browser);
    await signInAs(w.page, server.server.url, 'js-window-1');
    await w.page.goto(`${server.server.url}/#/cases/${c.id}`);
    const row = w.page.locator(`[data-delivery="${item.code}"]`);
    await row.waitFor();
    await row.locator(`[data-record="${item.code}"]`).click();
    await expect.poll(() => row.innerText()).toContain('直接送达');
    await checkPage(w.page, 'window-delivery-recorded');
    expectNoConsoleErrors(w);
    await w.close();
  });
});
