/**
 * A token bucket: a sender may burst up to `capacity` requests, then `perSecond` on average. Pure:
 * the caller keeps the state (in memory per process for the HTTP rate limit) and passes the time.
 */
export interface BucketPolicy {
  capacity: number;
  perSecond: number;
}

export interface BucketState {
  tokens: number;
  /** epoch milliseconds of the last refill */
  at: number;
}

export type TakeResult =
  | { allowed: true; state: BucketState }
  | { allowed: false; state: BucketState; retryAfterMs: number };

export function takeToken(state: BucketState | undefined, nowMs: number, policy: BucketPolicy): TakeResult {
  const start = state ?? { tokens: policy.capacity, at: nowMs };
  // A clock that steps back refills nothing (and never drains either).
  const elapsed = Math.max(0, nowMs - start.at);
  const tokens = Math.min(policy.capacity, start.tokens + (elapsed / 1000) * policy.perSecond);
  const at = Math.max(start.at, nowMs);
  if (tokens >= 1) return { allowed: true, state: { tokens: tokens - 1, at } };
  const retryAfterMs = Math.ceil(((1 - tokens) / policy.perSecond) * 1000);
  return { allowed: false, state: { tokens, at }, retryAfterMs };
}
