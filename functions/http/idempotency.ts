import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { canonicalJson, sha256Hex } from '../../shared/domain/audit-chain.js';
import { DomainError } from '../../shared/domain/errors.js';
import type { IdempotencyRecord, Store } from '../../shared/ports/store.js';
import type { IdempotencyIntent } from '../../shared/services/context.js';
import { type AppEnv, actorOf } from './auth.js';
import { setVersionHeader } from './etag.js';
import { problemResponse } from './problem.js';

/**
 * `Idempotency-Key` on POSTs that create or decide: a retried request gets the first answer back
 * instead of acting twice. The service writes the record atomically with its change, so a stored
 * answer exists exactly when the change does.
 */

/** What the service needs to write the record with its change (it adds status, body and time). */
export type { IdempotencyIntent };

export interface IdempotentResult {
  status: number;
  body: unknown;
}

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

export async function withIdempotency(
  c: Context<AppEnv>,
  deps: { store: Pick<Store, 'getIdempotency'> },
  body: unknown,
  run: (intent?: IdempotencyIntent) => Promise<IdempotentResult>,
): Promise<Response> {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return answer(c, await run(undefined));
  if (!KEY_PATTERN.test(key)) {
    return problemResponse(c, {
      status: 400,
      code: 'IDEMPOTENCY_KEY_INVALID',
      title: '幂等键格式不正确：应为 1–128 个字母、数字或 _ - : . 字符',
    });
  }
  const intent: IdempotencyIntent = {
    scope: idempotencyScope(actorOf(c).id, c.req.method, c.req.path),
    key,
    requestHash: requestHash(body),
  };

  const earlier = await deps.store.getIdempotency(intent.scope, key);
  if (earlier) return replayOrRefuse(c, earlier, intent);

  try {
    return answer(c, await run(intent));
  } catch (err) {
    if (!(err instanceof DomainError && err.code === 'IDEMPOTENCY_KEY_USED')) throw err;
    // A concurrent duplicate committed first; nothing of ours was written. Answer as it did.
    const winner = await deps.store.getIdempotency(intent.scope, key);
    if (winner) return replayOrRefuse(c, winner, intent);
    throw new DomainError('conflict', 'IDEMPOTENCY_KEY_IN_PROGRESS', '相同幂等键的请求正在处理，请稍后重试');
  }
}

function replayOrRefuse(c: Context<AppEnv>, record: IdempotencyRecord, intent: IdempotencyIntent): Response {
  if (record.requestHash !== intent.requestHash) {
    // The same key for a different request is a client bug; acting on it or replaying would both be wrong.
    return problemResponse(c, {
      status: 422,
      code: 'IDEMPOTENCY_KEY_REUSED',
      title: '幂等键已用于不同的请求',
    });
  }
  c.header(REPLAY_HEADER, 'true');
  // A replay answers exactly like the original, version header included.
  const version = (record.body as { version?: unknown } | null)?.version;
  if (typeof version === 'number') setVersionHeader(c, version);
  return answer(c, record);
}

function answer(c: Context<AppEnv>, result: IdempotentResult): Response {
  return c.json(result.body as object, result.status as ContentfulStatusCode);
}
