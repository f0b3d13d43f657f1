/**
 * 联合审查: a reviewer of one of the case's departments, or the 首接负责 window, convenes the
 * departments of several items of one case to a meeting (a place, a video link, or both). Where the
 * province counts joint review as a special procedure (行政许可法第四十五条 does not name it; the
 * province's own measure must), the items' clocks stop from convening until the outcome is recorded,
 * within the configured maximum. The convener records the minutes — kept as a material of the case —
 * and an opinion per item; the opinion informs the deciding department and decides nothing.
 */
import { shanghaiDate, type WorkingCalendar } from './calendar.js';
import { conflict, forbidden, invalid, notFound } from './errors.js';
import type {
  Instant,
  IsoDate,
  JointReview,
  JointReviewOpinion,
  PersonRef,
  Role,
  StageCase,
} from './model.js';
import type { NoticeText } from './notifications.js';
import {
  closeProcedureStop,
  latestEndOf,
  type SpecialProcedureRules,
  stopForJointReview,
} from './special-procedure.js';
import { requireReviewable } from './stage-case.js';

/** The material code under which a meeting's minutes (会议纪要) join the case's materials. */
export const MINUTES_MATERIAL_CODE = 'jointReviewMinutes';

export const OPINION_ZH: Record<JointReviewOpinion, string> = {
  pass: '通过',
  revise: '需修改',
  fail: '不通过',
};

export interface ConveneInput {
  id: string;
  itemCodes: string[];
  meetingAt: Instant;
  place?: string;
  videoLink?: string;
  convener: PersonRef & { role: Role };
  now: Instant;
  today: IsoDate;
  cal: WorkingCalendar;
  rules: SpecialProcedureRules;
}

const openMeetingOf = (c: StageCase, itemCode: string) =>
  (c.jointReviews ?? []).find((r) => r.status === 'convened' && r.itemCodes.includes(itemCode));

export function conveneJointReview(c: StageCase, input: ConveneInput): StageCase {
  if (c.status !== 'underReview') throw conflict('CASE_NOT_UNDER_REVIEW', '办件不在审查阶段');
  const codes = [...new Set(input.itemCodes)];
  if (codes.length < 2) throw invalid('JOINT_REVIEW_TOO_FEW_ITEMS', '联合审查至少涉及本办件的两个事项');
  const place = input.place?.trim();
  const videoLink = input.videoLink?.trim();
  if (!place && !videoLink) throw invalid('JOINT_REVIEW_NO_VENUE', '请填写会议地点或视频会议链接');
  const meetingDay = shanghaiDate(input.meetingAt);
  if (meetingDay < input.today) throw invalid('JOINT_REVIEW_IN_PAST', '会议时间不能早于今天');
  const rule = input.rules.find((r) => r.type === 'jointReview');
  if (rule && meetingDay > latestEndOf(input.cal, input.today, rule.maxDays)) {
    // the stop must end within its maximum: a meeting later than that cannot record its outcome in time
    throw invalid(
      'PROCEDURE_OVER_MAXIMUM',
      `联合审查计入特别程序，会议须在 ${rule.maxDays} 个工作日内召开（${rule.basisZh}）`,
      { maxDays: rule.maxDays },
    );
  }
  const items = codes.map((code) => {
    const item = c.items.find((i) => i.code === code);
    if (!item) throw invalid('ITEM_NOT_IN_CASE', `事项 ${code} 不在本办件中`);
    requireReviewable(c, item);
    if (openMeetingOf(c, code))
      throw conflict('JOINT_REVIEW_OPEN', `事项「${item.name}」已在另一次联合审查中`);
    return item;
  });
  const reason = `联合审查（${items.map((i) => i.name).join('、')}）`;
  const stopped = rule
    ? new Map(
        items.map((item) => [
          item.code,
          stopForJointReview(c, item, {
            reason,
            convener: { id: input.convener.id, name: input.convener.name },
            jointReviewId: input.id,
            today: input.today,
            cal: input.cal,
            rule,
          }),
        ]),
      )
    : new Map();
  const meeting: JointReview = {
    id: input.id,
    itemCodes: codes,
    departments: [...new Set(items.map((i) => i.department))],
    meetingAt: input.meetingAt,
    ...(place ? { place } : {}),
    ...(videoLink ? { videoLink } : {}),
    convener: input.convener,
    convenedAt: input.now,
    stopsClock: !!rule,
    status: 'convened',
  };
  return {
    ...c,
    items: c.items.map((i) => stopped.get(i.code) ?? i),
    jointReviews: [...(c.jointReviews ?? []), meeting],
  };
}

export interface RecordInput {
  by: PersonRef;
  minutes: { sha256: string; fileName: string };
  outcomes: { itemCode: string; opinion: JointReviewOpinion; commentZh?: string }[];
  now: Instant;
  today: IsoDate;
}

/**
 * 会议纪要: the convener records the minutes and one opinion per item of the meeting; the minutes
 * join the case's materials and the items' clocks run again.
 */
export function recordJointReview(c: StageCase, reviewId: string, input: RecordInput): StageCase {
  const meeting = (c.jointReviews ?? []).find((r) => r.id === reviewId);
  if (!meeting) throw notFound('JOINT_REVIEW_NOT_FOUND', '本办件没有该联合审查');
  if (meeting.status !== 'convened') throw conflict('JOINT_REVIEW_RECORDED', '该联合审查已记录会议纪要');
  if (meeting.convener.id !== input.by.id) {
    throw forbidden('NOT_CONVENER', '会议纪要和审查意见由联合审查的召集人记录');
  }
  const given = input.outcomes.map((o) => o.itemCode);
  const missing = meeting.itemCodes.filter((code) => !given.includes(code));
  const extra = given.filter((code) => !meeting.itemCodes.includes(code));
  if (missing.length > 0 || extra.length > 0 || new Set(given).size !== given.length) {
    throw invalid('JOINT_REVIEW_OUTCOMES', '须对会议涉及的每个事项各给出一项审查意见', { missing, extra });
  }
  const recorded: JointReview = {
    ...meeting,
    status: 'recorded',
    minutes: { ...input.minutes, recordedAt: input.now, by: input.by },
    outcomes: meeting.itemCodes.map((code) => input.outcomes.find((o) => o.itemCode === code)!),
  };
  return {
    ...c,
    items: c.items.map((i) =>
      i.clockStops.some((s) => s.jointReviewId === reviewId && !s.to)
        ? closeProcedureStop(i, input.today)
        : i,
    ),
    jointReviews: (c.jointReviews ?? []).map((r) => (r.id === reviewId ? recorded : r)),
    materials: [
      ...c.materials,
      {
        code: MINUTES_MATERIAL_CODE,
        sha256: input.minutes.sha256,
        fileName: input.minutes.fileName,
        submittedAt: input.now,
      },
    ],
  };
}

const caseLabel = (c: Pick<StageCase, 'projectName' | 'id'>) => `「${c.projectName}」（办件 ${c.id}）`;

/** The invitation each department of the meeting receives. */
export function jointReviewInvitation(c: StageCase, meeting: JointReview): NoticeText {
  const names = meeting.itemCodes.map((code) => c.items.find((i) => i.code === code)?.name ?? code);
  const where = [meeting.place, meeting.videoLink ? `视频会议 ${meeting.videoLink}` : undefined]
    .filter(Boolean)
    .join('；');
  return {
    type: 'jointReviewConvened',
    titleZh: `联合审查会议通知：${c.projectName}`,
    bodyZh:
      `${meeting.convener.name}召集${caseLabel(c)}的联合审查，涉及事项：${names.join('、')}。` +
      `会议时间 ${meeting.meetingAt}，地点：${where}。` +
      (meeting.stopsClock ? '会议至记录审查意见期间相关事项暂停计时。' : ''),
  };
}

/** Told to the departments once the minutes and opinions are recorded. */
export function jointReviewRecordedNotice(c: StageCase, meeting: JointReview): NoticeText {
  const lines = (meeting.outcomes ?? []).map((o) => {
    const name = c.items.find((i) => i.code === o.itemCode)?.name ?? o.itemCode;
    return `${name}：${OPINION_ZH[o.opinion]}${o.commentZh ? `（${o.commentZh}）` : ''}`;
  });
  return {
    type: 'jointReviewRecorded',
    titleZh: `联合审查会议纪要：${c.projectName}`,
    bodyZh: `${caseLabel(c)}联合审查的会议纪要已记录。审查意见：${lines.join('；')}。各事项由主办部门依法作出决定。`,
  };
}

/** The minutes as the text file stored as the case's material. */
export function minutesText(c: StageCase, meeting: JointReview, minutesZh: string): string {
  return [`联合审查会议纪要`, `办件：${caseLabel(c)}`, `会议编号：${meeting.id}`, '', minutesZh, ''].join(
    '\n',
  );
}
