import type { Browser, Page } from 'playwright-core';
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
  type WatchedPage,
} from './support.js';

/**
 * The whole six-step loop (申请—受理—审查—批准—监督—反馈) done only by clicking, one person after
 * another, each in their own browser session, each seeing the case where they expect it:
 * register → admit → apply with 容缺 → accept → two departments decide in parallel → approve →
 * supplement → feedback.
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

const PROJECT_CODE = `2026-320000-48-01-000${700 + (Date.now() % 100)}`;
const PROJECT_NAME = '长江五桥南岸接线工程';

const text = (page: Page, selector: string) => page.locator(selector).first().innerText();

async function as(user: string, run: (page: Page) => Promise<void>): Promise<void> {
  const w: WatchedPage = await openPage(browser);
  await signInAs(w.page, server.server.url, user);
  await run(w.page);
  expectNoConsoleErrors(w);
  await w.close();
}

async function upload(page: Page, code: string) {
  await page.locator(`input[data-upload="${code}"]`).setInputFiles({
    name: `${code}.pdf`,
    mimeType: 'application/pdf',
    buffer: Buffer.from(`%PDF-1.4 ${code}`),
  });
  await expect.poll(() => text(page, `[data-material="${code}"]`)).toContain('已上传');
}

describe('the six-step loop, by clicking only', () => {
  it('takes a new project from registration to a rated approval', async () => {
    let projectId = '';
    let caseId = '';

    // 申请 (1): the applicant registers the project and asks for the green channel
    await as('js-applicant-1', async (page) => {
      await page.getByRole('button', { name: '登记新项目' }).click();
      await page.getByLabel('投资项目统一代码').fill(PROJECT_CODE);
      await page.getByLabel('项目名称').fill(PROJECT_NAME);
      await page.getByLabel('所在城市').fill('南京市');
      await page.getByLabel('总投资（万元）').fill('320000');
      await page.getByRole('button', { name: '登记', exact: true }).click();
      await page.waitForURL(/#\/applicant\/projects\/[^/]+$/);
      projectId = page.url().split('/').pop()!;
      await page.getByRole('button', { name: '申请纳入绿色通道' }).click();
      await expect.poll(() => text(page, '.admission-status')).toBe('待准入审核');
      expect(await text(page, '[data-testid="eligibility"]')).toContain('符合准入条件');
      await closeToasts(page);
      await checkPage(page, 'loop-1-applicant-admission-requested');
    });

    // 准入: the supervisor admits it with a priority and reasons
    await as('js-supervisor-1', async (page) => {
      // the supervisor lands on 工作台; admission is under 项目与准入
      await page.getByRole('link', { name: '项目与准入' }).click();
      const card = page.locator('.pending-card').filter({ hasText: PROJECT_NAME });
      await card.getByRole('button', { name: '作出准入决定' }).click();
      const dialog = page.getByRole('dialog', { name: '准入决定' });
      await dialog.locator('#admission-priority').fill('1');
      await dialog.locator('#admission-reasons').fill('省级重点交通项目，符合准入条件，优先办理');
      await dialog.getByRole('button', { name: '确认决定' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const row = page.locator('.el-table__row').filter({ hasText: PROJECT_NAME });
      await expect.poll(() => row.locator('.admission').textContent()).toBe('已纳入绿色通道');
      await closeToasts(page);
      await checkPage(page, 'loop-2-supervisor-admitted');
    });

    // 申请 (2): one form for stage 1, an optional item of a second department, one material under 容缺
    await as('js-applicant-1', async (page) => {
      await page.goto(`${server.server.url}/#/applicant/projects/${projectId}`);
      await expect.poll(() => text(page, '.admission-status')).toBe('已纳入绿色通道');
      await page.locator('[data-stage="projectApproval"] .apply-link').click();
      await page.waitForURL(/#\/applicant\/apply\//);
      await page.locator('[data-item="investmentApproval"]').click();
      await expect.poll(() => page.locator('input[data-upload="projectProposalApproval"]').count()).toBe(1);
      const codes = await page
        .locator('input[data-upload]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-upload')!));
      for (const code of codes.filter((c) => c !== 'authorisationLetter')) await upload(page, code);
      await expect.poll(() => text(page, '[data-testid="missing"]')).toBe('尚缺 1 项材料：授权委托书');
      await page.locator('[data-deficient="authorisationLetter"]').click();
      await expect.poll(() => text(page, '[data-testid="letter"]')).toContain('「授权委托书」');
      await page.locator('[data-testid="sign"]').click();
      await page.getByRole('button', { name: '签署承诺书并提交申请' }).click();
      await page.waitForURL(/#\/cases\/[^/]+$/);
      caseId = page.url().split('/').pop()!;
      await expect.poll(() => text(page, '.case-status')).toBe('待受理');
      await closeToasts(page);
      await checkPage(page, 'loop-3-applicant-submitted');
    });

    // 受理: the window finds it in the queue and accepts it with the deficiency the applicant promised
    await as('js-window-1', async (page) => {
      await page.locator(`a[href="#/window/cases/${caseId}"]`).click();
      await expect.poll(() => text(page, '#letter-head')).toContain('申请人已在线签署');
      await page.getByRole('button', { name: '容缺受理', exact: true }).click();
      await page.getByRole('dialog').getByRole('button', { name: '确认' }).click();
      await page.waitForURL(/#\/window\/queue/);
      await expect.poll(() => page.locator(`a[href="#/window/cases/${caseId}"]`).count()).toBe(0);
      // the window's unit now coordinates the case (首接负责)
      await page.locator('nav').getByRole('link', { name: '首接负责办件' }).click();
      await expect.poll(() => page.locator(`[data-case="${caseId}"]`).count()).toBe(1);
      await closeToasts(page);
      await checkPage(page, 'loop-4-window-accepted');
    });

    // 审查 and 批准: two departments decide their items in parallel, from their own inboxes
    const decide = async (reviewer: string, items: string[]) =>
      as(reviewer, async (page) => {
        for (const item of items) {
          await page.locator('nav').getByRole('link', { name: '部门待审' }).click();
          const link = page.locator(`a[href="#/review/cases/${caseId}/items/${item}"]`);
          await expect.poll(() => link.count()).toBe(1);
          await link.click();
          await page.getByRole('tab', { name: '审批决定' }).click();
          await page.getByLabel('审查意见或理由').fill('符合法定条件，同意');
          await page.getByRole('button', { name: '提交决定' }).click();
          await page.getByRole('dialog').getByRole('button', { name: '确认' }).click();
          await expect.poll(() => page.locator('.decided').count()).toBe(1);
        }
        await closeToasts(page);
        await checkPage(page, `loop-5-${reviewer}-decided`);
      });
    await Promise.all([
      decide('js-reviewer-nrp', ['landPreExaminationSiting', 'landUsePlanningPermit']),
      decide('js-reviewer-ndrc', ['investmentApproval']),
    ]);

    // 监督 and 反馈: the applicant sees the approval, supplements what was promised, and rates the service
    await as('js-applicant-1', async (page) => {
      await page.goto(`${server.server.url}/#/cases/${caseId}`);
      await expect.poll(() => text(page, '.case-status'), { timeout: 15_000 }).toBe('已批准');
      expect(await text(page, '[data-deficiency="authorisationLetter"]')).toMatch(
        /还剩 \d+ 个工作日|今日截止/,
      );
      await page.locator('input[data-upload="authorisationLetter"]').setInputFiles({
        name: 'authorisationLetter.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4 authorisationLetter'),
      });
      await expect.poll(() => text(page, '.supplement')).toContain('已上传：authorisationLetter.pdf');
      await page.getByRole('button', { name: '提交补交材料' }).click();
      await expect.poll(() => text(page, '[data-deficiency="authorisationLetter"]')).toContain('已补交');
      await page.locator('.feedback-form .el-rate__item').nth(4).click();
      await page.getByLabel('评价意见').fill('专窗全程代办，三个部门并联审批，比承诺时限提前完成');
      await page.getByRole('button', { name: '提交评价' }).click();
      await expect.poll(() => text(page, '[data-testid="feedback-given"]')).toContain('已评价：满意度 5 分');
      const steps = await page.locator('.six-steps .step-name').allInnerTexts();
      expect(steps).toEqual(['申请', '受理', '审查', '批准', '监督', '反馈']);
      await closeToasts(page);
      await checkPage(page, 'loop-6-applicant-rated');
    });

    // the supervisor sees the rating in the case list's detail, read-only
    await as('js-supervisor-1', async (page) => {
      await page.goto(`${server.server.url}/#/cases/${caseId}`);
      await expect.poll(() => text(page, '[data-testid="feedback-given"]')).toContain('满意度 5 分');
      expect(await page.getByRole('button', { name: '提交评价' }).count()).toBe(0);
    });
  }, 300_000);
});
