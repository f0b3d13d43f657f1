import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BucketState, takeToken } from '../../shared/domain/token-bucket.js';

describe('takeToken (token bucket)', () => {
  const policy = { capacity: 5, perSecond: 2 };

  it('allows a burst up to the capacity, then refuses with the time until the next token', () => {
    let state: BucketState | undefined;
    for (let i = 0; i < 5; i++) {
      const r = takeToken(state, 1000, policy);
      expect(r.allowed).toBe(true);
      state = r.state;
    }
    const refused = takeToken(state, 1000, policy);
    expect(refused).toMatchObject({ allowed: false, retryAfterMs: 500 });
    expect(takeToken(refused.state, 1500, policy).allowed).toBe(true);
  });

  it('never allows more than capacity + rate × elapsed, whatever the request times', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 200 }), (gaps) => {
        let now = 0;
        let state: BucketState | undefined;
        let allowed = 0;
        for (const gap of gaps) {
          now += gap;
          const r = takeToken(state, now, policy);
          state = r.state;
          if (r.allowed) allowed++;
        }
        expect(allowed).toBeLessThanOrEqual(policy.capacity + (now / 1000) * policy.perSecond + 1e-9);
      }),
    );
  });

  it('gains nothing from a clock that steps back', () => {
    let state = takeToken(undefined, 10_000, { capacity: 1, perSecond: 1 }).state;
    const back = takeToken(state, 0, { capacity: 1, perSecond: 1 });
    expect(back.allowed).toBe(false);
    state = back.state;
    expect(takeToken(state, 10_500, { capacity: 1, perSecond: 1 }).allowed).toBe(false);
  });
});
