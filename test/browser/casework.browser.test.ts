import type { Browser, Page } from 'playwright-core';
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

/** The window, the reviewers and the first receiver at work, on one server with the seeded demo data. */
let server: ConsoleServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startConsoleServer('JS'), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const tokenOf = (user: string) => server.server.tokens[user]!.token;

/** Another person's step through the API; anything but success fails the journey at once. */
async function apiCall(
  user: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await apiAs(server, user, method, path, body, headers);
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

interface Catalogue {
  stages: { stage: string; items: { code: string; required: boolean }[] }[];
  items: { code: string; department: string; materials: string[]; deficiencyAllowed: string[] }[];
  materials: { code: string; name: string; core: boolean }[];
}

let catalogue: Catalogue;
/** A 工程建设许可 case of a seeded project, with a real PDF for its first material. */
async function submitWorksPermit(
  projectId: string,
  omit: string[],
): Promise<{ id: string; version: number }> {
  const stage = catalogue.stages.find((s) => s.stage === 'worksPermit')!;
  const codes = [
    ...new Set(
      stage.items
        .filter((i) => i.required)
        .flatMap((i) => catalogue.items.find((x) => x.code === i.code)!.materials),
    ),
  ].filter((c) => !omit.includes(c));
  const upload = await fetch(`${server.server.url}/materials`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokenOf('js-applicant-1')}`, 'content-type': 'application/pdf' },
    body: '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF',
  });
  const { sha256 } = (await upload.json()) as { sha256: string };
  const materials = codes.map((code, i) => ({
    code,
    fileName: `${code}.pdf`,
    ...(i === 0 ? { sha256 } : {}),
  }));
  return apiCall('js-applicant-1', 'POST', '/cases', { projectId, stage: 'worksPermit', materials });
}

async function confirmDialog(page: Page) {
  await page.getByRole('dialog').getByRole('button', { name: '确认' }).click();
}

let deficiencyCase: { id: string; version: number };
let deficientMaterial: string;

describe('窗口', () => {
  it('accepts one case with 容缺 and sends a one-time correction notice on another; queue and ledger follow', async () => {
    catalogue = await apiCall('js-window-1', 'GET', '/catalogue');
    const required = catalogue.stages.find((s) => s.stage === 'worksPermit')!.items.filter((i) => i.required);
    const holder = required
      .map((i) => catalogue.items.find((x) => x.code === i.code)!)
      .find((i) => i.deficiencyAllowed.some((m) => !catalogue.materials.find((x) => x.code === m)?.core))!;
    deficientMaterial = holder.deficiencyAllowed.find(
      (m) => !catalogue.materials.find((x) => x.code === m)?.core,
    )!;
    const projects = (await apiCall('js-applicant-1', 'GET', '/projects')).items as {
      id: string;
      name: string;
      admission: { status: string };
    }[];
    const admitted = projects.filter((p) => p.admission.status === 'admitted');
    deficiencyCase = await submitWorksPermit(admitted[0]!.id, [deficientMaterial]);
    const correctionCase = await submitWorksPermit(admitted[1]!.id, [deficientMaterial]);

    const w = await openPage(browser);
    await signInAs(w.page, server.server.url, 'js-window-1');
    const queue = w.page.locator('main');
    await expect.poll(() => queue.locator('.el-table__row').count()).toBeGreaterThanOrEqual(2);
    await checkPage(w.page, 'window-queue');

    await w.page.locator(`a[href="#/window/cases/${deficiencyCase.id}"]`).click();
    await w.page.getByRole('heading', { name: '材料核验', exact: false }).waitFor();
    await expect
      .poll(() => w.page.locator(`.missing[data-material="${deficientMaterial}"]`).count())
      .toBeGreaterThan(0);
    await checkPage(w.page, 'window-accept-case');
    await w.page.getByTestId('commitment-signed').click();
    await w.page.getByRole('button', { name: '容缺受理', exact: true }).click();
    await confirmDialog(w.page);
    await w.page.waitForURL(/#\/window\/queue/);
    await expect.poll(() => w.page.locator(`a[href="#/window/cases/${deficiencyCase.id}"]`).count()).toBe(0);

    await w.page.locator(`a[href="#/window/cases/${correctionCase.id}"]`).click();
    await w.page.getByRole('radio', { name: '一次性告知补正' }).check({ force: true });
    await w.page.getByLabel('补正原因').fill('请补齐所列材料后重新提交');
    await w.page.getByRole('button', { name: '发出一次性告知补正通知' }).click();
    await confirmDialog(w.page);
    await w.page.waitForURL(/#\/window\/queue/);
    await expect.poll(() => w.page.locator(`a[href="#/window/cases/${correctionCase.id}"]`).count()).toBe(0);

    await w.page.locator('nav').getByRole('link', { name: '容缺台账' }).click();
    const name = catalogue.materials.find((m) => m.code === deficientMaterial)!.name;
    await expect.poll(() => w.page.locator('main .el-table').innerText()).toContain(name);
    await expect.poll(() => w.page.locator('main .el-table').innerText()).toContain('待补齐');
    await checkPage(w.page, 'window-deficiency-ledger');
    await w.page.getByText('已补齐', { exact: true }).first().click();
    await expect.poll(() => w.page.locator('main').innerText()).not.toContain(name);
    expectNoConsoleErrors(w);
    await w.close();
  });
});

describe('审查', () => {
  it('a reviewer sees lamps as text, previews a material, runs a special procedure, approves; another requests a correction', async () => {
    const c = await apiCall('js-window-1', 'GET', `/cases/${deficiencyCase.id}`);
    const first = c.materials.find((m: { sha256?: string }) => m.sha256).code as string;
    const item = c.items.find((i: { code: string }) =>
      catalogue.items.find((x) => x.code === i.code)!.materials.includes(first),
    );
    const w = await openPage(browser);
    await signInAs(w.page, server.server.url, `js-reviewer-${item.department}`);
    await expect.poll(() => w.page.locator('main [data-lamp]').count()).toBeGreaterThan(0);
    expect(await w.page.locator('main [data-lamp]').first().innerText()).toMatch(/绿灯|黄灯|红灯/);
    await checkPage(w.page, 'reviewer-inbox');
    await w.page.locator(`a[href="#/review/cases/${deficiencyCase.id}/items/${item.code}"]`).click();
    await w.page.getByRole('heading', { name: '申请材料' }).waitFor();
    await checkPage(w.page, 'reviewer-review-item');
    await w.page.locator(`[data-material="${first}"]`).getByRole('button', { name: /预览/ }).click();
    const frame = w.page.locator('iframe.preview-frame');
    await frame.waitFor();
    // the content came as an object URL, fetched with the Authorization header
    expect(await frame.getAttribute('src')).toMatch(/^blob:/);
    await w.page.keyboard.press('Escape');
    await frame.waitFor({ state: 'detached' });

    // 行政许可法第四十五条: the reviewer asks; the department lead approves (here through the API)
    await w.page.getByRole('tab', { name: '特别程序' }).click();
    await w.page.getByLabel('特别程序理由').fill('涉及重大技术问题，需组织专家评审');
    await w.page.getByRole('button', { name: '申请特别程序' }).click();
    await expect.poll(() => w.page.getByTestId('procedure-request').innerText()).toContain('专家评审');
    await apiCall(
      `js-lead-${item.department}`,
      'POST',
      `/cases/${deficiencyCase.id}/items/${item.code}/special-procedure`,
      { action: 'approve' },
    );
    await w.page.reload();
    await w.page.getByRole('tab', { name: '特别程序' }).click();
    await expect.poll(() => w.page.getByTestId('item-status').innerText()).toBe('特别程序中');
    await w.page.getByRole('button', { name: '结束特别程序' }).click();
    await expect.poll(() => w.page.getByTestId('item-status').innerText()).toBe('审查中');
    await w.page.getByRole('tab', { name: '审批决定' }).click();
    await w.page.getByRole('button', { name: '提交决定' }).click();
    await confirmDialog(w.page);
    await expect.poll(() => w.page.locator('.decided').count()).toBe(1);
    await expect.poll(() => w.page.locator('.history').innerText()).toContain('特别程序');
    expectNoConsoleErrors(w);
    await w.close();

    const other = c.items.find(
      (i: { code: string; department: string }) => i.code !== item.code && i.department !== item.department,
    );
    if (other) {
      const r = await openPage(browser);
      await signInAs(r.page, server.server.url, `js-reviewer-${other.department}`);
      await r.page.goto(`${server.server.url}/#/review/cases/${deficiencyCase.id}/items/${other.code}`);
      await r.page.getByRole('tab', { name: '一次性告知补正' }).click();
      await r.page.locator('[data-correct]').first().click();
      await r.page.getByLabel('补正原因').fill('图纸比例不符合要求，请一次性补正');
      await r.page.getByRole('button', { name: '发出补正通知' }).click();
      await expect.poll(() => r.page.getByTestId('item-status').innerText()).toBe('待补正');
      expectNoConsoleErrors(r);
      await r.close();
    }
  });

  it('a department lead reassigns 转办; a change behind the page’s back shows the conflict message and reloads', async () => {
    const inbox = (await apiCall('js-lead-nrp', 'GET', '/inbox')).items as {
      caseId: string;
      item: { code: string; status: string };
    }[];
    const row = inbox.find((r) => r.item.status === 'inReview')!;
    const w = await openPage(browser);
    await signInAs(w.page, server.server.url, 'js-lead-nrp');
    await w.page.locator(`a[href="#/review/cases/${row.caseId}/items/${row.item.code}"]`).click();
    await w.page.getByRole('tab', { name: '转办' }).click();
    await w.page.locator('label.field', { hasText: '转办给' }).locator('.el-select__wrapper').click();
    await w.page.getByRole('option').first().click();
    await w.page.getByLabel('转办理由').fill('按处室分工承办');
    await w.page.getByRole('button', { name: '转办', exact: true }).click();
    await expect.poll(() => w.page.getByTestId('assignee').innerText()).not.toBe('本部门');
    await w.page.mouse.move(0, 0); // a hovered button is a transient colour, not the page's
    await checkPage(w.page, 'lead-review-item');

    // someone starts a special procedure elsewhere; the page still shows the item in review
    const current = await apiCall('js-lead-nrp', 'GET', `/cases/${row.caseId}`);
    await apiCall(
      'js-lead-nrp',
      'POST',
      `/cases/${row.caseId}/items/${row.item.code}/special-procedure`,
      {
        action: 'start',
        procedureType: 'hearing',
        reason: '依申请举行听证',
        expectedDays: 10,
      },
      { 'if-match': `"${current.version}"` },
    );
    await w.page.getByRole('tab', { name: '审批决定' }).click();
    await w.page.getByRole('button', { name: '提交决定' }).click();
    await confirmDialog(w.page);
    await w.page.getByText('数据已被他人更新，已为您重新加载最新内容').waitFor();
    await expect.poll(() => w.page.getByTestId('item-status').innerText()).toBe('特别程序中');
    // the one 409 is the point of this journey (the browser logs it); anything else must stay clean
    const conflict = (e: string) => e.includes('409') && (e.includes('/decision') || e.includes('Conflict'));
    expect(w.errors.filter(conflict)).not.toEqual([]);
    w.errors.splice(0, w.errors.length, ...w.errors.filter((e) => !conflict(e)));
    expectNoConsoleErrors(w);
    await w.close();
  });
});

describe('首接负责', () => {
  it('shows the unit’s cases with holders, lamps and the seeded overdue case’s escalation record', async () => {
    const w = await openPage(browser);
    await signInAs(w.page, server.server.url, 'js-window-1');
    await w.page.locator('nav').getByRole('link', { name: '首接负责办件' }).click();
    await expect.poll(() => w.page.locator('main section[data-case]').count()).toBeGreaterThanOrEqual(4);
    const text = await w.page.locator('main').innerText();
    expect(text).toContain('红灯·逾期');
    expect(text).toMatch(/第 1 级 · 已告知/);
    expect(text).toContain('督办升级');
    await checkPage(w.page, 'coordinator-cases');
    expectNoConsoleErrors(w);
    await w.close();
  });
});

describe('拒绝须上一级签发 and 视为受理', () => {
  it('a reviewer proposes a refusal, the lead signs it from the inbox, the item shows 不予批准; the window sees a deemed acceptance', async () => {
    const inbox = (await apiCall('js-reviewer-nrp', 'GET', '/inbox')).items as {
      caseId: string;
      item: { code: string; status: string };
      proposedRefusal?: unknown;
    }[];
    const row = inbox.find((r) => r.item.status === 'inReview' && !r.proposedRefusal)!;
    const itemLink = `a[href="#/review/cases/${row.caseId}/items/${row.item.code}"]`;

    const r = await openPage(browser);
    await signInAs(r.page, server.server.url, 'js-reviewer-nrp');
    await r.page.locator(itemLink).click();
    await r.page.getByRole('radio', { name: '不予批准' }).check({ force: true });
    await r.page.getByLabel('审查意见或理由').fill('选址与国土空间规划不符');
    await r.page.getByRole('button', { name: '提交决定' }).click();
    await confirmDialog(r.page);
    await expect
      .poll(() => r.page.getByTestId('proposed-refusal').innerText())
      .toContain('拟不予批准，待部门负责人签发');
    await r.page.mouse.move(0, 0);
    await checkPage(r.page, 'reviewer-proposed-refusal');
    expectNoConsoleErrors(r);
    await r.close();

    const l = await openPage(browser);
    await signInAs(l.page, server.server.url, 'js-lead-nrp');
    await expect.poll(() => l.page.getByTestId('awaiting-signoff').count()).toBeGreaterThan(0);
    await checkPage(l.page, 'lead-inbox-signoff');
    await l.page.locator(itemLink).click();
    await l.page.getByRole('button', { name: '签发不予批准' }).click();
    await expect.poll(() => l.page.getByTestId('item-status').innerText()).toBe('不予批准');
    await l.page.mouse.move(0, 0);
    await checkPage(l.page, 'lead-signed-refusal');
    expectNoConsoleErrors(l);
    await l.close();

    // the other departments approve their items: the stage closes rejected, and the applicant reads
    // the reasons and the remedies (行政许可法第三十八条) on the case page
    const refused = (await apiCall('js-window-1', 'GET', `/cases/${row.caseId}`)) as {
      applicant: { creditCode: string };
      items: { code: string; department: string; decision?: unknown; proposedRefusal?: unknown }[];
    };
    for (const other of refused.items.filter((i) => !i.decision && !i.proposedRefusal)) {
      await apiCall(
        `js-reviewer-${other.department}`,
        'POST',
        `/cases/${row.caseId}/items/${other.code}/decision`,
        {
          outcome: 'approve',
        },
      );
    }
    let owner = '';
    for (const u of Object.keys(server.server.tokens).filter((x) => x.startsWith('js-applicant-'))) {
      if ((await apiAs(server, u, 'GET', `/cases/${row.caseId}`)).status === 200) owner = u;
    }
    expect(owner).not.toBe('');
    const a = await openPage(browser);
    await signInAs(a.page, server.server.url, owner);
    await a.page.goto(`${server.server.url}/#/cases/${row.caseId}`);
    await expect.poll(() => a.page.getByTestId('rejection').innerText()).toContain('选址与国土空间规划不符');
    expect(await a.page.getByTestId('rejection').innerText()).toMatch(/行政复议.*行政诉讼/);
    await checkPage(a.page, 'applicant-rejected-stage');
    expectNoConsoleErrors(a);
    await a.close();

    // the seed's stage the window never acted on was deemed accepted by the sweeper
    const page = (await apiCall('js-window-1', 'GET', '/cases?status=underReview&limit=100')).items as {
      value?: { id: string; acceptance?: { deemed?: boolean } };
      id?: string;
      acceptance?: { deemed?: boolean };
    }[];
    const deemed = page.map((x) => x.value ?? x).find((x) => x.acceptance?.deemed)!;
    const w = await openPage(browser);
    await signInAs(w.page, server.server.url, 'js-window-1');
    await w.page.goto(`${server.server.url}/#/window/cases/${deemed.id}`);
    await expect.poll(() => w.page.getByTestId('deemed-accepted').innerText()).toContain('视为受理');
    await checkPage(w.page, 'window-deemed-acceptance');
    expectNoConsoleErrors(w);
    await w.close();
  });
});
