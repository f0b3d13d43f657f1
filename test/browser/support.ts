import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { type ServerProcess, startServer } from '../support/server-process.js';

/**
 * Browser journeys: Debian's Chromium driven by playwright-core against `npm start`'s real server
 * (every province process, a throwaway data folder, responses checked against the OpenAPI).
 */

export const SCREENSHOTS = resolve('test-results/screenshots');

export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

export function launchBrowser(): Promise<Browser> {
  return launchChromium();
}

export interface ConsoleServer {
  server: ServerProcess;
  dataDir: string;
  stop(): Promise<void>;
}

/** `npm start` in a throwaway data folder; every JSON answer is checked against its OpenAPI schema. */
export async function startConsoleServer(provinces = 'JS'): Promise<ConsoleServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gc-browser-'));
  const server = await startServer({
    dataDir,
    extraArgs: ['--provinces', provinces],
    env: { GC_CHECK_RESPONSES: '1' },
  });
  return {
    server,
    dataDir,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A page that records what a user would never want to see: console errors and failed scripts. */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  errors: string[];
  close(): Promise<void>;
}

export async function openPage(
  browser: Browser,
  viewport: { width: number; height: number } = DESKTOP,
  /**
   * false where a journey checks the browser's own CORS preflights: while any request is routed,
   * Playwright answers preflights itself, so GC_BROWSER_SLOW_API_MS leaves such a page alone.
   */
  options: { slowNetwork?: boolean } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`page: ${err.message}`));
  // Chromium logs a failed fetch as a bare "Failed to load resource"; name the request beside it.
  page.on('response', (res) => {
    if (res.status() >= 400)
      errors.push(`http ${res.status()} ${res.request().method()} ${new URL(res.url()).pathname}`);
  });
  page.setDefaultTimeout(15_000);
  const slowMs = options.slowNetwork === false ? 0 : Number(process.env.GC_BROWSER_SLOW_API_MS ?? 0);
  if (slowMs > 0) {
    // a slow network for every API call, to find journeys that act before the page has its data
    const ownOrigin = (url: URL) => URL.canParse(page.url()) && url.origin === new URL(page.url()).origin;
    await context.route(
      (url) => ownOrigin(url) && !url.pathname.startsWith('/assets/'),
      async (route) => {
        if (['fetch', 'xhr'].includes(route.request().resourceType()))
          await new Promise((r) => setTimeout(r, slowMs));
        await route.fallback();
      },
    );
  }
  return { page, context, errors, close: () => context.close() };
}

/** Signs in with one click on the demo user, as a person would, and waits for their first page. */
export async function signInAs(page: Page, baseUrl: string, userId: string): Promise<void> {
  await page.goto(`${baseUrl}/#/sign-in`);
  await page.locator(`[data-user="${userId}"]`).click();
  await page.waitForURL((url) => !url.hash.startsWith('#/sign-in'));
  await page.locator('main .page-title').first().waitFor();
}

/** A full-page screenshot under test-results/screenshots/ for review. */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** axe-core on the page as it is now: no serious or critical violation. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)}`)
          .slice(0, 3)
          .join(', ')}`,
    );
  expect(bad, `accessibility of ${name}`).toEqual([]);
}

/** Screenshot plus accessibility check: what every journey does on every page it reaches. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  // networkidle is reached once per document, not per hash route: the page is checked only when
  // no part of it still shows 正在加载 (a fading mask would also be measured at part opacity)
  await expect.poll(() => page.locator('.el-loading-mask:visible').count()).toBe(0);
  // a toast fading in or out is measured at part opacity; the check is about the page itself
  await closeToasts(page);
  await snap(page, name);
  await expectAccessible(page, name);
}

export function expectNoConsoleErrors(watched: WatchedPage): void {
  expect(watched.errors).toEqual([]);
}

/** An answer of the API as a test reads it. */
export interface ApiAnswer {
  status: number;
  etag: string;
  // biome-ignore lint/suspicious/noExplicitAny: bodies are inspected loosely in journeys
  body: any;
}

/**
 * The API as another person would use it from their own page, for the steps of a journey that are
 * not the subject of the test (with a fresh Idempotency-Key unless one is given).
 */
export async function apiAs(
  server: ConsoleServer,
  user: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  const res = await fetch(`${server.server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${server.server.tokens[user]!.token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(method !== 'GET' ? { 'idempotency-key': crypto.randomUUID() } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    etag: res.headers.get('etag') ?? '',
    body: text ? JSON.parse(text) : undefined,
  };
}

/** Closes the toasts: they fade on their own, and a screenshot or accessibility check is about the page. */
export async function closeToasts(page: Page): Promise<void> {
  for (const close of await page.locator('.el-message__closeBtn').all()) await close.click().catch(() => {});
  await expect.poll(() => page.locator('.el-message').count()).toBe(0);
}
