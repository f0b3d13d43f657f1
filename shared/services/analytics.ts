import { type Analytics, bottleneckAnalytics } from '../domain/analytics.js';
import { authorize } from '../domain/authz.js';
import { invalid } from '../domain/errors.js';
import {
  type BacktestResult,
  backtest,
  FORECAST_LATE_THRESHOLD,
  type ForecastRow,
  forecastOpenItems,
  History,
  historyOf,
} from '../domain/forecast.js';
import type { Instant, IsoDate, Project, StageCase } from '../domain/model.js';
import type { CalendarService } from './calendar.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { allIds, loadValues } from './store-reads.js';
import { nowIso, today } from './unit-of-work.js';

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * Cases that hold decided or open items: an item is decided only in a case under review or in one
 * closed with a decision (terminated cases may keep items decided before the end). Submitted,
 * correction-requested and refused cases have no clock yet.
 */
const CASE_KEYS = ['underReview', 'approved', 'rejected', 'terminated'].map((s) => `stageCase:${s}`);

export interface AnalyticsReport extends Analytics {
  kind: 'analytics';
  province: string;
  provinceName: string;
  generatedAt: Instant;
}

export interface ForecastReport {
  kind: 'forecast';
  province: string;
  provinceName: string;
  generatedAt: Instant;
  asOf: IsoDate;
  threshold: number;
  /** open items under review */
  openItems: number;
  forecastLate: number;
  /** of those, still green: the early warnings the lamps do not give yet */
  forecastLateGreen: number;
  rows: ForecastRow[];
  backtest: BacktestResult;
}

/**
 * 卡点分析 and 风险预警 from the store: one pass over the status index lists of the cases that carry
 * items with a clock, read in batches (getMany); every figure is then computed in memory.
 */
export class AnalyticsService {
  constructor(
    private readonly deps: Deps,
    private readonly calendar: CalendarService,
  ) {}

  /** The bottleneck analysis of `from`..`to` (YYYY-MM; default the twelve months to this one) and the headline figures. */
  async analytics(
    ctx: Ctx,
    period: { year?: number; from?: string; to?: string } = {},
  ): Promise<AnalyticsReport> {
    authorize(ctx.actor, 'report.read');
    const day = today(this.deps);
    const { from, to } = periodOf(period, day);
    const [cases, projects] = await Promise.all([loadCases(this.deps), this.projects()]);
    const { province } = this.deps;
    return {
      kind: 'analytics',
      province: province.code,
      provinceName: province.name,
      generatedAt: nowIso(this.deps),
      ...bottleneckAnalytics({
        cases,
        projects,
        from,
        to,
        today: day,
        cal: await this.calendar.current(),
        names: province,
      }),
    };
  }

  /** Forecast of every open item on today, and the back-test over the closed ones. */
  async forecast(ctx: Ctx): Promise<ForecastReport> {
    authorize(ctx.actor, 'report.read');
    const day = today(this.deps);
    const cases = await loadCases(this.deps);
    const cal = await this.calendar.current();
    const rows = forecastRows(this.deps, cases, cal, day);
    const { province } = this.deps;
    return {
      kind: 'forecast',
      province: province.code,
      provinceName: province.name,
      generatedAt: nowIso(this.deps),
      asOf: day,
      threshold: FORECAST_LATE_THRESHOLD,
      openItems: rows.length,
      forecastLate: rows.filter((r) => r.forecastLate).length,
      forecastLateGreen: rows.filter((r) => r.forecastLate && r.lamp === 'green').length,
      rows,
      backtest: backtest(cases, cal),
    };
  }

  private async projects() {
    const ids: string[] = [];
    for (const key of ['project:admitted', 'project:exited'])
      ids.push(...(await allIds(this.deps.store, 'status', key)));
    const projects = await loadValues<Project>(this.deps.store, 'project', ids);
    // an exited project was in the channel from its admission on
    return projects.map((p) => ({
      id: p.id,
      ...(p.admission.decidedAt ? { admittedAt: p.admission.decidedAt } : {}),
    }));
  }
}

function forecastRows(
  deps: Deps,
  cases: readonly StageCase[],
  cal: Awaited<ReturnType<CalendarService['current']>>,
  day: IsoDate,
): ForecastRow[] {
  const { province } = deps;
  return forecastOpenItems(
    cases,
    new History(historyOf(cases, cal)),
    day,
    cal,
    province.lamps,
    Object.fromEntries(province.departments.map((d) => [d.code, d.name])),
  );
}

/** 周调度's forecast-late section: items forecast late while their lamp is still green. */
export async function forecastLateGreen(
  deps: Deps,
  calendar: CalendarService,
  day: IsoDate,
): Promise<ForecastRow[]> {
  const cases = await loadCases(deps);
  return forecastRows(deps, cases, await calendar.current(), day).filter(
    (r) => r.forecastLate && r.lamp === 'green',
  );
}

function periodOf(period: { year?: number; from?: string; to?: string }, day: IsoDate) {
  if (period.year !== undefined) {
    if (!Number.isInteger(period.year) || period.year < 2000 || period.year > 2100) {
      throw invalid('YEAR_INVALID', '年度应为 2000–2100 之间的整数', { year: period.year });
    }
    return { from: `${period.year}-01`, to: `${period.year}-12` };
  }
  const current = day.slice(0, 7);
  const y = Number(current.slice(0, 4));
  const m = Number(current.slice(5, 7));
  const yearAgo = m === 12 ? `${y}-01` : `${y - 1}-${String(m + 1).padStart(2, '0')}`;
  const from = period.from ?? yearAgo;
  const to = period.to ?? current;
  for (const [name, v] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!MONTH_RE.test(v)) throw invalid('MONTH_INVALID', '月份格式无效，应为 YYYY-MM', { [name]: v });
  }
  if (from > to) throw invalid('PERIOD_INVALID', '起始月份不能晚于截止月份', { from, to });
  return { from, to };
}

async function loadCases(deps: Deps): Promise<StageCase[]> {
  const ids: string[] = [];
  for (const key of CASE_KEYS) ids.push(...(await allIds(deps.store, 'status', key)));
  return loadValues<StageCase>(deps.store, 'stageCase', ids);
}
