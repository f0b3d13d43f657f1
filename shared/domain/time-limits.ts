/**
 * The legal clock of an item: working days since acceptance, minus the days its clock was stopped
 * (补正, 容缺 waits, special procedures — 行政许可法 art. 45).
 *
 * Every count is "working days in a half-open interval (a, b]": the day the clock starts does not
 * count, the day a stop starts still counts, the day a stop ends does not.
 */
import type { WorkingCalendar } from './calendar.js';
import type { ClockStop, IsoDate } from './model.js';

const later = (a: IsoDate, b: IsoDate) => (a > b ? a : b);
const earlier = (a: IsoDate, b: IsoDate) => (a < b ? a : b);

/**
 * Working days stopped up to `today`: the union of the stop intervals (from, to], open stops running
 * to `today`. With `since`, only days after it count (stops reaching back before the clock started
 * would otherwise be subtracted from time that was never counted).
 */
export function stoppedWorkingDays(
  cal: WorkingCalendar,
  stops: ClockStop[],
  today: IsoDate,
  since?: IsoDate,
): number {
  // ISO dates compare correctly as strings, which keeps the merge free of date parsing.
  const intervals = stops
    .map((s) => ({
      from: since === undefined ? s.from : later(s.from, since),
      to: earlier(s.to ?? today, today),
    }))
    .filter((i) => i.to > i.from)
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));

  let total = 0;
  let current: { from: IsoDate; to: IsoDate } | undefined;
  for (const i of intervals) {
    if (current && i.from <= current.to) {
      current.to = later(current.to, i.to);
    } else {
      if (current) total += cal.workingDaysBetween(current.from, current.to);
      current = { ...i };
    }
  }
  if (current) total += cal.workingDaysBetween(current.from, current.to);
  return total;
}

/** Working days used so far on an item whose clock started on `start` (it runs from the next working day). */
export function elapsedWorkingDays(
  cal: WorkingCalendar,
  start: IsoDate,
  stops: ClockStop[],
  today: IsoDate,
): number {
  const gross = cal.workingDaysBetween(start, today);
  return Math.max(0, gross - stoppedWorkingDays(cal, stops, today, start));
}

/**
 * The last day of the limit, assuming the clock runs from today on without further stops.
 * Provisional when the calendar does not know every year the count passes through.
 */
export function dueDate(
  cal: WorkingCalendar,
  start: IsoDate,
  limitDays: number,
  stops: ClockStop[],
  today: IsoDate,
): { date: IsoDate; provisional: boolean } {
  return cal.addWorkingDays(start, limitDays + stoppedWorkingDays(cal, stops, today, start));
}

/** Working days left until the limit; negative when overdue (by that many working days). */
export function remainingWorkingDays(
  cal: WorkingCalendar,
  start: IsoDate,
  limitDays: number,
  stops: ClockStop[],
  today: IsoDate,
): number {
  return limitDays - elapsedWorkingDays(cal, start, stops, today);
}
