import { shanghaiDate } from '../domain/calendar.js';
import { notFound } from '../domain/errors.js';
import type { Versioned } from '../domain/model.js';
import type { DomainEvent } from '../ports/runtime.js';
import type {
  AggregateKind,
  AuditEventDraft,
  Change,
  CommitResult,
  IdempotencyRecord,
  IdempotencyRef,
  OutboxMessage,
} from '../ports/store.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';

export const today = (deps: Deps) => shanghaiDate(deps.clock.now());
export const nowIso = (deps: Deps) => deps.clock.now().toISOString();

export async function load<T>(
  deps: Deps,
  kind: AggregateKind,
  id: string,
  what: string,
): Promise<Versioned<T>> {
  const found = await deps.store.get<T>(kind, id);
  if (!found)
    throw notFound(`${kind.replace(/[A-Z]/g, (m) => `_${m}`).toUpperCase()}_NOT_FOUND`, `${what}不存在`);
  return found;
}

/**
 * Commits the changes with the request's idempotency record (when it carried a key) and the outbox
 * of domain events, so the stored answer, the change and what it announces land together. Then,
 * when the composition asks for it (`deps.relay`), it starts publishing in the background; whatever
 * is not published stays in the outbox for the relay.
 */
export async function commit(
  deps: Deps,
  ctx: Ctx | undefined,
  changes: Change[],
  response?: { status: number; body: unknown },
): Promise<CommitResult> {
  const now = nowIso(deps);
  const idem: IdempotencyRecord | undefined =
    ctx?.idempotency && response
      ? {
          ...ctx.idempotency,
          status: response.status,
          ...compactAnswer(changes, response.body),
          at: now,
          expiresAt: new Date(Date.parse(now) + idempotencyTtlMs(deps)).toISOString(),
        }
      : undefined;
  const outbox: OutboxMessage[] = changes.flatMap((change) =>
    change.events.map((draft) => {
      const event = domainEvent(deps, `${change.kind}/${change.id}`, draft, ctx?.correlationId);
      return { id: event.id, event, createdAt: now, attempts: 0, nextAttemptAt: now };
    }),
  );
  const result = await deps.store.commit(changes, idem, outbox.length > 0 ? outbox : undefined);
  if (outbox.length > 0) afterOutboxCommit(deps);
  return result;
}

/** A new domain event id (or the one the service chose first, when a signed payload names it). */
export const newEventId = (deps: Deps) => `${deps.province.code}:${deps.ids.next('E')}`;

function domainEvent(
  deps: Deps,
  stream: string,
  draft: AuditEventDraft,
  correlationId?: string,
): DomainEvent {
  return {
    id: draft.eventId ?? newEventId(deps),
    type: draft.type,
    version: 1,
    source: deps.province.code,
    time: draft.at,
    subject: stream,
    data: draft.data,
    // outside the signed data: a receiver may log it but never relies on it
    ...(correlationId ? { correlationId } : {}),
  };
}

const MAX_BACKOFF_MS = 5 * 60_000;
const RELAY_CONCURRENCY = 8;
const running = new WeakMap<object, { again: boolean; done: Promise<void> }>();

/**
 * After a commit that wrote outbox messages: the background relay where the process lives on
 * (locally), nothing where it is frozen after the response (Lambda: the stream-triggered relay).
 */
export function afterOutboxCommit(deps: Deps): void {
  if ((deps.relay ?? 'background') === 'background') kickRelay(deps);
}

/**
 * Starts publishing in the background, one relay per store at a time: the request that committed
 * does not wait for the bus or a partner. What a relay misses, the next kick or the timer publishes.
 * Local runtime only: on AWS (`deps.relay: 'none'`) nothing calls it.
 */
export function kickRelay(deps: Deps): void {
  const current = running.get(deps.store);
  if (current) {
    current.again = true;
    return;
  }
  const state = { again: false, done: Promise.resolve() };
  state.done = (async () => {
    do {
      state.again = false;
      await relayOutbox(deps);
    } while (state.again);
  })()
    .catch((err) => console.error('outbox relay failed', err))
    .finally(() => running.delete(deps.store));
  running.set(deps.store, state);
}

/** Resolves when the background relay of this store (if any) has finished. */
export async function relayIdle(deps: Deps): Promise<void> {
  await running.get(deps.store)?.done;
}

/**
 * Publishes due outbox messages to the province's bus, one at a time so one failing message does
 * not hold back the others; a failure is retried later with exponential backoff. Delivery is at
 * least once: a message published but not yet deleted may go out again, and receivers deduplicate.
 */
export async function relayOutbox(deps: Deps, limit = 100): Promise<{ published: number; failed: number }> {
  const due = await deps.store.dueOutbox(nowIso(deps), limit);
  let published = 0;
  let failed = 0;
  const delivered: string[] = [];
  const publishOne = async (message: OutboxMessage) => {
    try {
      await deps.events.publish([message.event as DomainEvent]);
      delivered.push(message.id);
      published += 1;
    } catch (err) {
      failed += 1;
      const attempts = message.attempts + 1;
      const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempts - 1, 20));
      const next = new Date(deps.clock.now().getTime() + delay).toISOString();
      await deps.store.rescheduleOutbox(
        message.id,
        attempts,
        next,
        err instanceof Error ? err.message : String(err),
      );
    }
  };
  // A few at a time: a slow partner does not hold back the rest, and receivers tolerate any order.
  let next = 0;
  const worker = async () => {
    while (next < due.length) await publishOne(due[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(RELAY_CONCURRENCY, due.length) }, worker));
  // Removed together: a crash before this line only means these go out again (at least once).
  if (delivered.length > 0) await deps.store.deleteOutbox(delivered);
  return { published, failed };
}

/** How long an idempotency record answers (default 24 h; GC_IDEMPOTENCY_TTL_HOURS on the runtimes). */
export const DEFAULT_IDEMPOTENCY_TTL_HOURS = 24;
export const idempotencyTtlMs = (deps: Pick<Deps, 'idempotencyTtlHours'>) =>
  (deps.idempotencyTtlHours ?? DEFAULT_IDEMPOTENCY_TTL_HOURS) * 3_600_000;

/**
 * GC_IDEMPOTENCY_TTL_HOURS as the runtimes read it: hours, or undefined for the default. A bad value
 * stops the start rather than silently replaying forever or never.
 */
export function parseIdempotencyTtlHours(raw: string | undefined): { idempotencyTtlHours?: number } {
  if (raw === undefined || raw === '') return {};
  const hours = Number(raw);
  if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 30) {
    throw new Error(`GC_IDEMPOTENCY_TTL_HOURS 应为 0 到 720 之间的小时数，收到 ${raw}`);
  }
  return { idempotencyTtlHours: hours };
}

/**
 * What an idempotency record keeps of the answer: when the answer is one of the committed
 * aggregates with its new version (`{ ...value, version }`, as every case action answers), a
 * reference to it instead of a copy; anything else as it is.
 */
export function compactAnswer(changes: Change[], body: unknown): { body?: unknown; ref?: IdempotencyRef } {
  if (body && typeof body === 'object' && typeof (body as { version?: unknown }).version === 'number') {
    const { version, ...rest } = body as Record<string, unknown> & { version: number };
    let restJson: string | undefined;
    const same = changes.find((c) => {
      if (c.expectedVersion + 1 !== version) return false;
      // the usual answer is `{ ...value, version }` of the very value committed: same fields, same
      // objects, no need to serialise a ~10 KB case twice
      if (sameFields(rest, c.value)) return true;
      restJson ??= JSON.stringify(rest);
      return JSON.stringify(c.value) === restJson;
    });
    if (same) return { ref: { kind: same.kind, id: same.id, version } };
  }
  return { body };
}

function sameFields(a: Record<string, unknown>, b: unknown): boolean {
  if (!b || typeof b !== 'object') return false;
  const keys = Object.keys(a);
  const other = b as Record<string, unknown>;
  return keys.length === Object.keys(other).length && keys.every((k) => Object.is(a[k], other[k]));
}
