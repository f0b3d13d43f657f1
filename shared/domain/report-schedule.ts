/**
 * When the working group's reports go out by themselves: the weekly dispatch list (周调度) every
 * Monday morning, the monthly bulletin (月通报) of the month before on the month's first working
 * day, both at 08:30 Asia/Shanghai. Only the latest of each is due: a sender that was down for
 * weeks sends this week's list, not every missed one.
 */
import { addCalendarDays, shanghaiDate, type WorkingCalendar } from './calendar.js';
import type { Instant, IsoDate } from './model.js';

/** 08:30 in Shanghai (UTC+8, no daylight saving) is 00:30 UTC the same day. */
const SEND_AT_UTC = 'T00:30:00.000Z';

export interface ScheduledReport {
  /** unique per report and period: sent once */
  key: string;
  kind: 'weeklyDispatch' | 'monthlyBulletin';
  /** weekly: the Monday (YYYY-MM-DD); monthly: the month reported on (YYYY-MM) */
  period: string;
  dueAt: Instant;
}

/** The Monday of the week `day` falls in (ISO weeks start on Monday). */
export function mondayOf(day: IsoDate): IsoDate {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addCalendarDays(day, -((weekday + 6) % 7));
}

/** The first working day of `month` (YYYY-MM) in the calendar. */
export function firstWorkingDay(cal: WorkingCalendar, month: string): IsoDate {
  let day = `${month}-01`;
  while (!cal.isWorkingDay(day)) day = addCalendarDays(day, 1);
  return day;
}

function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/**
 * The latest report of each kind whose sending time has passed at `now` (each sent once, by its
 * key): before this Monday's 08:30 that is last Monday's list, before this month's first working day
 * the bulletin sent at the start of last month.
 */
export function dueReports(now: Date, cal: WorkingCalendar): ScheduledReport[] {
  const at = now.toISOString();
  const today = shanghaiDate(now);
  let monday = mondayOf(today);
  if (at < `${monday}${SEND_AT_UTC}`) monday = addCalendarDays(monday, -7);
  let month = today.slice(0, 7);
  if (at < `${firstWorkingDay(cal, month)}${SEND_AT_UTC}`) month = previousMonth(month);
  return [
    {
      key: `weeklyDispatch:${monday}`,
      kind: 'weeklyDispatch',
      period: monday,
      dueAt: `${monday}${SEND_AT_UTC}`,
    },
    {
      key: `monthlyBulletin:${previousMonth(month)}`,
      kind: 'monthlyBulletin',
      period: previousMonth(month),
      dueAt: `${firstWorkingDay(cal, month)}${SEND_AT_UTC}`,
    },
  ];
}

/** The working group's notice that a report is out, with its headline figures. */
export const reportNotices = {
  weeklyDispatch: (
    r: ScheduledReport,
    figures: { red: number; yellow: number; forecastLate: number; overBudget: number },
  ) => ({
    type: 'weeklyDispatchReady',
    titleZh: `周调度清单（${r.period} 周）`,
    bodyZh:
      `本周调度清单已生成：红灯（逾期）${figures.red} 项、黄灯（临期）${figures.yellow} 项、` +
      `预计逾期 ${figures.forecastLate} 项，全流程审批时间超出或临近的项目 ${figures.overBudget} 个。` +
      '请在“周调度”中查看并逐项督办。',
  }),
  monthlyBulletin: (
    r: ScheduledReport,
    figures: { decided: number; onTimeRate: number | null; late: number },
  ) => ({
    type: 'monthlyBulletinReady',
    titleZh: `月通报（${r.period}）`,
    bodyZh:
      `${r.period} 月通报已生成：办结事项 ${figures.decided} 项，按时办结率 ` +
      `${figures.onTimeRate === null ? '—' : `${Math.round(figures.onTimeRate * 1000) / 10}%`}，` +
      `超时 ${figures.late} 项。请在“月通报”中查看各部门排名。`,
  }),
};
