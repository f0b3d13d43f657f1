import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleServer,
  checkPage,
  closeToasts,
  expectNoConsoleErrors,
  launchBrowser,
  openPage,
  signInAs,
  startConsoleServer,
} from './support.js';

/** The administrator revokes a leaked sign-in token from the console; the token stops working at once. */

let server: ConsoleServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startConsoleServer('JS'), launchBrowser()]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The `jti` claim of a JWT (its payload is base64url JSON). */
const jtiOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).jti as string;

describe('登录凭证吊销 in the console', () => {
  it('revokes the auditor token by its jti; the auditor is refused from then on, others are not', async () => {
    const auditorToken = server.server.tokens['js-auditor-1']!.token;
    const me = (token: string) =>
      fetch(`${server.server.url}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect((await me(auditorToken)).status).toBe(200);

    const w = await openPage(browser);
    const { page } = w;
    await signInAs(page, server.server.url, 'js-admin-1');
    await page.locator('nav').getByRole('link', { name: '登录凭证吊销' }).click();
    await expect.poll(() => page.locator('main .page-title').textContent()).toBe('登录凭证吊销');
    await expect.poll(() => page.locator('main .el-empty').count()).toBe(1);
    await checkPage(page, 'admin-token-revocations');

    const jti = jtiOf(auditorToken);
    await page.getByLabel('凭证编号（jti）').fill(jti);
    await page.getByLabel('吊销原因').fill('评估机构人员离岗，凭证回收');
    await page.getByRole('button', { name: '吊销' }).click();
    await expect.poll(() => page.locator('main .el-table').textContent()).toContain(jti);
    expect(await page.locator('main .el-table').textContent()).toContain('评估机构人员离岗');
    await closeToasts(page);
    await checkPage(page, 'admin-token-revoked');

    const refused = await me(auditorToken);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { code: string }).code).toBe('TOKEN_REVOKED');
    expect((await me(server.server.tokens['js-supervisor-1']!.token)).status).toBe(200);
    expectNoConsoleErrors(w);
    await w.close();
  });
});
