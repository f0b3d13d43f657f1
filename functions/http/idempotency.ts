import type { Context, TypedResponse } from 'hono';
import type { StatusCode } from 'hono/utils/http-status';
import type { JSONParsed } from 'hono/utils/types';
import { canonicalJson, sha256Hex } from '../../shared/domain/audit-chain.js';
import { DomainError } from '../../shared/domain/errors.js';
import type { Clock } from '../../shared/ports/runtime.js';
import { type IdempotencyRecord, idempotencyExpired, type Store } from '../../shared/ports/store.js';
import type { IdempotencyIntent } from '../../shared/services/context.js';
import { type AppEnv, actorOf } from './auth.js';
import { setVersionHeader } from './etag.js';
import { HttpProblem } from './problem.js';

/**
 * `Idempotency-Key` on POSTs that create or decide: a retried request gets the first answer back
 * instead of acting twice. The service writes the record atomically with its change, so a stored
 * answer exists exactly when the change does.
 */

/** What the service needs to write the record with its change (it adds status, body and time). */
export type { IdempotencyIntent };

/** A JSON answer typed with its body and status, as `c.json(body, status)` returns it. */
export type JsonResponse<T, S extends StatusCode> = Response & TypedResponse<JSONParsed<T>, S, 'json'>;

const KEY_PATTERN = /^[A-Za-z0-9_\-:.]{1,128}$/;
export const REPLAY_HEADER = 'Idempotent-Replayed';

/** Key order and undefined fields do not make two requests different. */
export function requestHash(body: unknown): string {
  return sha256Hex(canonicalJson(body ?? null));
}

/**
 * Keys are per caller and per concrete resource path: the same key sent by another person, or for
 * another case, is a different request (decision bodies do not name the case they decide).
 */
export function idempotencyScope(actorId: string, method: string, path: string): string {
  return `${actorId} ${method.toUpperCase()} ${path}`;
}

/**
 * Runs `run` under the request's Idempotency-Key and answers `status` with its body; a repeat of the
 * same request answers the stored body again. Typed: the answer carries `B` and `S`, so a route's
 * handler that returns it is checked against the route's response schema. Refusals (a malformed key,
 * a key reused for another request) are thrown as problems, not returned.
 */
export async function withIdempotency<B extends object, S extends 200 | 201>(
  c: Context<AppEnv>,
  deps: { store: Pick<Store, 'getIdempotency' | 'get'>; clock: Clock },
  body: unknown,
  status: S,
  run: (intent?: IdempotencyIntent) => Promise<B>,
): Promise<JsonResponse<B, S>> {
  const key = c.req.header('idempotency-key');
  if (key === undefined) {
    const answer: B = await run(undefined);
    return c.json(answer, status);
  }
  if (!KEY_PATTERN.test(key)) {
    throw new HttpProblem(
      400,
      'IDEMPOTENCY_KEY_INVALID',
      '幂等键格式不正确：应为 1–128 个字母、数字或 _ - : . 字符',
    );
  }
  const intent: IdempotencyIntent = {
    scope: idempotencyScope(actorOf(c).id, c.req.method, c.req.path),
    key,
    requestHash: requestHash(body),
  };

  // an expired record answers nothing: the same key is then a new request (the store replaces it)
  const now = deps.clock.now().toISOString();
  const earlier = await deps.store.getIdempotency(intent.scope, key);
  if (earlier && !idempotencyExpired(earlier, now)) {
    return replay<B, S>(c, await answerOf(deps.store, earlier), intent, status);
  }

  try {
    const answer: B = await run(intent);
    return c.json(answer, status);
  } catch (err) {
    if (!(err instanceof DomainError && err.code === 'IDEMPOTENCY_KEY_USED')) throw err;
    // A concurrent duplicate committed first; nothing of ours was written. Answer as it did.
    const winner = await deps.store.getIdempotency(intent.scope, key);
    if (winner) return replay<B, S>(c, await answerOf(deps.store, winner), intent, status);
    throw new DomainError('conflict', 'IDEMPOTENCY_KEY_IN_PROGRESS', '相同幂等键的请求正在处理，请稍后重试');
  }
}

/**
 * The stored answer: the body kept, or the aggregate the record points at, as it is now (the same
 * answer unless the aggregate changed since; a replay then shows its current state and version).
 */
async function answerOf(store: Pick<Store, 'get'>, record: IdempotencyRecord): Promise<IdempotencyRecord> {
  if (!record.ref) return record;
  const found = await store.get<Record<string, unknown>>(record.ref.kind, record.ref.id);
  return { ...record, body: found ? { ...found.value, version: found.version } : null };
}

function replay<B extends object, S extends 200 | 201>(
  c: Context<AppEnv>,
  record: IdempotencyRecord,
  intent: IdempotencyIntent,
  status: S,
): JsonResponse<B, S> {
  if (record.requestHash !== intent.requestHash) {
    // The same key for a different request is a client bug; acting on it or replaying would both be wrong.
    throw new HttpProblem(422, 'IDEMPOTENCY_KEY_REUSED', '幂等键已用于不同的请求');
  }
  c.header(REPLAY_HEADER, 'true');
  // A replay answers exactly like the original, version header included.
  const version = (record.body as { version?: unknown } | null)?.version;
  if (typeof version === 'number') setVersionHeader(c, version);
  // The store keeps bodies untyped; this record holds the answer the same operation (same caller,
  // method and path) gave the first time, so it has the operation's body type. The status is the
  // operation's too (services record the status their route answers).
  return c.json(record.body as B, status);
}
