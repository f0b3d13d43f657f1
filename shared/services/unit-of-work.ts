import { shanghaiDate } from '../domain/calendar.js';
import { notFound } from '../domain/errors.js';
import type { Versioned } from '../domain/model.js';
import type { DomainEvent } from '../ports/runtime.js';
import type { AggregateKind, AuditEvent, Change, CommitResult, IdempotencyRecord } from '../ports/store.js';
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
 * Commits the changes with the request's idempotency record (when it carried a key) so the stored
 * answer and the change land together, then publishes the audit events as domain events.
 */
export async function commit(
  deps: Deps,
  ctx: Ctx | undefined,
  changes: Change[],
  response?: { status: number; body: unknown },
): Promise<CommitResult> {
  const idem: IdempotencyRecord | undefined =
    ctx?.idempotency && response
      ? { ...ctx.idempotency, status: response.status, body: response.body, at: nowIso(deps) }
      : undefined;
  const result = await deps.store.commit(changes, idem);
  await publish(deps, result.events);
  return result;
}

/** Audit events double as domain events; the id is stable, so receivers can deduplicate. */
export function toDomainEvent(province: string, e: AuditEvent): DomainEvent {
  return {
    id: `${province}:${e.stream}#${e.seq}`,
    type: e.type,
    version: 1,
    source: province,
    time: e.at,
    subject: e.stream,
    data: e.data,
  };
}

async function publish(deps: Deps, events: AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  try {
    await deps.events.publish(events.map((e) => toDomainEvent(deps.province.code, e)));
  } catch (err) {
    // The store is the source of truth; a failed notification must not undo an acknowledged change.
    console.error('event publication failed', err);
  }
}
