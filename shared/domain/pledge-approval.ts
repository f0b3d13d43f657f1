/**
 * 告知承诺 (国务院办公厅关于全面推行证明事项告知承诺制的指导意见，国办发〔2020〕42号): for the items
 * the province marks, the applicant's signed commitment replaces proof and the item is approved at
 * once; a post-approval check (事后核查) follows within a configured number of working days. A
 * failed check revokes the approval and marks the organisation's credit; an organisation whose
 * record shows repeated misuse (failed checks, lapsed 容缺) is proposed for exit for abuse (滥用).
 */
import type { ProvinceConfig } from '../config/province-config.js';
import type { WorkingCalendar } from './calendar.js';
import { shanghaiDate } from './calendar.js';
import { conflict, invalid } from './errors.js';
import type { CaseItem, Instant, IsoDate, ItemPledge, Organisation, Project, StageCase } from './model.js';
import type { NoticeText } from './notifications.js';
import { decideItem } from './stage-case.js';

export const PLEDGE_BASIS_ZH = '国办发〔2020〕42号';
export const MAX_CHECK_REASONS = 2000;

type CatalogueItem = ProvinceConfig['items'][number];

/** The catalogue entry of a case item when the province allows 告知承诺 for it, else a refusal. */
export function pledgeItem(province: ProvinceConfig, c: StageCase, itemCode: string): CatalogueItem {
  if (!c.items.some((i) => i.code === itemCode)) throw invalid('ITEM_NOT_IN_CASE', '该事项不在本办件中');
  const entry = province.items.find((i) => i.code === itemCode);
  if (!entry?.pledgeAllowed) {
    throw conflict('PLEDGE_NOT_ALLOWED', '该事项不在本省告知承诺事项清单内，不能以承诺代替证明');
  }
  return entry;
}

/**
 * The 告知承诺书 text, generated from the item so that every applicant promises the same thing for
 * it: what it meets, that it may be checked, and what a false commitment costs.
 */
export function pledgeText(
  province: ProvinceConfig,
  c: Pick<StageCase, 'id' | 'projectName' | 'projectCode' | 'applicant'>,
  item: CatalogueItem,
): string {
  const materials = item.materials
    .map((code) => province.materials.find((m) => m.code === code)?.name ?? code)
    .join('、');
  const basis = item.legalBasis
    ? `《${item.legalBasis.replace(/第.*$/, '')}》等法律法规（${item.legalBasis}）`
    : '法律法规';
  return [
    `告知承诺书（${item.name}）`,
    `本单位${c.applicant.name}（统一社会信用代码 ${c.applicant.creditCode}）就项目「${c.projectName}」（项目代码 ${c.projectCode}，办件 ${c.id}）申请「${item.name}」，郑重承诺：`,
    `一、已知悉审批部门告知的全部条件和要求，本项目符合${basis}规定的许可条件；`,
    `二、所提交及以承诺代替的材料（${materials}）真实、合法、有效，相关材料留存备查；`,
    `三、接受审批部门自批准之日起 ${province.pledge.checkDays} 个工作日内的事后核查，并如实配合；`,
    `四、承诺不实或核查不符合条件的，审批部门依法撤销批准决定，本单位承担由此产生的一切法律责任，并记入信用记录；多次失信的，依规建议退出重点项目审批绿色通道。`,
    `依据：国务院办公厅关于全面推行证明事项告知承诺制的指导意见（${PLEDGE_BASIS_ZH}）。`,
  ].join('\n');
}

/** What the pledge's hash is computed over: everything the applicant agreed to, nothing else. */
export function pledgeContent(
  caseId: string,
  itemCode: string,
  p: Pick<ItemPledge, 'textZh' | 'creditCode' | 'signedBy' | 'signedAt'>,
) {
  return {
    caseId,
    itemCode,
    textZh: p.textZh,
    creditCode: p.creditCode,
    signedBy: p.signedBy,
    signedAt: p.signedAt,
  };
}

/** 事后核查 is due `checkDays` working days after the approval day. */
export function checkDueDate(cal: WorkingCalendar, approvedOn: IsoDate, checkDays: number): IsoDate {
  return cal.addWorkingDays(approvedOn, checkDays).date;
}

export interface PledgeApprovalInput {
  /** the signed commitment, hash included, without its check */
  pledge: Omit<ItemPledge, 'check'>;
  checkDueDate: IsoDate;
  /** the text the applicant was shown; must be exactly the generated one */
  expectedTextZh: string;
  by: string;
  now: Instant;
  resultNo: string;
  resultHash: string;
  deficiencyPolicy: ProvinceConfig['deficiency']['resultPolicy'];
}

/**
 * 告知承诺 approval: an undecided item of a case under review is approved at once on the signed
 * commitment, marked as on commitment, with its 事后核查 scheduled. The text signed must be the one
 * generated for the item, so nobody promises less than the item requires.
 */
export function approveOnCommitment(c: StageCase, itemCode: string, input: PledgeApprovalInput): StageCase {
  if (input.pledge.textZh !== input.expectedTextZh) {
    throw invalid('PLEDGE_TEXT_MISMATCH', '签署的承诺书内容与该事项的告知承诺书不一致，请刷新后重新签署');
  }
  if (input.pledge.creditCode !== c.applicant.creditCode) {
    throw conflict('PLEDGE_NOT_APPLICANT', '告知承诺书须由办件的申请单位签署');
  }
  const decided = decideItem(c, itemCode, {
    outcome: 'approve',
    by: input.by,
    now: input.now,
    resultNo: input.resultNo,
    resultHash: input.resultHash,
    deficiencyPolicy: input.deficiencyPolicy,
  });
  return {
    ...decided,
    items: decided.items.map((i) =>
      i.code === itemCode
        ? {
            ...i,
            decision: { ...i.decision!, onCommitment: true },
            pledge: { ...input.pledge, check: { dueDate: input.checkDueDate, status: 'scheduled' } },
          }
        : i,
    ),
  };
}

export interface CheckInput {
  outcome: 'passed' | 'failed';
  reasonsZh?: string;
  by: string;
  now: Instant;
}

/**
 * 事后核查 recorded once. Failed: the approval is revoked (撤销, the decision stays for the record,
 * as any revocation), whether or not the stage has closed, because the commitment it rested on was false.
 */
export function recordCheck(c: StageCase, itemCode: string, input: CheckInput): StageCase {
  const item = c.items.find((i) => i.code === itemCode);
  if (!item) throw invalid('ITEM_NOT_IN_CASE', '该事项不在本办件中');
  const pledge = item.pledge;
  if (!pledge || !item.decision?.onCommitment) {
    throw conflict('NOT_APPROVED_ON_COMMITMENT', '该事项不是告知承诺批准的事项，无需事后核查');
  }
  if (pledge.check.status !== 'scheduled')
    throw conflict('CHECK_ALREADY_RECORDED', '该事项的事后核查已有结论');
  if (item.decision.revoked) throw conflict('ALREADY_REVOKED', '该审批决定已被撤销');
  const reasonsZh = input.reasonsZh?.trim() ?? '';
  if (input.outcome === 'failed' && !reasonsZh) {
    throw invalid('REASONS_REQUIRED', '核查不通过须说明不符合承诺的具体情形');
  }
  if (reasonsZh.length > MAX_CHECK_REASONS) {
    throw invalid('TEXT_TOO_LONG', `核查意见不能超过 ${MAX_CHECK_REASONS} 字`);
  }
  const check: ItemPledge['check'] = {
    ...pledge.check,
    status: input.outcome,
    by: input.by,
    at: input.now,
    ...(reasonsZh ? { reasonsZh } : {}),
  };
  const checked: CaseItem = {
    ...item,
    pledge: { ...pledge, check },
    ...(input.outcome === 'failed'
      ? {
          decision: {
            ...item.decision,
            revoked: { by: input.by, at: input.now, reasonZh: revocationReason(reasonsZh) },
          },
        }
      : {}),
  };
  return { ...c, items: c.items.map((i) => (i.code === itemCode ? checked : i)) };
}

export const revocationReason = (reasonsZh: string) => `告知承诺事后核查不通过（承诺不实）：${reasonsZh}`;

/** Items whose scheduled check has come due and whose department was not yet told. */
export function checksDue(c: StageCase, today: IsoDate): CaseItem[] {
  return c.items.filter(
    (i) =>
      i.pledge?.check.status === 'scheduled' && !i.pledge.check.remindedAt && today >= i.pledge.check.dueDate,
  );
}

/** The next day the sweeper must look at the case for a check reminder, if any. */
export function nextCheckReminder(c: StageCase): IsoDate | undefined {
  const dates = c.items
    .filter((i) => i.pledge?.check.status === 'scheduled' && !i.pledge.check.remindedAt)
    .map((i) => i.pledge!.check.dueDate)
    .sort();
  return dates[0];
}

/** Marks the due checks as announced; the caller sends the notices. */
export function markChecksReminded(
  c: StageCase,
  today: IsoDate,
  at: Instant,
): { next: StageCase; due: CaseItem[] } {
  const due = checksDue(c, today);
  if (due.length === 0) return { next: c, due };
  const codes = new Set(due.map((i) => i.code));
  return {
    next: {
      ...c,
      items: c.items.map((i) =>
        codes.has(i.code)
          ? { ...i, pledge: { ...i.pledge!, check: { ...i.pledge!.check, remindedAt: at } } }
          : i,
      ),
    },
    due,
  };
}

/** Where the pledge stands for progress views: the check's state and whether it is overdue. */
export function pledgeState(item: CaseItem, today: IsoDate) {
  const p = item.pledge;
  if (!p) return undefined;
  return {
    signedAt: p.signedAt,
    contentHash: p.contentHash,
    checkDueDate: p.check.dueDate,
    checkStatus: p.check.status,
    checkOverdue: p.check.status === 'scheduled' && today > p.check.dueDate,
    ...(p.check.reasonsZh ? { checkReasonsZh: p.check.reasonsZh } : {}),
  };
}

/**
 * 滥用: the organisation's credit record shows repeated misuse — failed 事后核查 and lapsed 容缺 alike
 * leave a credit mark — reaching the province's threshold. Returns the reasons, or undefined.
 */
export function abuseFinding(
  org: Pick<Organisation, 'creditMarks' | 'name'>,
  threshold: number,
): string[] | undefined {
  if (org.creditMarks.length < threshold) return undefined;
  return [
    `申请单位${org.name}已有 ${org.creditMarks.length} 条失信记录（达到本省 ${threshold} 条的标准），属滥用容缺受理或告知承诺，建议退出绿色通道`,
    ...org.creditMarks.map((m) => `${shanghaiDate(m.at)} 办件 ${m.caseId}：${m.reason}`),
  ];
}

/**
 * Puts an exit proposal for abuse on an admitted project. A pending proposal is left as it is (the
 * supervisor decides it first); a project outside the channel has nothing to exit from.
 */
export function proposeAbuseExit(project: Project, reasonsZh: string[], at: Instant): Project | undefined {
  if (project.admission.status !== 'admitted' || project.exitProposal) return undefined;
  return {
    ...project,
    exitProposal: { year: Number(shanghaiDate(at).slice(0, 4)), at, reasonsZh, ground: 'abuse' },
  };
}

const caseLabel = (c: Pick<StageCase, 'projectName' | 'id'>) => `「${c.projectName}」（办件 ${c.id}）`;

export const pledgeNotices = {
  approved: (c: StageCase, item: CaseItem): NoticeText => ({
    type: 'pledgeApproved',
    titleZh: `告知承诺已批准：${item.name}`,
    bodyZh: `${caseLabel(c)}的事项「${item.name}」已按告知承诺批准，电子批文 ${item.decision?.resultNo ?? ''}。审批部门将于 ${item.pledge?.check.dueDate ?? ''} 前进行事后核查，请如实履行承诺。`,
  }),
  checkDue: (c: StageCase, item: CaseItem): NoticeText => ({
    type: 'pledgeCheckDue',
    titleZh: `事后核查到期：${item.name}`,
    bodyZh: `${caseLabel(c)}的事项「${item.name}」按告知承诺批准，事后核查应于 ${item.pledge?.check.dueDate ?? ''} 前完成，请及时核查并记录结论。`,
  }),
  checkFailed: (c: StageCase, item: CaseItem): NoticeText => ({
    type: 'pledgeCheckFailed',
    titleZh: `事后核查不通过：${item.name}`,
    bodyZh: `${caseLabel(c)}的事项「${item.name}」事后核查不通过：${item.pledge?.check.reasonsZh ?? ''}。批准决定已撤销，并记入信用记录。`,
  }),
  abuseExitProposed: (p: Project): NoticeText => ({
    type: 'abuseExitProposed',
    titleZh: `建议退出绿色通道（滥用）：${p.name}`,
    bodyZh: `项目「${p.name}」的申请单位多次承诺不实或容缺逾期未补，已建议退出绿色通道，请督查人员确认或驳回。`,
  }),
};
