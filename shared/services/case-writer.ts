import { authorize } from '../domain/authz.js';
import { deliveryRulesOf } from '../domain/delivery.js';
import { conflict, DomainError } from '../domain/errors.js';
import { itemUnchangedSince, stampChangedItems } from '../domain/item-precondition.js';
import type { StageCase, Versioned } from '../domain/model.js';
import type { AuditEventDraft, Change } from '../ports/store.js';
import type { CalendarService } from './calendar.js';
import { caseIndexes } from './case-indexes.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { commit, load, nowIso, today } from './unit-of-work.js';

/** How many times a mutation is retried when another writer changed the case in between. */
const MAX_RETRIES = 5;

/**
 * The write path every case use case shares: a case's store change (value, indexes, events) and
 * the read–decide–write loop around it.
 */
export class CaseWriter {
  constructor(
    private readonly deps: Deps,
    private readonly calendar: CalendarService,
  ) {}

  /** Builds the store change of a case: value, derived indexes and audit events. */
  async change(c: StageCase, expectedVersion: number, events: AuditEventDraft[]): Promise<Change> {
    const cal = await this.calendar.current();
    return {
      kind: 'stageCase',
      id: c.id,
      expectedVersion,
      value: c,
      indexes: caseIndexes(
        cal,
        c,
        today(this.deps),
        this.deps.province.lamps,
        this.deps.province.escalation,
        deliveryRulesOf(this.deps.province),
      ),
      events,
    };
  }

  /**
   * Read–decide–write with optimistic concurrency. With an expected version from the client a
   * mismatch is the client's conflict; without one, a lost race is retried on fresh state.
   */
  async mutate(
    ctx: Ctx,
    caseId: string,
    /** the version the caller saw; with an item code, only that item must be unchanged since */
    expected: number | { itemCode: string; version: number } | undefined,
    decide: (c: StageCase) => Promise<{
      next: StageCase;
      events: { type: string; data: Record<string, unknown> }[];
      /** drafts complete with id and time (signed payloads), appended after `events` */
      signed?: AuditEventDraft[];
    }>,
    extra?: (c: StageCase) => Promise<Change[]>,
    /** the case as the caller just read it: the first attempt starts from it instead of reading again */
    preloaded?: Versioned<StageCase>,
  ): Promise<{ before: StageCase; saved: Versioned<StageCase> }> {
    for (let attempt = 0; ; attempt++) {
      const { value: c, version } =
        attempt === 0 && preloaded
          ? preloaded
          : await load<StageCase>(this.deps, 'stageCase', caseId, '办件');
      const expectedVersion = typeof expected === 'object' ? expected.version : expected;
      const stale =
        expectedVersion !== undefined &&
        expectedVersion !== version &&
        !(typeof expected === 'object' && itemUnchangedSince(c, expected.itemCode, expected.version));
      if (stale) {
        // Authorisation first: a stranger learns nothing about the case from a version conflict.
        authorize(ctx.actor, 'case.read', scopeOf(c));
        throw conflict('VERSION_CONFLICT', '数据已被他人修改，请刷新后重试', {
          expected: expectedVersion,
          actual: version,
        });
      }
      const decided = await decide(c);
      const { events, signed = [] } = decided;
      if (decided.next === c && events.length === 0) return { before: c, saved: { value: c, version } };
      const next = stampChangedItems(c, decided.next, version + 1);
      const at = nowIso(this.deps);
      const drafts = [
        ...events.map((e) => ({ type: e.type, actor: ctx.actor.id, at, data: e.data })),
        ...signed,
      ];
      const changes = [await this.change(next, version, drafts), ...(extra ? await extra(c) : [])];
      try {
        await commit(this.deps, ctx, changes, { status: 200, body: { ...next, version: version + 1 } });
        return { before: c, saved: { value: next, version: version + 1 } };
      } catch (err) {
        // an unconditional or item-scoped change is simply redone on the newer case
        const retry =
          (expected === undefined || typeof expected === 'object') &&
          err instanceof DomainError &&
          err.code === 'VERSION_CONFLICT' &&
          attempt < MAX_RETRIES;
        if (!retry) throw err;
      }
    }
  }
}

export function scopeOf(c: StageCase) {
  return { ownerCreditCode: c.applicant.creditCode, departments: c.items.map((i) => i.department) };
}
