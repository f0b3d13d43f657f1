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
 * 信息公开 in the console: without signing in, anyone opens the operation guide, the statistics and
 * a consented demo project's status; the owner of an unpublished project turns consent on in its
 * project page and the status becomes visible.
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

// functions/local/seed-public-disclosure.ts: …000101 published, …000102 (js-applicant-2's) not
const PUBLISHED = '2026-320000-48-01-000101';
const UNPUBLISHED = '2026-320000-47-03-000102';

describe('public pages without sign-in', () => {
  it('the sign-in page links to them; guide, statistics and a consented project open without a token', async () => {
    const w = await openPage(browser);
    const { page } = w;
    await page.goto(`${server.server.url}/#/sign-in`);
    await page.getByRole('link', { name: '操作指南' }).click();
    await page.waitForURL(/#\/public\/guide/);
    const guide = page.locator('[data-testid="public-guide"]');
    await expect.poll(() => guide.innerText()).toContain('工程绿色通道操作指南');
    const text = await guide.innerText();
    for (const words of ['准入条件', '容缺受理', '告知承诺', '受理地点', '法定 / 承诺时限'])
      expect(text).toContain(words);
    expect(await guide.locator('[data-item]').count()).toBeGreaterThan(3);
    await expect.poll(() => page.getByRole('button', { name: '打印' }).isVisible()).toBe(true);
    await checkPage(page, 'public-guide');

    await page.getByRole('link', { name: '统计公开' }).click();
    const stats = page.locator('[data-testid="public-statistics"]');
    await expect.poll(() => stats.innerText()).toContain('纳入绿色通道项目');
    expect(await stats.locator('[data-field="projects"]').innerText()).toMatch(/^\d+ 个$/);
    await checkPage(page, 'public-statistics');

    await page.goto(`${server.server.url}/#/public/projects?code=${PUBLISHED}`);
    const status = page.locator('[data-testid="public-project"]');
    await expect.poll(() => status.innerText()).toContain(PUBLISHED);
    expect(await status.locator('[data-stage]').count()).toBe(4);
    expect(await status.innerText()).not.toContain('万元');
    await checkPage(page, 'public-project-status');
    // never sent to sign-in
    expect(page.url()).toContain('#/public/projects');
    expectNoConsoleErrors(w);
    await w.close();
  });

  it('the owner turns consent on in its project page and the status becomes visible', async () => {
    const anon = await openPage(browser);
    await anon.page.goto(`${server.server.url}/#/public/projects`);
    await anon.page.locator('#public-code').fill(UNPUBLISHED);
    await anon.page.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => anon.page.locator('[data-testid="public-not-found"]').isVisible()).toBe(true);

    const owner = await openPage(browser);
    await signInAs(owner.page, server.server.url, 'js-applicant-2');
    await owner.page.goto(`${server.server.url}/#/applicant/projects/${UNPUBLISHED}`);
    const panel = owner.page.locator('[data-testid="public-disclosure"]');
    const toggle = panel.getByRole('switch', { name: '同意公开项目办理进度' });
    await expect.poll(() => toggle.getAttribute('aria-checked')).toBe('false');
    // the visible switch (the checkbox inside is only for assistive technology)
    await panel.locator('.el-switch').click();
    await expect
      .poll(() => panel.locator('[data-testid="disclosure-record"]').innerText())
      .toContain('已同意公开');
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    await checkPage(owner.page, 'applicant-public-consent');
    expectNoConsoleErrors(owner);
    await owner.close();

    await anon.page.getByRole('button', { name: '查询' }).click();
    const status = anon.page.locator('[data-testid="public-project"]');
    await expect.poll(() => status.innerText()).toContain(UNPUBLISHED);
    // the one expected 404 was the unpublished project before consent
    expect(anon.errors.filter((e) => !e.includes('404'))).toEqual([]);
    await anon.close();
  });
});
