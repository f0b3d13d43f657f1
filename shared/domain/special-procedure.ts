/**
 * 特别程序 (行政许可法第四十五条): 听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审 — and what a
 * province's own measures add — are not counted in the time limit. Limits of the law kept here:
 * only types the province configured, each for at most its configured working days; the clock stops
 * only once the department lead (not the reviewer who asks) approved; the applicant is told in writing
 * (特别程序告知书) which procedure, why, how long and until when; a procedure running past its time
 * turns the item red and is escalated once.
 */
import type { ProvinceConfig } from '../config/province-config.js';
import type { WorkingCalendar } from './calendar.js';
import { conflict, forbidden, invalid } from './errors.js';
import type {
  CaseItem,
  ClockStop,
  Instant,
  IsoDate,
  PersonRef,
  SpecialProcedureType,
  StageCase,
} from './model.js';
import type { NoticeText } from './notifications.js';
import { itemOf, replaceItem, requireReviewable } from './stage-case.js';

export type SpecialProcedureRules = ProvinceConfig['specialProcedures'];
export type SpecialProcedureRule = SpecialProcedureRules[number];

/** Chinese names, for notices and messages (the console has its own copy in format.ts). */
export const PROCEDURE_NAMES_ZH: Record<SpecialProcedureType, string> = {
  hearing: '听证',
  tendering: '招标',
  auction: '拍卖',
  inspection: '检验',
  testing: '检测',
  quarantine: '检疫',
  appraisal: '鉴定',
  expertReview: '专家评审',
  siteVisit: '现场踏勘',
  publicNotice: '公示',
  jointReview: '联合审查',
};

/** The province's rule for a type; a type it did not configure may not stop the clock here. */
export function procedureRule(
  rules: SpecialProcedureRules,
  type: SpecialProcedureType,
): SpecialProcedureRule {
  const rule = rules.find((r) => r.type === type);
  if (!rule) {
    throw invalid(
      'PROCEDURE_TYPE_NOT_CONFIGURED',
      `本省未将「${PROCEDURE_NAMES_ZH[type]}」列为特别程序，不能据此暂停计时`,
      { procedureType: type },
    );
  }
  return rule;
}

/** The expected time must be a whole number of working days within the type's maximum. */
export function checkExpectedDays(rule: SpecialProcedureRule, expectedDays: number): void {
  if (!Number.isInteger(expectedDays) || expectedDays < 1 || expectedDays > rule.maxDays) {
    throw invalid(
      'PROCEDURE_OVER_MAXIMUM',
      `「${PROCEDURE_NAMES_ZH[rule.type]}」预计时间应为 1 至 ${rule.maxDays} 个工作日（${rule.basisZh}）`,
      { procedureType: rule.type, maxDays: rule.maxDays, expectedDays },
    );
  }
}

/** The last day of a procedure started on `from` that takes `days` working days. */
export const latestEndOf = (cal: WorkingCalendar, from: IsoDate, days: number): IsoDate =>
  cal.addWorkingDays(from, days).date;

/** 特别程序告知书: what the applicant is told in writing when the clock stops. */
export function procedureNoticeZh(
  c: Pick<StageCase, 'projectName' | 'id' | 'applicant'>,
  item: Pick<CaseItem, 'name'>,
  p: {
    procedureType: SpecialProcedureType;
    reason: string;
    expectedDays: number;
    from: IsoDate;
    latestEnd: IsoDate;
  },
  rule: Pick<SpecialProcedureRule, 'basisZh'>,
): string {
  return (
    `${c.applicant.name}：你单位「${c.projectName}」（办件 ${c.id}）的事项「${item.name}」` +
    `自 ${p.from} 起进行${PROCEDURE_NAMES_ZH[p.procedureType]}，理由：${p.reason}。` +
    `预计需要 ${p.expectedDays} 个工作日，最迟于 ${p.latestEnd} 结束；所需时间依${rule.basisZh}不计入审批时限。`
  );
}

const openStopOf = (item: CaseItem) => item.clockStops.find((s) => !s.to);

function requireRunningClock(c: StageCase, item: CaseItem) {
  requireReviewable(c, item);
  if (item.status !== 'inReview') throw conflict('ITEM_CLOCK_STOPPED', '该事项已在补正或特别程序中');
}

/** 申请: a reviewer of the item asks the department lead for a special procedure. */
export function requestSpecialProcedure(
  c: StageCase,
  itemCode: string,
  req: {
    procedureType: SpecialProcedureType;
    reason: string;
    expectedDays: number;
    by: PersonRef;
    now: Instant;
    rules: SpecialProcedureRules;
  },
): StageCase {
  const item = itemOf(c, itemCode);
  requireRunningClock(c, item);
  if (item.specialProcedureRequest) {
    throw conflict('PROCEDURE_REQUEST_PENDING', '该事项已有待部门负责人批准的特别程序申请');
  }
  checkExpectedDays(procedureRule(req.rules, req.procedureType), req.expectedDays);
  return replaceItem(c, {
    ...item,
    specialProcedureRequest: {
      procedureType: req.procedureType,
      reason: req.reason,
      expectedDays: req.expectedDays,
      by: req.by,
      at: req.now,
    },
  });
}

/** The stop a started procedure puts on the item, with the notice the applicant receives. */
function stopFor(
  c: StageCase,
  item: CaseItem,
  p: { procedureType: SpecialProcedureType; reason: string; expectedDays: number; requestedBy: PersonRef },
  ctx: {
    today: IsoDate;
    cal: WorkingCalendar;
    rule: SpecialProcedureRule;
    approver?: PersonRef;
    jointReviewId?: string;
  },
): ClockStop {
  const latestEnd = latestEndOf(ctx.cal, ctx.today, p.expectedDays);
  return {
    kind: 'specialProcedure',
    from: ctx.today,
    procedureType: p.procedureType,
    reason: p.reason,
    requestedBy: p.requestedBy,
    ...(ctx.approver ? { approver: ctx.approver } : {}),
    expectedDays: p.expectedDays,
    maxDays: ctx.rule.maxDays,
    latestEnd,
    noticeZh: procedureNoticeZh(c, item, { ...p, from: ctx.today, latestEnd }, ctx.rule),
    ...(ctx.jointReviewId ? { jointReviewId: ctx.jointReviewId } : {}),
  };
}

/**
 * 批准: the department lead approves a pending request; the clock stops from today. The reviewer
 * who asked may not approve it, even when they are a lead (two people, as for a refusal).
 */
export function approveSpecialProcedure(
  c: StageCase,
  itemCode: string,
  ctx: { approver: PersonRef; today: IsoDate; cal: WorkingCalendar; rules: SpecialProcedureRules },
): { next: StageCase; stop: ClockStop } {
  const item = itemOf(c, itemCode);
  requireRunningClock(c, item);
  const request = item.specialProcedureRequest;
  if (!request) throw conflict('NO_PROCEDURE_REQUEST', '该事项没有待批准的特别程序申请');
  if (request.by.id === ctx.approver.id) {
    throw forbidden('OWN_PROCEDURE_REQUEST', '申请特别程序的审查人员不能批准自己的申请，须由部门负责人批准');
  }
  // the province's limits may have changed since the request: checked again on approval
  const rule = procedureRule(ctx.rules, request.procedureType);
  checkExpectedDays(rule, request.expectedDays);
  const stop = stopFor(c, item, { ...request, requestedBy: request.by }, { ...ctx, rule });
  const { specialProcedureRequest: _approved, ...rest } = item;
  return {
    next: replaceItem(c, { ...rest, status: 'specialProcedure', clockStops: [...item.clockStops, stop] }),
    stop,
  };
}

/** 不予批准: the lead declines a request; the clock keeps running. */
export function declineSpecialProcedure(c: StageCase, itemCode: string, by: PersonRef): StageCase {
  const item = itemOf(c, itemCode);
  if (!item.specialProcedureRequest) throw conflict('NO_PROCEDURE_REQUEST', '该事项没有待批准的特别程序申请');
  if (item.specialProcedureRequest.by.id === by.id) {
    throw forbidden('OWN_PROCEDURE_REQUEST', '申请人不能处理自己的特别程序申请');
  }
  const { specialProcedureRequest: _declined, ...rest } = item;
  return replaceItem(c, rest);
}

/** A department lead starts a procedure directly: the lead is both who asks and who approves. */
export function startSpecialProcedure(
  c: StageCase,
  itemCode: string,
  req: {
    procedureType: SpecialProcedureType;
    reason: string;
    expectedDays: number;
    lead: PersonRef;
    today: IsoDate;
    cal: WorkingCalendar;
    rules: SpecialProcedureRules;
  },
): { next: StageCase; stop: ClockStop } {
  const item = itemOf(c, itemCode);
  requireRunningClock(c, item);
  const rule = procedureRule(req.rules, req.procedureType);
  checkExpectedDays(rule, req.expectedDays);
  const stop = stopFor(c, item, { ...req, requestedBy: req.lead }, { ...req, rule, approver: req.lead });
  const { specialProcedureRequest: _superseded, ...rest } = item;
  return {
    next: replaceItem(c, { ...rest, status: 'specialProcedure', clockStops: [...item.clockStops, stop] }),
    stop,
  };
}

/**
 * A joint review that counts as a special procedure stops the clock of each of its items; the
 * expected time is the type's maximum (the outcome is recorded within it).
 */
export function stopForJointReview(
  c: StageCase,
  item: CaseItem,
  ctx: {
    reason: string;
    convener: PersonRef;
    jointReviewId: string;
    today: IsoDate;
    cal: WorkingCalendar;
    rule: SpecialProcedureRule;
  },
): CaseItem {
  requireRunningClock(c, item);
  const stop = stopFor(
    c,
    item,
    {
      procedureType: 'jointReview',
      reason: ctx.reason,
      expectedDays: ctx.rule.maxDays,
      requestedBy: ctx.convener,
    },
    ctx,
  );
  const { specialProcedureRequest: _superseded, ...rest } = item;
  return { ...rest, status: 'specialProcedure', clockStops: [...item.clockStops, stop] };
}

/** Ends the item's open special procedure on `today`; the clock runs again. */
export function closeProcedureStop(item: CaseItem, today: IsoDate): CaseItem {
  return {
    ...item,
    status: 'inReview',
    clockStops: item.clockStops.map((s) =>
      s.kind === 'specialProcedure' && !s.to ? { ...s, to: today } : s,
    ),
  };
}

/** 结束: the reviewer ends the procedure; a joint review's stop ends with its recorded outcome instead. */
export function endSpecialProcedure(c: StageCase, itemCode: string, today: IsoDate): StageCase {
  const item = itemOf(c, itemCode);
  requireReviewable(c, item);
  if (item.status !== 'specialProcedure')
    throw conflict('NO_SPECIAL_PROCEDURE', '该事项没有进行中的特别程序');
  if (openStopOf(item)?.jointReviewId) {
    throw conflict('JOINT_REVIEW_STOP', '联合审查暂停的计时在记录会议纪要和审查意见后恢复');
  }
  return replaceItem(c, closeProcedureStop(item, today));
}

export interface ProcedureOverrun {
  procedureType: SpecialProcedureType;
  from: IsoDate;
  expectedDays: number;
  latestEnd: IsoDate;
  /** working days past the expected time (≥ 1) */
  overrunDays: number;
}

/**
 * An open special procedure running past its expected working days on `today` (undefined: none,
 * or an old record without an expected time). Days count from the day after the start, like the clock.
 */
export function procedureOverrun(
  cal: WorkingCalendar,
  item: Pick<CaseItem, 'clockStops'>,
  today: IsoDate,
): ProcedureOverrun | undefined {
  const stop = item.clockStops.find((s) => s.kind === 'specialProcedure' && !s.to);
  if (!stop?.procedureType || stop.expectedDays === undefined) return undefined;
  const overrunDays = cal.workingDaysBetween(stop.from, today) - stop.expectedDays;
  if (overrunDays < 1) return undefined;
  return {
    procedureType: stop.procedureType,
    from: stop.from,
    expectedDays: stop.expectedDays,
    latestEnd: stop.latestEnd ?? latestEndOf(cal, stop.from, stop.expectedDays),
    overrunDays,
  };
}

/**
 * When the sweeper must look at an open procedure: the first working day past its expected time,
 * unless that overrun was already escalated.
 */
export function overrunCheckDate(
  cal: WorkingCalendar,
  item: Pick<CaseItem, 'clockStops'>,
): IsoDate | undefined {
  const stop = item.clockStops.find((s) => s.kind === 'specialProcedure' && !s.to);
  if (!stop || stop.expectedDays === undefined || stop.overrunEscalatedAt) return undefined;
  return cal.addWorkingDays(stop.from, stop.expectedDays + 1).date;
}

/** Marks the open procedure's overrun as escalated (once). */
export function markOverrunEscalated(item: CaseItem, at: Instant): CaseItem {
  return {
    ...item,
    clockStops: item.clockStops.map((s) =>
      s.kind === 'specialProcedure' && !s.to && !s.overrunEscalatedAt ? { ...s, overrunEscalatedAt: at } : s,
    ),
  };
}

/** The in-app notice carrying the 特别程序告知书 to the applicant organisation. */
export function procedureNotice(item: Pick<CaseItem, 'name'>, stop: ClockStop): NoticeText {
  return {
    type: 'specialProcedureNotice',
    titleZh: `特别程序告知书：${item.name}（${stop.procedureType ? PROCEDURE_NAMES_ZH[stop.procedureType] : '特别程序'}）`,
    bodyZh: stop.noticeZh ?? '',
  };
}

/** The department lead is asked to approve a reviewer's request. */
export function procedureRequestNotice(
  c: Pick<StageCase, 'projectName' | 'id'>,
  item: CaseItem,
  req: NonNullable<CaseItem['specialProcedureRequest']>,
): NoticeText {
  return {
    type: 'specialProcedureRequested',
    titleZh: `特别程序待批准：${item.name}`,
    bodyZh:
      `${req.by.name}申请对「${c.projectName}」（办件 ${c.id}）的事项「${item.name}」进行` +
      `${PROCEDURE_NAMES_ZH[req.procedureType]}，预计 ${req.expectedDays} 个工作日，理由：${req.reason}。请批准或不予批准。`,
  };
}

/** The overrun escalation, to the department lead and the supervisors. */
export function procedureOverrunNotice(
  c: Pick<StageCase, 'projectName' | 'id'>,
  item: Pick<CaseItem, 'name'>,
  o: ProcedureOverrun,
): NoticeText {
  return {
    type: 'specialProcedureOverrun',
    titleZh: `特别程序超期：${item.name}`,
    bodyZh:
      `「${c.projectName}」（办件 ${c.id}）的事项「${item.name}」的${PROCEDURE_NAMES_ZH[o.procedureType]}自 ${o.from} 起，` +
      `预计 ${o.expectedDays} 个工作日（最迟 ${o.latestEnd}），已超出 ${o.overrunDays} 个工作日，请督促结束并恢复计时。`,
  };
}
