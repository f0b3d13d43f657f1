import * as jsqr from 'jsqr';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiAs,
  type ConsoleServer,
  checkPage,
  expectNoConsoleErrors,
  launchBrowser,
  openPage,
  PHONE,
  signInAs,
  startConsoleServer,
} from './support.js';

/**
 * 电子批文: the applicant opens the printable result of its seeded approved case, and a person who
 * never signs in (a bank clerk) checks the number and hash on the public verification page.
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

type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
// jsQR is CommonJS with an ES-style default: under NodeNext the function sits one default deeper
const jsqrDefault = (jsqr as unknown as { default: Decode & { default?: Decode } }).default;
const decodeQr: Decode = jsqrDefault.default ?? jsqrDefault;

/** Rasterises the page's QR code as a phone camera would see it and decodes it with jsQR. */
async function scanQr(page: Page): Promise<string | undefined> {
  const image = await page.evaluate<{ size: number; data: number[] }>(`(async () => {
    const svg = document.querySelector('[data-testid="qr"]');
    const img = new Image();
    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(svg));
    await img.decode();
    const size = 400;
    const canvas = document.createElement('canvas');
    canvas.width = size;
    canvas.height = size;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0, size, size);
    return { size, data: Array.from(ctx.getImageData(0, 0, size, size).data) };
  })()`);
  return decodeQr(Uint8ClampedArray.from(image.data), image.size, image.size)?.data;
}

describe('电子批文 in the console', () => {
  it('the applicant prints its result; anyone verifies it without signing in', async () => {
    const cases = await apiAs(server, 'js-applicant-1', 'GET', '/cases?status=approved');
    expect(cases.status).toBe(200);
    const approved = cases.body.items[0];
    expect(approved, 'the seed has an approved case of js-applicant-1').toBeDefined();
    const item = approved.items.find((i: { decision?: { resultNo?: string } }) => i.decision?.resultNo);
    const resultNo: string = item.decision.resultNo;
    const resultHash: string = item.decision.resultHash;

    // the applicant: case detail → 电子批文
    const applicant = await openPage(browser);
    const { page } = applicant;
    await signInAs(page, server.server.url, 'js-applicant-1');
    await page.goto(`${server.server.url}/#/cases/${approved.id}`);
    await page.locator(`a[data-result="${resultNo}"]`).click();
    await page.waitForURL((url) => url.hash.startsWith('#/results/'));
    await expect.poll(() => page.locator('[data-field="resultNo"]').innerText()).toBe(resultNo);
    expect(await page.locator('[data-field="resultHash"]').innerText()).toBe(resultHash);
    const signature = await page.locator('[data-field="signature"]').innerText();
    expect(signature).toMatch(/^[A-Za-z0-9+/]{40,}=*$/);
    expect(await page.locator('[data-field="keyId"]').innerText()).not.toBe('');
    expect(await page.locator('[data-field="decision"]').innerText()).toBe('准予许可');
    const address = await page.locator('[data-field="verifyAddress"]').innerText();
    expect(address).toContain(`#/verify?resultNo=${resultNo}&hash=${resultHash}`);
    // the printed QR code scans back to exactly that address
    expect(await scanQr(page)).toBe(address);
    await checkPage(page, 'result-document');
    // printed, the console's menu and toolbar are gone and the result stays
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.side').isVisible()).toBe(false);
    expect(await page.locator('.toolbar').isVisible()).toBe(false);
    expect(await page.locator('[data-field="signature"]').isVisible()).toBe(true);
    expectNoConsoleErrors(applicant);
    await applicant.close();

    // a bank clerk, never signed in, types the number and hash
    const clerk = await openPage(browser, PHONE);
    await clerk.page.goto(`${server.server.url}/#/sign-in`);
    await clerk.page.getByRole('link', { name: '电子批文核验（无需登录）' }).click();
    await clerk.page.waitForURL((url) => url.hash.startsWith('#/verify'));
    await clerk.page.locator('#verify-no').fill(resultNo);
    await clerk.page.locator('#verify-hash').fill(resultHash);
    await clerk.page.getByRole('button', { name: '核验' }).click();
    await expect.poll(() => clerk.page.locator('[data-field="status"]').innerText()).toBe('有效');
    expect(await clerk.page.locator('.verdict').innerText()).toContain(item.name);
    // nothing of the applicant shows
    expect(await clerk.page.locator('.verdict').innerText()).not.toContain(approved.applicant.name);
    await clerk.page.mouse.move(0, 0); // a hovered button is lighter; the page is checked as read
    await checkPage(clerk.page, 'verify-result-valid');

    // a made-up hash
    const madeUp = 'ab'.repeat(32);
    await clerk.page.locator('#verify-hash').fill(madeUp);
    await clerk.page.getByRole('button', { name: '核验' }).click();
    await expect.poll(() => clerk.page.locator('[data-field="status"]').innerText()).toBe('未找到');
    await clerk.page.mouse.move(0, 0);
    await checkPage(clerk.page, 'verify-result-unknown');

    // the QR code's address opens the page filled in and checked
    await clerk.page.goto(address);
    await expect.poll(() => clerk.page.locator('[data-field="status"]').innerText()).toBe('有效');
    expectNoConsoleErrors(clerk);
    await clerk.close();
  }, 120_000);
});
