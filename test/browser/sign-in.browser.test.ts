import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleServer,
  checkPage,
  expectNoConsoleErrors,
  launchBrowser,
  openPage,
  PHONE,
  signInAs,
} from './support.js';

let server: ConsoleServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startConsole(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function startConsole() {
  const { startConsoleServer } = await import('./support.js');
  return startConsoleServer('JS');
}

describe('the console at the printed URL', () => {
  it('opens the sign-in page listing the demo users by role and unit, where the API once answered 401', async () => {
    const w = await openPage(browser);
    const res = await w.page.goto(`${server.server.url}/`);
    expect(res?.status()).toBe(200);
    await w.page.waitForURL(/#\/sign-in/);
    await expect
      .poll(() => w.page.locator('.role-title').allTextContents())
      .toEqual([
        '申请人（项目单位）',
        '综合窗口（绿色通道专窗）',
        '部门审查人员',
        '专项工作组（督查）',
        '分管领导',
        '第三方评估机构',
        '系统管理员',
      ]);
    // the same people and tokens npm start printed
    const ids = await w.page
      .locator('[data-user]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-user')));
    expect(ids.sort()).toEqual(Object.keys(server.server.tokens).sort());
    await expect
      .poll(() => w.page.locator('[data-user="js-reviewer-nrp"]').textContent())
      .toContain('自然资源');
    await checkPage(w.page, 'sign-in');
    expectNoConsoleErrors(w);
    await w.close();
  });

  it('signs each role in with one click and lands on its own first page, token never in the address', async () => {
    const landings: Record<string, string> = {
      'js-applicant-1': '我的项目',
      'js-window-1': '受理队列',
      'js-reviewer-nrp': '部门待审',
      'js-supervisor-1': '工作台',
      'js-auditor-1': '办件总览',
      'js-leader-1': '工作台',
    };
    for (const [user, title] of Object.entries(landings)) {
      const w = await openPage(browser);
      const urls: string[] = [];
      w.page.on('request', (r) => urls.push(r.url()));
      await signInAs(w.page, server.server.url, user);
      await expect.poll(() => w.page.locator('nav .active').textContent()).toContain(title);
      const token = server.server.tokens[user]!.token;
      expect(urls.filter((u) => u.includes(token))).toEqual([]);
      expect(w.page.url()).not.toContain(token);
      expectNoConsoleErrors(w);
      await w.close();
    }
  });

  it('signs out and back to the sign-in page; a phone-width visitor gets a menu button', async () => {
    const w = await openPage(browser, PHONE);
    await signInAs(w.page, server.server.url, 'js-applicant-1');
    await expect.poll(() => w.page.locator('#side-nav').isVisible()).toBe(false);
    await w.page.getByRole('button', { name: '菜单' }).click();
    await expect.poll(() => w.page.locator('#side-nav').isVisible()).toBe(true);
    await w.page.getByRole('button', { name: '退出登录' }).click();
    await w.page.waitForURL(/#\/sign-in/);
    await w.page.goto(`${server.server.url}/#/applicant/projects`);
    await w.page.waitForURL(/#\/sign-in/);
    expectNoConsoleErrors(w);
    await w.close();
  });

  it('is usable from the keyboard alone: sign in, move through the menu, open a page', async () => {
    const w = await openPage(browser);
    const { page } = w;
    await page.goto(`${server.server.url}/#/sign-in`);
    await page.locator('[data-user="js-applicant-1"]').waitFor();
    // Tab until the applicant's button has focus, then Enter
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      if (
        (await page.evaluate<string | null>('document.activeElement?.getAttribute("data-user")')) ===
        'js-applicant-1'
      )
        break;
    }
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/applicant\/projects/);
    // the skip link comes first, then the menu: reach 我的办件 and open it with Enter
    for (let i = 0; i < 15; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate<string>('document.activeElement?.textContent?.trim() ?? ""')) === '我的办件')
        break;
    }
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/applicant\/cases/);
    await expect.poll(() => page.locator('main .page-title').textContent()).toBe('我的办件');
    // the focused element is always visible as focused (an outline, not colour alone)
    const outline = await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).not.toBe('none');
    expectNoConsoleErrors(w);
    await w.close();
  });
});
