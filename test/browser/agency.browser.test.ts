import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoOrganisations } from '../../functions/local/demo-actors.js';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
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
 * 专窗代办 in the console: the desk (js-window-1) registers a project for js-applicant-2's
 * enterprise and files its stage 1, the enterprise signs in and confirms, and another desk officer
 * (js-window-2) accepts; the filer may not.
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

/** Element Plus puts attributes on the <input> itself (el-input) or on its wrapper (el-input-number). */
const field = (page: Page, name: string) =>
  page.locator(`input[data-field="${name}"], [data-field="${name}"] input`).first();

const ENTERPRISE = demoOrganisations(jiangsu)[1]!;
const PROJECT_CODE = '2026-320000-48-01-000901';

describe('专窗代办 in the console', () => {
  it('the desk files for the enterprise, which confirms; another officer accepts', async () => {
    const w = await openPage(browser);
    const { page } = w;
    await signInAs(page, server.server.url, 'js-window-1');
    await page.locator('nav').getByRole('link', { name: '专窗代办' }).click();
    await page.getByRole('heading', { name: '代办登记项目' }).waitFor();
    await checkPage(page, 'window-agency');

    // a mistyped credit code is refused at its field (GB 32100 check character)
    const bad = `${ENTERPRISE.creditCode.slice(0, 17)}${ENTERPRISE.creditCode.endsWith('0') ? '1' : '0'}`;
    await field(page, 'enterpriseName').fill(ENTERPRISE.name);
    await field(page, 'creditCode').fill(bad);
    await field(page, 'projectCode').fill(PROJECT_CODE);
    await field(page, 'projectName').fill('苏州城市更新代办示范项目');
    await field(page, 'city').fill('苏州市');
    await field(page, 'investmentWan').fill('80000');
    await page.getByTestId('agency-register').click();
    await expect.poll(() => page.locator('main').innerText()).toContain('校验位不正确');
    // seen as a failed request by the page watcher; the refusal is the point here
    w.errors.splice(0);

    await field(page, 'creditCode').fill(ENTERPRISE.creditCode);
    await page.getByTestId('agency-register').click();
    await expect
      .poll(async () => (await apiAs(server, 'js-window-1', 'GET', `/projects/${PROJECT_CODE}`)).status)
      .toBe(200);
    const project = await apiAs(server, 'js-window-1', 'GET', `/projects/${PROJECT_CODE}`);
    expect(project.body.owner.creditCode).toBe(ENTERPRISE.creditCode);
    await expect
      .poll(
        async () =>
          (await apiAs(server, 'js-window-1', 'GET', `/projects/${PROJECT_CODE}`)).body.admission.status,
      )
      .toBe('pending');
    const pending = await apiAs(server, 'js-window-1', 'GET', `/projects/${PROJECT_CODE}`);
    const admitted = await apiAs(
      server,
      'js-supervisor-1',
      'POST',
      `/projects/${PROJECT_CODE}/admission/decision`,
      { admit: true, reasons: '省级重点项目，符合准入条件' },
      { 'if-match': pending.etag },
    );
    expect(admitted.status).toBe(200);

    // the stage 1 filing with the signed authorisation
    await page.reload();
    await page.getByRole('heading', { name: '代办提交阶段申请' }).waitFor();
    await page.getByLabel('代办项目').first().click();
    await page.getByRole('option', { name: /苏州城市更新代办示范项目/ }).click();
    await page.locator('input[data-upload="agencyAuthorisation"]').setInputFiles({
      name: '代办授权委托书.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4 代办授权委托书（加盖公章）'),
    });
    await expect.poll(() => page.locator('main').innerText()).toContain('已上传：代办授权委托书.pdf');
    await page.getByTestId('agency-file-case').click();
    await expect.poll(() => page.getByTestId('agency-filed').innerText()).toContain('待申请单位确认');
    const caseId = /办件 ([^）\s]+)）/.exec(await page.getByTestId('agency-filed').innerText())![1]!;
    expectNoConsoleErrors(w);
    await w.close();

    // the enterprise sees it waiting for its confirmation, and confirms
    const a = await openPage(browser);
    await signInAs(a.page, server.server.url, 'js-applicant-2');
    await a.page.locator('nav').getByRole('link', { name: '我的办件' }).click();
    // the demo's own agent filing (functions/local/seed-agency.ts) waits for confirmation too
    const seeded = await apiAs(server, 'js-applicant-2', 'GET', '/cases?limit=100');
    expect(
      seeded.body.items.some(
        (x: { projectCode: string; agency?: { confirmation?: unknown } }) =>
          x.projectCode.endsWith('-000195') && x.agency && !x.agency.confirmation,
      ),
    ).toBe(true);
    const card = a.page.locator(`[data-case="${caseId}"]`);
    await expect.poll(() => card.innerText()).toContain('待确认（专窗代办）');
    await card.locator('a').first().click();
    await a.page.getByTestId('agency-panel').waitFor();
    expect(await a.page.getByTestId('agency-panel').innerText()).toContain('王敏（绿色通道专窗）');
    await checkPage(a.page, 'applicant-agency-confirm');
    await a.page.getByTestId('agency-confirm').click();
    await expect.poll(() => a.page.getByTestId('agency-state').innerText()).toContain('已确认');
    await expect
      .poll(() => a.page.locator('#timeline-title').locator('..').innerText())
      .toContain(`代办人 王敏（绿色通道专窗），代 ${ENTERPRISE.name} 办理`);
    expectNoConsoleErrors(a);
    await a.close();

    // separation of duties: the filer may not accept; the other desk officer does, in the console
    const current = await apiAs(server, 'js-window-1', 'GET', `/cases/${caseId}`);
    const own = await apiAs(
      server,
      'js-window-1',
      'POST',
      `/cases/${caseId}/acceptance`,
      { outcome: 'accept' },
      {
        'if-match': current.etag,
      },
    );
    expect(own.body.code).toBe('AGENT_MAY_NOT_ACCEPT');
    const o = await openPage(browser);
    await signInAs(o.page, server.server.url, 'js-window-2');
    await o.page.locator(`a[href="#/window/cases/${caseId}"]`).click();
    await o.page.getByRole('heading', { name: '受理决定' }).waitFor();
    await o.page.getByRole('button', { name: '受理', exact: true }).click();
    await o.page.getByRole('dialog').getByRole('button', { name: '确认' }).click();
    await o.page.waitForURL(/#\/window\/queue/);
    await expect
      .poll(async () => (await apiAs(server, 'js-window-2', 'GET', `/cases/${caseId}`)).body.status)
      .toBe('underReview');
    expectNoConsoleErrors(o);
    await o.close();
  });
});
