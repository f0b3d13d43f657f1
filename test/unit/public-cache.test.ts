import { describe, expect, it } from 'vitest';
import { SenderRateLimiter } from '../../functions/http/limits.js';
import { TtlCache } from '../../functions/http/public-cache.js';

/** The edge's cache of public answers and the per-address limit's memory bound. */
describe('TtlCache', () => {
  it('computes once per key within its time, again after it, never when the time is 0', async () => {
    let now = 0;
    let computed = 0;
    const cache = new TtlCache<number>(60_000, () => now);
    const compute = async () => ++computed;
    expect(await cache.get('a', compute)).toBe(1);
    now = 59_999;
    expect(await cache.get('a', compute)).toBe(1);
    expect(await cache.get('b', compute)).toBe(2);
    now = 60_000;
    expect(await cache.get('a', compute)).toBe(3);
    cache.delete('a');
    expect(await cache.get('a', compute)).toBe(4);
    const off = new TtlCache<number>(0, () => now);
    expect(await off.get('a', compute)).toBe(5);
    expect(await off.get('a', compute)).toBe(6);
  });

  it('keeps at most its bound of entries', async () => {
    const cache = new TtlCache<string>(60_000, () => 0, 3);
    for (const k of ['a', 'b', 'c', 'd']) await cache.get(k, async () => k);
    let recomputed = false;
    await cache.get('a', async () => {
      recomputed = true;
      return 'a';
    });
    expect(recomputed).toBe(true);
  });
});

describe('SenderRateLimiter memory bound', () => {
  it('drops refilled buckets when full, which changes no answer', () => {
    let now = 0;
    const limiter = new SenderRateLimiter({ capacity: 2, perSecond: 1 }, () => now, 3);
    limiter.take('a');
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');
    expect(limiter.size).toBe(3);
    expect(() => limiter.take('a')).toThrow(/TOO_MANY_REQUESTS/);
    now = 2_000; // every bucket has refilled
    limiter.take('d');
    expect(limiter.size).toBe(1);
    // a still-draining bucket survives the pruning
    limiter.take('d');
    limiter.take('e');
    limiter.take('f');
    limiter.take('g');
    expect(() => limiter.take('d')).toThrow(/TOO_MANY_REQUESTS/);
  });
});
