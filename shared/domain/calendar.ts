/**
 * Working days of the Chinese calendar (行政许可法 art. 82: limits count working days).
 *
 * Dates are `YYYY-MM-DD` strings converted to day numbers (days since 1970-01-01) with integer
 * arithmetic, so nothing depends on the host's time zone. The built-in data comes from chinese-days;
 * years it has no data for are NOT covered (the library itself silently treats them as ordinary
 * weeks), and an administrator loads each new year's arrangement when the State Council publishes it.
 */
import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { z } from 'zod';
import { invalid } from './errors.js';
import type { IsoDate } from './model.js';

/** One year's State Council arrangement. */
export interface YearArrangement {
  year: number;
  /** days off that would otherwise be working days (weekend days are tolerated and change nothing) */
  holidays: IsoDate[];
  /** weekend days made working days (调休) */
  workdays: IsoDate[];
  /** where the data came from, e.g. 国办发明电〔2025〕7号 */
  source?: string;
}

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

// Howard Hinnant's days_from_civil / civil_from_days: exact for the proleptic Gregorian calendar.
function dayNumberOf(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilOf(n: number): { y: number; m: number; d: number } {
  const z0 = n + 719468;
  const era = Math.floor(z0 / 146097);
  const doe = z0 - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

function parseDay(s: string): number | undefined {
  const m = ISO_DATE_RE.exec(s);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const n = dayNumberOf(y, mo, d);
  const back = civilOf(n);
  return back.m === mo && back.d === d ? n : undefined;
}

const pad = (v: number, w: number) => String(v).padStart(w, '0');

function formatDay(n: number): IsoDate {
  const { y, m, d } = civilOf(n);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

function toDay(date: IsoDate): number {
  const n = parseDay(date);
  if (n === undefined) {
    throw invalid('INVALID_DATE', '日期格式无效，应为 YYYY-MM-DD', { date });
  }
  return n;
}

const yearOfDay = (n: number): number => civilOf(n).y;
/** 0 = Sunday … 6 = Saturday; day 0 (1970-01-01) was a Thursday. */
const weekdayOf = (n: number): number => (((n + 4) % 7) + 7) % 7;
const isWeekendDay = (n: number): boolean => {
  const w = weekdayOf(n);
  return w === 0 || w === 6;
};

export function isIsoDate(s: string): boolean {
  return parseDay(s) !== undefined;
}

export function addCalendarDays(date: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n)) throw invalid('INVALID_DAY_COUNT', '天数必须是整数', { n });
  return formatDay(toDay(date) + n);
}

/** The calendar date in Asia/Shanghai (UTC+8 all year, no DST) of an instant. */
export function shanghaiDate(instant: Date | string): IsoDate {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  if (Number.isNaN(ms)) throw invalid('INVALID_INSTANT', '时间格式无效', { instant: String(instant) });
  return formatDay(Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS));
}

const isoDateSchema = z.string().refine(isIsoDate, { message: '日期格式无效，应为 YYYY-MM-DD' });

/**
 * An arrangement may reach back into December of the year before: the New Year holiday sometimes
 * starts on 30/31 December or needs a make-up Saturday then (e.g. 2018-12-29 for 2019).
 */
function belongsTo(date: IsoDate, year: number): boolean {
  return date.startsWith(`${pad(year, 4)}-`) || date.startsWith(`${pad(year - 1, 4)}-12-`);
}

export const yearArrangementSchema: z.ZodType<YearArrangement> = z
  .object({
    year: z.number().int().min(1949).max(2999),
    holidays: z.array(isoDateSchema),
    workdays: z.array(isoDateSchema),
    source: z.string().max(500).optional(),
  })
  .superRefine((a, ctx) => {
    for (const key of ['holidays', 'workdays'] as const) {
      a[key].forEach((date, i) => {
        if (isIsoDate(date) && !belongsTo(date, a.year)) {
          ctx.addIssue({
            code: 'custom',
            path: [key, i],
            message: `${date} 不属于 ${a.year} 年的放假安排`,
          });
        }
      });
    }
    a.workdays.forEach((date, i) => {
      const n = parseDay(date);
      if (n !== undefined && !isWeekendDay(n)) {
        ctx.addIssue({ code: 'custom', path: ['workdays', i], message: `${date} 不是周末，无需调休上班` });
      }
    });
    const holidays = new Set(a.holidays);
    a.workdays.forEach((date, i) => {
      if (holidays.has(date)) {
        ctx.addIssue({
          code: 'custom',
          path: ['workdays', i],
          message: `${date} 不能同时是节假日和调休工作日`,
        });
      }
    });
  });

/**
 * The chinese-days data, one arrangement per year it really has. A year counts as known when it lists
 * days off outside December (the Spring Festival always falls in January or February); December
 * entries of an unknown year belong to the next year's arrangement (its New Year holiday).
 */
function builtInArrangements(): YearArrangement[] {
  const known = new Set<number>();
  for (const date of Object.keys(chineseDays.holidays)) {
    if (date.slice(5, 7) !== '12') known.add(Number(date.slice(0, 4)));
  }
  const byYear = new Map<number, YearArrangement>();
  for (const year of known) byYear.set(year, { year, holidays: [], workdays: [], source: 'chinese-days' });
  const owner = (date: string): YearArrangement | undefined => {
    const year = Number(date.slice(0, 4));
    return byYear.get(year) ?? (date.slice(5, 7) === '12' ? byYear.get(year + 1) : undefined);
  };
  for (const date of Object.keys(chineseDays.holidays)) owner(date)?.holidays.push(date);
  for (const date of Object.keys(chineseDays.workdays)) owner(date)?.workdays.push(date);
  return [...byYear.values()].sort((a, b) => a.year - b.year);
}

let builtIn: WorkingCalendar | undefined;

export class WorkingCalendar {
  /** day number → working? for every day that differs from, or is named by, an arrangement */
  private readonly overrides = new Map<number, boolean>();
  private readonly years: number[];

  private constructor(private readonly arrangements: ReadonlyMap<number, YearArrangement>) {
    this.years = [...arrangements.keys()].sort((a, b) => a - b);
    // Ascending order, so a year's own reach into the previous December wins over the older data.
    for (const year of this.years) {
      const a = arrangements.get(year)!;
      for (const d of a.holidays) this.overrides.set(toDay(d), false);
      for (const d of a.workdays) this.overrides.set(toDay(d), true);
    }
  }

  /** Built-in years from chinese-days plus loaded arrangements, which replace a built-in year. */
  static fromChineseDays(extra: YearArrangement[] = []): WorkingCalendar {
    builtIn ??= WorkingCalendar.fromArrangements(builtInArrangements());
    let cal = builtIn;
    for (const a of extra) cal = cal.withArrangement(a);
    return cal;
  }

  /** A calendar that knows only the given years (tests, or a province that loads everything itself). */
  static fromArrangements(arrangements: YearArrangement[]): WorkingCalendar {
    const map = new Map<number, YearArrangement>();
    for (const a of arrangements) map.set(a.year, parseArrangement(a));
    return new WorkingCalendar(map);
  }

  /** A new calendar with `a` added, or replacing the arrangement of its year. */
  withArrangement(a: YearArrangement): WorkingCalendar {
    const parsed = parseArrangement(a);
    const map = new Map(this.arrangements);
    map.set(parsed.year, parsed);
    return new WorkingCalendar(map);
  }

  coveredYears(): number[] {
    return [...this.years];
  }

  arrangementOf(year: number): YearArrangement | undefined {
    const a = this.arrangements.get(year);
    return a && { ...a, holidays: [...a.holidays], workdays: [...a.workdays] };
  }

  covers(date: IsoDate): boolean {
    return this.arrangements.has(yearOfDay(toDay(date)));
  }

  /** Unknown years fall back to Monday–Friday: the best guess until the arrangement is published. */
  isWorkingDay(date: IsoDate): boolean {
    return this.isWorkingDayN(toDay(date));
  }

  /** The n-th working day strictly after `date`; provisional when a day passed lies in an uncovered year. */
  addWorkingDays(date: IsoDate, n: number): { date: IsoDate; provisional: boolean } {
    if (!Number.isInteger(n) || n < 0) {
      throw invalid('INVALID_WORKING_DAYS', '工作日天数必须是非负整数', { n });
    }
    const start = toDay(date);
    let day = start;
    for (let left = n; left > 0; ) {
      day++;
      if (this.isWorkingDayN(day)) left--;
    }
    return { date: formatDay(day), provisional: day > start && this.anyUncovered(start + 1, day) };
  }

  /** Working days in (from, to]; 0 when to <= from. */
  workingDaysBetween(from: IsoDate, to: IsoDate): number {
    return this.countWorkingDays(toDay(from), toDay(to));
  }

  private countWorkingDays(fromN: number, toN: number): number {
    let count = 0;
    for (let day = fromN + 1; day <= toN; day++) {
      if (this.isWorkingDayN(day)) count++;
    }
    return count;
  }

  private isWorkingDayN(n: number): boolean {
    return this.overrides.get(n) ?? !isWeekendDay(n);
  }

  private anyUncovered(fromN: number, toN: number): boolean {
    const last = yearOfDay(toN);
    for (let y = yearOfDay(fromN); y <= last; y++) {
      if (!this.arrangements.has(y)) return true;
    }
    return false;
  }
}

function parseArrangement(a: YearArrangement): YearArrangement {
  const r = yearArrangementSchema.safeParse(a);
  if (!r.success) {
    throw invalid('INVALID_YEAR_ARRANGEMENT', '放假安排数据无效', {
      year: a.year,
      issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return {
    ...r.data,
    holidays: [...new Set(r.data.holidays)].sort(),
    workdays: [...new Set(r.data.workdays)].sort(),
  };
}
