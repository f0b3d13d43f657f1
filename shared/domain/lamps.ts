/**
 * Lamps (亮灯): green on track, yellow when a configured share of the limit is used or few working
 * days remain, red when overdue. Red items go to the supervisor's dispatch list (督办).
 */
import { z } from 'zod';
import type { WorkingCalendar } from './calendar.js';
import type { ClockStop, IsoDate, Lamp } from './model.js';
import { stoppedWorkingDays } from './time-limits.js';

export interface LampThresholds {
  /** share of the limit after which the lamp is yellow, e.g. 0.8 */
  yellowShare: number;
  /** yellow when this many working days or fewer remain, e.g. 2 */
  yellowRemainingDays: number;
}

export const lampThresholdsSchema: z.ZodType<LampThresholds> = z.object({
  yellowShare: z.number().gt(0).max(1),
  yellowRemainingDays: z.number().int().min(0),
});

export const LAMP_SEVERITY: Readonly<Record<Lamp, number>> = { green: 0, yellow: 1, red: 2 };

// 0.7 * 10 is 7.000000000000001 in floating point; a 70% threshold must still trigger on day 7.
const EPSILON = 1e-9;

/** Elapsed working days from which an undecided item is yellow (0: yellow from the start). */
function yellowThreshold(limitDays: number, t: LampThresholds): number {
  const byShare = Math.ceil(t.yellowShare * limitDays - EPSILON);
  const byRemaining = limitDays - t.yellowRemainingDays;
  return Math.max(0, Math.min(byShare, byRemaining));
}

/** A decided item keeps the lamp of how it ended: green on time, red late. */
export function lampFor(
  input: { limitDays: number; elapsedDays: number; decided: boolean },
  t: LampThresholds,
): Lamp {
  const { limitDays, elapsedDays, decided } = input;
  if (elapsedDays > limitDays) return 'red';
  if (decided) return 'green';
  return elapsedDays >= yellowThreshold(limitDays, t) ? 'yellow' : 'green';
}

/**
 * The first date on which an undecided item's lamp is yellow, assuming no further clock stops; the
 * sweeper indexes items by it. On or before `today` when the lamp is already yellow.
 */
export function yellowFromDate(
  cal: WorkingCalendar,
  start: IsoDate,
  limitDays: number,
  stops: ClockStop[],
  today: IsoDate,
  t: LampThresholds,
): IsoDate {
  const threshold = yellowThreshold(limitDays, t);
  if (threshold === 0) return start;
  return cal.addWorkingDays(start, threshold + stoppedWorkingDays(cal, stops, today, start)).date;
}

/** The first date on which an undecided item's lamp is red (the working day after the due date). */
export function redFromDate(
  cal: WorkingCalendar,
  start: IsoDate,
  limitDays: number,
  stops: ClockStop[],
  today: IsoDate,
): IsoDate {
  return cal.addWorkingDays(start, limitDays + 1 + stoppedWorkingDays(cal, stops, today, start)).date;
}
