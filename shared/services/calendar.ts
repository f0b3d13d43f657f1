import { authorize } from '../domain/authz.js';
import {
  WorkingCalendar as Calendar,
  type WorkingCalendar,
  type YearArrangement,
  yearArrangementSchema,
} from '../domain/calendar.js';
import { invalid } from '../domain/errors.js';
import type { CalendarYear } from '../domain/model.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { commit, nowIso } from './unit-of-work.js';

/** How long a process trusts its copy of the loaded years; another process may load one meanwhile. */
const CACHE_MS = 60_000;

/**
 * The working calendar: chinese-days' built-in years plus the arrangements an administrator loaded
 * (the State Council publishes next year's in November or December).
 */
export class CalendarService {
  private cached?: { at: number; calendar: WorkingCalendar; loaded: CalendarYear[] };

  constructor(private readonly deps: Deps) {}

  async current(): Promise<WorkingCalendar> {
    return (await this.snapshot()).calendar;
  }

  private async snapshot() {
    const now = Date.now();
    if (this.cached && now - this.cached.at < CACHE_MS) return this.cached;
    const hits = await this.deps.store.query('status', 'calendar:loaded', { limit: 100 });
    const years = await this.deps.store.getMany<CalendarYear>(
      'calendar',
      hits.items.map((h) => h.id),
    );
    const loaded = years.map((y) => y.value).sort((a, b) => a.year - b.year);
    this.cached = { at: now, calendar: Calendar.fromChineseDays(loaded), loaded };
    return this.cached;
  }

  async coverage() {
    const { calendar, loaded } = await this.snapshot();
    return {
      coveredYears: calendar.coveredYears(),
      loadedYears: loaded.map((y) => ({
        year: y.year,
        source: y.source,
        loadedAt: y.loadedAt,
        loadedBy: y.loadedBy,
      })),
    };
  }

  /** Loads (or replaces) one year's arrangement; deadlines computed afterwards use it. */
  async loadYear(ctx: Ctx, raw: YearArrangement): Promise<{ year: number; version: number }> {
    authorize(ctx.actor, 'calendar.manage');
    const parsed = yearArrangementSchema.safeParse(raw);
    if (!parsed.success) {
      throw invalid('CALENDAR_INVALID', '节假日安排数据不合法', {
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    const arrangement = parsed.data;
    const existing = await this.deps.store.get<CalendarYear>('calendar', String(arrangement.year));
    const value: CalendarYear = {
      ...arrangement,
      loadedAt: nowIso(this.deps),
      loadedBy: ctx.actor.id,
    };
    const result = await commit(this.deps, ctx, [
      {
        kind: 'calendar',
        id: String(arrangement.year),
        expectedVersion: existing?.version ?? 0,
        value,
        indexes: [{ index: 'status', key: 'calendar:loaded', sort: String(arrangement.year) }],
        events: [
          {
            type: 'CalendarYearLoaded',
            actor: ctx.actor.id,
            at: value.loadedAt,
            data: {
              year: arrangement.year,
              holidays: arrangement.holidays.length,
              workdays: arrangement.workdays.length,
              ...(arrangement.source ? { source: arrangement.source } : {}),
            },
          },
        ],
      },
    ]);
    this.cached = undefined;
    return { year: arrangement.year, version: result.versions[0] ?? 1 };
  }

  invalidate() {
    this.cached = undefined;
  }
}
