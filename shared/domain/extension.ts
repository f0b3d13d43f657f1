/**
 * 延长审查期限 (行政许可法第四十二条): a decision is due within the item's limit; with the approval
 * of the head of the administrative organ the limit may be extended once, by at most ten days, and the
 * applicant is told the reason. Here a reviewer of the item's department asks, the department lead
 * (another person) approves or refuses, and a grant raises the item's limits in place so that lamps,
 * due dates, escalation and the project budget follow without knowing about extensions.
 */
import type { WorkingCalendar } from './calendar.js';
import { conflict, invalid } from './errors.js';
import type { CaseItem, Instant, IsoDate, StageCase } from './model.js';
import type { NoticeText } from './notifications.js';
import { dueDate } from './time-limits.js';

/** 行政许可法第四十二条: ten days more, at most. */
export const LAW_MAX_EXTENSION_DAYS = 10;

/** One item's extension: the request, the lead's answer and, once granted, the limits it replaced. */
export interface ItemExtension {
  status: 'requested' | 'granted' | 'refused';
  requestedBy: string;
  requestedAt: Instant;
  reasonZh: string;
  /** working days asked for */
  days: number;
  decidedBy?: string;
  decidedAt?: Instant;
  commentZh?: string;
  /** granted only: the limits before the grant, kept so the original promise stays visible */
  originalPromisedDays?: number;
  originalStatutoryDays?: number;
  grantedDays?: number;
  /** granted only: the promised due date after the grant, as told to the applicant */
  newDueDate?: IsoDate;
}

function itemOf(c: StageCase, itemCode: string): CaseItem {
  const item = c.items.find((i) => i.code === itemCode);
  if (!item) throw invalid('ITEM_NOT_IN_CASE', '该事项不在本办件中');
  return item;
}

const replaceItem = (c: StageCase, item: CaseItem): StageCase => ({
  ...c,
  items: c.items.map((i) => (i.code === item.code ? item : i)),
});

/** The promised due date of an item's clock as of `today` (clock stops included). */
export const promisedDueDate = (cal: WorkingCalendar, item: CaseItem, today: IsoDate): IsoDate | undefined =>
  item.startDate ? dueDate(cal, item.startDate, item.promisedDays, item.clockStops, today).date : undefined;

/**
 * 申请延期: a reviewer asks to extend one undecided item of a case under review. Refused when the
 * reason is missing, the days exceed the configured maximum, the limit has already run out (an
 * extension is decided within the period, not to excuse a late one), or the item was extended
 * before (once per item) or has a request waiting.
 */
export function requestExtension(
  c: StageCase,
  itemCode: string,
  input: {
    by: string;
    now: Instant;
    today: IsoDate;
    reasonZh: string;
    days: number;
    maxDays: number;
    cal: WorkingCalendar;
  },
): StageCase {
  const item = itemOf(c, itemCode);
  if (c.status !== 'underReview') throw conflict('CASE_NOT_UNDER_REVIEW', '办件不在审查阶段');
  if (item.decision) throw conflict('ITEM_ALREADY_DECIDED', '该事项已作出决定，不能再申请延长审查期限');
  if (item.extension?.status === 'granted') {
    throw conflict('EXTENSION_ALREADY_GRANTED', '该事项已延长过审查期限，依法只能延长一次');
  }
  if (item.extension?.status === 'requested') {
    throw conflict('EXTENSION_PENDING', '该事项已有待部门负责人审批的延期申请');
  }
  if (!input.reasonZh.trim()) throw invalid('REASONS_REQUIRED', '申请延长审查期限须说明理由');
  if (!Number.isInteger(input.days) || input.days < 1 || input.days > input.maxDays) {
    throw invalid(
      'EXTENSION_TOO_LONG',
      `延长期限应为 1 至 ${input.maxDays} 个工作日（行政许可法第四十二条）`,
      {
        days: input.days,
        maxDays: input.maxDays,
      },
    );
  }
  const due = promisedDueDate(input.cal, item, input.today);
  if (!due) throw conflict('ITEM_CLOCK_NOT_STARTED', '该事项尚未开始计时');
  if (input.today > due) {
    throw conflict('EXTENSION_AFTER_DEADLINE', `该事项已于 ${due} 到期，逾期后不能再申请延长审查期限`, {
      due,
    });
  }
  return replaceItem(c, {
    ...item,
    extension: {
      status: 'requested',
      requestedBy: input.by,
      requestedAt: input.now,
      reasonZh: input.reasonZh.trim(),
      days: input.days,
    },
  });
}

/**
 * 批准/不予批准延期: the department lead answers a waiting request; the answer must come from
 * another person than the requester. A grant raises the promised and statutory limits by the days
 * asked (never above `maxDays`), keeping the originals on the record.
 */
export function decideExtension(
  c: StageCase,
  itemCode: string,
  input: {
    action: 'approve' | 'refuse';
    by: string;
    now: Instant;
    today: IsoDate;
    commentZh?: string;
    maxDays: number;
    cal: WorkingCalendar;
  },
): StageCase {
  const item = itemOf(c, itemCode);
  const ext = item.extension?.status === 'requested' ? item.extension : undefined;
  if (!ext) throw conflict('NO_PENDING_EXTENSION', '该事项没有待审批的延期申请');
  if (c.status !== 'underReview' || item.decision) {
    throw conflict('ITEM_ALREADY_DECIDED', '该事项已作出决定，延期申请不再需要审批');
  }
  if (ext.requestedBy === input.by) {
    throw conflict('EXTENSION_BY_REQUESTER', '延长审查期限须由申请人以外的部门负责人批准');
  }
  const comment = input.commentZh?.trim();
  if (input.action === 'refuse') {
    if (!comment) throw invalid('REASONS_REQUIRED', '不予延期须说明理由');
    return replaceItem(c, {
      ...item,
      extension: { ...ext, status: 'refused', decidedBy: input.by, decidedAt: input.now, commentZh: comment },
    });
  }
  const granted = Math.min(ext.days, input.maxDays);
  const extended: CaseItem = {
    ...item,
    promisedDays: item.promisedDays + granted,
    statutoryDays: item.statutoryDays + granted,
  };
  const newDueDate = promisedDueDate(input.cal, extended, input.today);
  return replaceItem(c, {
    ...extended,
    extension: {
      ...ext,
      status: 'granted',
      decidedBy: input.by,
      decidedAt: input.now,
      ...(comment ? { commentZh: comment } : {}),
      originalPromisedDays: item.promisedDays,
      originalStatutoryDays: item.statutoryDays,
      grantedDays: granted,
      ...(newDueDate ? { newDueDate } : {}),
    },
  });
}

const caseLabel = (c: Pick<StageCase, 'projectName' | 'id'>) => `「${c.projectName}」（办件 ${c.id}）`;

export const extensionNoticeTexts = {
  /** 行政许可法第四十二条: the applicant is told the reason and the new limit */
  granted: (c: StageCase, item: CaseItem): NoticeText => ({
    type: 'extensionGranted',
    titleZh: `延长审查期限：${item.name}`,
    bodyZh:
      `${caseLabel(c)}的事项「${item.name}」经部门负责人批准，审查期限延长 ${item.extension?.grantedDays ?? 0} 个工作日，` +
      `理由：${item.extension?.reasonZh ?? ''}。新的承诺办结日期为 ${item.extension?.newDueDate ?? ''}（依据《行政许可法》第四十二条）。`,
  }),
  /** the lead learns of a request waiting for them */
  requested: (c: StageCase, item: CaseItem): NoticeText => ({
    type: 'extensionRequested',
    titleZh: `延期待审批：${item.name}`,
    bodyZh: `${caseLabel(c)}的事项「${item.name}」申请延长审查期限 ${item.extension?.days ?? 0} 个工作日，理由：${item.extension?.reasonZh ?? ''}，请审批。`,
  }),
};
