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
 * 一张图 in the console, on `npm start`'s demo data (functions/local/seed-approval-map.ts): the
 * supervisor opens the province map, filters it, clicks a project, sees its four stages with item
 * nodes, opens a node's timeline and audit trail; a 苏浙 project shows 浙江's results and the items
 * recognised from them, with their origin.
 */

let server: ConsoleServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startConsoleServer('JS,ZJ'), launchBrowser()]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

// the map demo's second cross-province project: 浙江 decides, 江苏 recognises (seed-approval-map.ts)
const CROSS = '2026-320000-48-01-000401';

describe('一张图', () => {
  it('the supervisor filters the province map, opens a project and an item node with its timeline and audit', async () => {
    const w = await openPage(browser);
    const { page } = w;
    await signInAs(page, server.server.url, 'js-supervisor-1');
    await page.getByRole('link', { name: '一张图' }).click();
    await page.waitForURL(/#\/map$/);
    const map = page.locator('[data-testid="province-map"]');
    await map.waitFor();
    expect(await map.locator('[data-tile]').count()).toBe(13);
    const all = await map.locator('[data-project]').count();
    expect(all).toBeGreaterThanOrEqual(30);
    // some demo projects are late
    expect(await map.locator('[data-lamp="red"]').count()).toBeGreaterThan(0);
    expect(await map.locator('[data-tile="320100"] [data-project]').count()).toBeGreaterThan(0);
    await checkPage(page, 'map-province');

    await page.locator('[data-filter="stage"]').selectOption('constructionPermit');
    await expect.poll(() => map.locator('[data-project]').count()).toBeLessThan(all);
    const rows = page.locator('[data-testid="map-table"] tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    for (const text of await rows.allInnerTexts()) expect(text).toContain('施工许可');
    await checkPage(page, 'map-province-filtered');

    await map.locator('[data-project][data-lamp="red"]').first().click();
    await page.waitForURL(/#\/map\/projects\//);
    const stages = page.locator('[data-testid="project-stages"] [data-stage]');
    await expect.poll(() => stages.count()).toBe(4);
    expect(await stages.allInnerTexts()).toEqual([
      expect.stringContaining('立项用地规划许可'),
      expect.stringContaining('工程建设许可'),
      expect.stringContaining('施工许可'),
      expect.stringContaining('竣工验收'),
    ]);
    const nodes = page.locator('[data-node]');
    expect(await nodes.count()).toBeGreaterThan(0);
    expect(await page.locator('[data-node][data-lamp="red"]').count()).toBeGreaterThan(0);
    await checkPage(page, 'map-project');

    const red = page.locator('[data-node][data-lamp="red"]').first();
    await red.click();
    const timeline = page.locator('[data-testid="node-timeline"]');
    await expect.poll(() => timeline.innerText()).toContain('受理');
    await expect.poll(() => page.locator('.el-drawer').innerText()).toContain('本事项审计记录');
    await checkPage(page, 'map-project-node');
    expectNoConsoleErrors(w);
    await w.close();
  });

  it('a cross-province project shows the partner’s results and the items recognised from them, with their origin', async () => {
    // 浙江's results reach 江苏 over the local bus after both seeds: wait for the recognition
    await expect
      .poll(
        async () => {
          const res = await apiAs(server, 'js-supervisor-1', 'GET', `/map/projects/${CROSS}`);
          const stage = (res.body as { stages?: { partner: unknown[] }[] }).stages?.[0];
          return stage?.partner.length ?? 0;
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBeGreaterThan(0);
    const w = await openPage(browser);
    const { page } = w;
    await signInAs(page, server.server.url, 'js-supervisor-1');
    await page.goto(`${server.server.url}/#/map/projects/${CROSS}`);
    const partner = page.locator('[data-testid="partner-items"]').first();
    await expect.poll(() => partner.innerText()).toContain('浙江省');
    expect(await page.locator('[data-testid="project-facts"]').innerText()).toContain('合作省份：浙江省');
    const recognised = page.locator('[data-mark="recognised"]');
    await expect.poll(() => recognised.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await recognised.first().innerText()).toContain('来自浙江省');
    await checkPage(page, 'map-project-cross-province');
    expectNoConsoleErrors(w);
    await w.close();
  });
});
