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
 * 特别程序 and 联合审查 in the console: the department lead approves a reviewer's request on the item
 * page (the clock stops, the applicant's case page shows the 特别程序告知书); a reviewer convenes a
 * joint review from the case page and records its minutes and an opinion per item.
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

type InboxRow = { caseId: string; item: { code: string; status: string; department: string } };

async function ok(user: string, method: string, path: string, body?: unknown) {
  const res = await apiAs(server, user, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Items in review across the departments' inboxes, by case. */
async function inReviewByCase(): Promise<Map<string, InboxRow[]>> {
  const users = Object.keys(server.server.tokens).filter((u) => /^js-reviewer-/.test(u));
  const byCase = new Map<string, InboxRow[]>();
  for (const u of users) {
    for (const r of (await ok(u, 'GET', '/inbox')).items as InboxRow[]) {
      if (r.item.status !== 'inReview') continue;
      byCase.set(r.caseId, [...(byCase.get(r.caseId) ?? []), r]);
    }
  }
  return byCase;
}

/** The demo applicant who owns the case. */
async function ownerOf(caseId: string): Promise<string> {
  for (const u of Object.keys(server.server.tokens).filter((x) => /^js-applicant-/.test(x))) {
    if ((await apiAs(server, u, 'GET', `/cases/${caseId}`)).status === 200) return u;
  }
  throw new Error(`no demo applicant owns ${caseId}`);
}

describe('special procedures and joint review in the console', () => {
  it('行政许可法第四十五条: the lead approves a reviewer’s request; the applicant reads the 特别程序告知书', async () => {
    const byCase = await inReviewByCase();
    const row = [...byCase.values()].flat()[0]!;
    const { caseId, item } = row;
    await ok(
      `js-reviewer-${item.department}`,
      'POST',
      `/cases/${caseId}/items/${item.code}/special-procedure`,
      {
        action: 'request',
        procedureType: 'expertReview',
        reason: '涉及重大技术问题，组织专家评审',
        expectedDays: 10,
      },
    );

    const l = await openPage(browser);
    await signInAs(l.page, server.server.url, `js-lead-${item.department}`);
    await l.page.goto(`${server.server.url}/#/review/cases/${caseId}/items/${item.code}`);
    await l.page.getByRole('tab', { name: '特别程序' }).click();
    await expect.poll(() => l.page.getByTestId('procedure-request').innerText()).toContain('专家评审');
    await l.page.getByRole('button', { name: '批准特别程序' }).click();
    await expect.poll(() => l.page.getByTestId('item-status').innerText()).toBe('特别程序中');
    await expect
      .poll(() => l.page.getByTestId('procedure-running').innerText())
      .toContain('预计 10 个工作日');
    await closeToasts(l.page);
    await l.page.mouse.move(0, 0);
    await checkPage(l.page, 'lead-special-procedure-approved');
    expectNoConsoleErrors(l);
    await l.close();

    const a = await openPage(browser);
    await signInAs(a.page, server.server.url, await ownerOf(caseId));
    await a.page.goto(`${server.server.url}/#/cases/${caseId}`);
    const notices = a.page.getByTestId('procedure-notices');
    await expect.poll(() => notices.innerText()).toContain('特别程序告知书');
    expect(await notices.innerText()).toContain('涉及重大技术问题，组织专家评审');
    await checkPage(a.page, 'applicant-procedure-notice');
    expectNoConsoleErrors(a);
    await a.close();
  });

  it('联合审查: a reviewer convenes two items of a case and records the minutes and an opinion per item', async () => {
    const byCase = await inReviewByCase();
    const [caseId, rows] = [...byCase.entries()].find(([, r]) => r.length >= 2)!;
    const convener = `js-reviewer-${rows[0]!.item.department}`;
    const w = await openPage(browser);
    await signInAs(w.page, server.server.url, convener);
    await w.page.goto(`${server.server.url}/#/cases/${caseId}`);
    const panel = w.page.getByTestId('joint-review-panel');
    await panel.getByRole('button', { name: '召集联合审查' }).click();
    const c = await ok(convener, 'GET', `/cases/${caseId}`);
    for (const r of rows.slice(0, 2)) {
      const name = c.items.find((i: { code: string }) => i.code === r.item.code).name as string;
      await panel.locator('.el-checkbox', { hasText: name }).click();
    }
    await panel.getByLabel('会议地点').fill('省政务服务中心三楼会议室');
    await panel.getByRole('button', { name: '发出会议通知' }).click();
    await expect.poll(() => panel.innerText()).toContain('待开会');
    await closeToasts(w.page);
    await checkPage(w.page, 'joint-review-convened');

    await panel.getByRole('button', { name: '记录会议纪要' }).click();
    await panel.getByLabel('会议纪要').fill('与会部门一致认为方案可行，用地规划需补充论证。');
    await panel.getByRole('button', { name: '保存会议纪要和意见' }).click();
    await expect.poll(() => panel.innerText()).toContain('已记录纪要');
    expect(await panel.innerText()).toContain('通过');
    await panel.getByRole('button', { name: '下载会议纪要' }).waitFor();
    await closeToasts(w.page);
    await checkPage(w.page, 'joint-review-recorded');
    expectNoConsoleErrors(w);
    await w.close();

    const after = await ok(convener, 'GET', `/cases/${caseId}`);
    expect(after.jointReviews[0].status).toBe('recorded');
    expect(after.materials.some((m: { code: string }) => m.code === 'jointReviewMinutes')).toBe(true);
  });
});
