import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleServer,
  apiAs as callAs,
  checkPage,
  closeToasts,
  expectNoConsoleErrors,
  launchBrowser,
  openPage,
  PHONE,
  signInAs,
  startConsoleServer,
} from './support.js';

/**
 * The applicant's journey in the console: register a project, request admission, apply for stage 1
 * with uploads and a 容缺 commitment letter, follow the case, supplement, and the shared pages.
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

const PROJECT_CODE = `2026-320000-48-01-000${900 + (Date.now() % 100)}`;
const PROJECT_NAME = '沿江城际铁路配套综合枢纽工程';

/** The API as another role would use it from their own page (the supervisor's and window's pages are not ours). */
const apiAs = (
  user: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => callAs(server, user, method, path, body, headers);

async function upload(page: Page, code: string) {
  await page
    .locator(`input[data-upload="${code}"]`)
    .first()
    .setInputFiles({
      name: `${code}.pdf`,
      mimeType: 'application/pdf',
      buffer: Buffer.from(`%PDF-1.4 ${code} ${'x'.repeat(2048)}`),
    });
}

const text = (page: Page, selector: string) => page.locator(selector).first().innerText();

async function check(page: Page, name: string) {
  await closeToasts(page);
  await checkPage(page, name);
}

describe('the applicant in the console', () => {
  it('registers, is admitted, applies with uploads and a 容缺 letter, follows and supplements the case', async () => {
    const w = await openPage(browser);
    const { page } = w;
    await signInAs(page, server.server.url, 'js-applicant-1');
    await expect.poll(() => text(page, 'main .page-title')).toBe('我的项目');
    await check(page, 'applicant-projects');

    // register: a malformed code is refused at the field, then the real one goes through
    await page.getByRole('button', { name: '登记新项目' }).click();
    const code = page.getByLabel('投资项目统一代码');
    await code.fill('2026-32');
    await page.getByLabel('项目名称').click();
    await expect.poll(() => page.locator('.el-form-item__error').first().innerText()).toContain('格式应为');
    await code.fill(PROJECT_CODE);
    await page.getByLabel('项目名称').fill(PROJECT_NAME);
    await page.getByLabel('所在城市').fill('南京市');
    await page.getByLabel('总投资（万元）').fill('86000');
    await page.getByRole('radio', { name: /简易项目/ }).check({ force: true });
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await page.waitForURL(/#\/applicant\/projects\/[^/]+$/);
    await expect.poll(() => text(page, '.admission-status')).toBe('未申请');

    // admission: the eligibility rules, one by one, in Chinese
    await page.getByRole('button', { name: '申请纳入绿色通道' }).click();
    await expect
      .poll(() => text(page, '[data-testid="eligibility"]'))
      .toContain('准入条件评估：符合准入条件');
    expect(await page.locator('.reasons li').count()).toBeGreaterThan(1);
    expect(await text(page, '.reasons')).toContain('✓ 符合');
    await expect.poll(() => text(page, '.admission-status')).toBe('待准入审核');
    await check(page, 'applicant-project');

    // the supervisor admits it (their page is someone else's)
    const projectId = page.url().split('/').pop()!;
    const current = await apiAs('js-supervisor-1', 'GET', `/projects/${projectId}`);
    const decided = await apiAs(
      'js-supervisor-1',
      'POST',
      `/projects/${projectId}/admission/decision`,
      { admit: true, reasons: '省级重点项目，符合准入条件' },
      { 'if-match': current.etag, 'idempotency-key': crypto.randomUUID() },
    );
    expect(decided.status).toBe(200);
    await page.reload();
    await expect.poll(() => text(page, '.admission-status')).toBe('已纳入绿色通道');
    // 简易项目 chosen at registration: the flow budget is the simple class's (≤90 working days)
    await expect.poll(() => text(page, '[data-testid="project-budget"]')).toContain('简易项目');
    expect(await page.locator('.stage').count()).toBe(4);
    await page.locator('[data-stage="projectApproval"] .apply-link').click();
    await page.waitForURL(/#\/applicant\/apply\//);

    // the one form: pre-review names what is missing and changes as files arrive
    await expect.poll(() => text(page, '[data-testid="missing"]')).toContain('阶段申请表（一张表单）');
    const codes = await page
      .locator('input[data-upload]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-upload')!));
    const later = ['authorisationLetter', 'topographicMap'];
    // each file goes through a presigned URL: declared, sent to the storage, then confirmed
    const transfers: string[] = [];
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (/^\/(materials|blobs)\b/.test(path))
        transfers.push(`${r.method()} ${path.replace(/[\w-]+\.[\w-]+$/, '{token}')}`);
    });
    const uploaded = codes.filter((x) => !later.includes(x));
    for (const c of uploaded) {
      await upload(page, c);
      await expect.poll(() => text(page, `[data-material="${c}"]`)).toContain('已上传');
    }
    expect(transfers.filter((t) => t === 'POST /materials/uploads')).toHaveLength(uploaded.length);
    expect(transfers.filter((t) => t === 'PUT /blobs/uploads/{token}')).toHaveLength(uploaded.length);
    expect(
      transfers.filter((t) => /^POST \/materials\/uploads\/[0-9a-f]{64}\/complete$/.test(t)),
    ).toHaveLength(uploaded.length);
    expect(transfers).not.toContain('POST /materials');
    await expect
      .poll(() => text(page, '[data-testid="missing"]'))
      .toBe('尚缺 2 项材料：授权委托书、1:500地形图');
    expect(await text(page, '[data-testid="findings"]')).toContain('可申请容缺受理');

    // 容缺: promise both and sign the letter
    for (const c of later) await page.locator(`[data-deficient="${c}"]`).click();
    await expect.poll(() => text(page, '[data-testid="letter"]')).toContain('「1:500地形图」');
    expect(await page.getByRole('button', { name: '签署承诺书并提交申请' }).isDisabled()).toBe(true);
    await page.locator('[data-testid="sign"]').click();
    await check(page, 'applicant-apply');
    await page.getByRole('button', { name: '签署承诺书并提交申请' }).click();
    await page.waitForURL(/#\/cases\/[^/]+$/);
    const caseId = page.url().split('/').pop()!;

    // the case: six steps, waiting at the window, with the signed letter
    await expect
      .poll(() => page.locator('.six-steps .step-name').allInnerTexts())
      .toEqual(['申请', '受理', '审查', '批准', '监督', '反馈']);
    expect(await text(page, '.case-status')).toBe('待受理');
    expect(await text(page, 'main')).toContain('容缺受理承诺书（申请人已签署）');
    await check(page, 'applicant-case');

    // the window accepts with deficiencies on the strength of the applicant's letter alone
    const c0 = await apiAs('js-window-1', 'GET', `/cases/${caseId}`);
    const accepted = await apiAs(
      'js-window-1',
      'POST',
      `/cases/${caseId}/acceptance`,
      {
        outcome: 'acceptWithDeficiencies',
        commitmentSigned: false,
        deficiencies: [
          { itemCode: 'landPreExaminationSiting', materialCode: 'authorisationLetter', days: 5 },
          { itemCode: 'landUsePlanningPermit', materialCode: 'authorisationLetter', days: 5 },
          { itemCode: 'landPreExaminationSiting', materialCode: 'topographicMap', days: 5 },
        ],
      },
      { 'if-match': c0.etag, 'idempotency-key': crypto.randomUUID() },
    );
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);

    // countdown in working days from the API, then a supplement
    await page.reload();
    await expect.poll(() => text(page, '.case-status')).toBe('审查中');
    await expect
      .poll(() => text(page, '[data-deficiency="authorisationLetter"]'))
      .toMatch(/还剩 \d+ 个工作日|今日截止/);
    await upload(page, 'authorisationLetter');
    await expect.poll(() => text(page, '.supplement')).toContain('已上传：authorisationLetter.pdf');
    await page.getByRole('button', { name: '提交补交材料' }).click();
    await expect.poll(() => text(page, '[data-deficiency="authorisationLetter"]')).toContain('已补交');
    expect(await text(page, '[data-deficiency="topographicMap"]')).toContain('待补交');
    await check(page, 'applicant-case-supplemented');

    // my cases: the new one and the seeded ones, each with its lamp in words
    await page.getByRole('link', { name: '我的办件' }).click();
    await expect.poll(() => page.locator(`[data-case="${caseId}"]`).innerText()).toContain('审查中');
    await expect.poll(() => page.locator('.cards .lamp').count()).toBeGreaterThan(2);
    expect(await page.locator('.cards .lamp').allInnerTexts()).toContain('绿灯·正常');
    await check(page, 'applicant-cases');

    // the seeded approved case: its rating shows, and a complaint can be filed and tracked
    const approved = await apiAs('js-applicant-1', 'GET', '/cases?status=approved&limit=50');
    const seeded = (approved.body.items as { id: string; status: string; feedback?: unknown }[]).find(
      (x) => x.status === 'approved' && x.feedback,
    )!;
    await page.locator(`[data-case="${seeded.id}"] .card-title`).click();
    await expect.poll(() => text(page, '[data-testid="feedback-given"]')).toContain('已评价：满意度 5 分');
    await page.getByLabel('投诉内容').fill('结果送达后电子证照下载链接无法打开');
    await page.getByRole('button', { name: '提交投诉' }).click();
    await expect.poll(() => text(page, '.complaint')).toContain('待办理');
    await check(page, 'applicant-case-approved');

    // notifications: the inbox, marked read one by one
    await page.locator('.bell').click();
    await expect.poll(() => text(page, 'main .page-title')).toBe('消息通知');
    await page.waitForLoadState('networkidle');
    const unreadBefore = await page.locator('.notice.unread').count();
    if (unreadBefore > 0) {
      await page.locator('.notice.unread').first().getByRole('button', { name: '标记为已读' }).click();
      await expect.poll(() => page.locator('.notice.unread').count()).toBe(unreadBefore - 1);
    }
    await check(page, 'applicant-notifications');
    expectNoConsoleErrors(w);
    await w.close();
  }, 180_000);

  it('fills in the organisation when the form is opened before the project list has arrived', async () => {
    const w = await openPage(browser);
    const { page } = w;
    // a slow network: the list of the organisation's projects arrives only when released
    let release = () => {};
    const hold = () => {
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      return held;
    };
    let listHeld = hold();
    await page.route(
      (url) => url.pathname.endsWith('/projects') && url.searchParams.has('limit'),
      async (route) => {
        await listHeld;
        await route.continue();
      },
    );
    const known = await apiAs('js-applicant-1', 'GET', '/projects?limit=1');
    const orgName = (known.body.items as { owner: { name: string } }[])[0]!.owner.name;

    await signInAs(page, server.server.url, 'js-applicant-1');
    await page.getByRole('button', { name: '登记新项目' }).click();
    const owner = page.getByLabel('项目单位');
    expect(await owner.inputValue()).toBe('');
    release();
    await page.locator('.cards .card').first().waitFor();
    await expect.poll(() => owner.inputValue()).toBe(orgName);

    // what the person typed meanwhile stays: the list arriving later does not overwrite it
    listHeld = hold();
    await page.reload();
    await page.getByRole('button', { name: '登记新项目' }).click();
    await owner.fill('另一家建设单位');
    release();
    await page.locator('.cards .card').first().waitFor();
    expect(await owner.inputValue()).toBe('另一家建设单位');
    await page.getByRole('button', { name: '取消' }).click();
    expectNoConsoleErrors(w);
    await w.close();
  }, 60_000);

  it('fits a phone: no page-wide horizontal scroll on my projects and a case', async () => {
    const w = await openPage(browser, PHONE);
    const { page } = w;
    await signInAs(page, server.server.url, 'js-applicant-1');
    await page.locator('.cards .card').first().waitFor();
    // evaluated in the page (the test's own tsconfig has no DOM library)
    const width = () => page.evaluate<number>('document.documentElement.scrollWidth');
    expect(await width()).toBeLessThanOrEqual(390);
    await check(page, 'applicant-projects-phone');
    const cases = await apiAs('js-applicant-1', 'GET', '/cases?limit=5');
    const first = (cases.body.items as { id: string }[])[0]!;
    await page.goto(`${server.server.url}/#/cases/${first.id}`);
    await page.locator('.six-steps').waitFor();
    expect(await width()).toBeLessThanOrEqual(390);
    await check(page, 'applicant-case-phone');
    await page.goto(`${server.server.url}/#/applicant/cases`);
    await page.locator('.cards .card').first().waitFor();
    expect(await width()).toBeLessThanOrEqual(390);
    expectNoConsoleErrors(w);
    await w.close();
  }, 120_000);
});
