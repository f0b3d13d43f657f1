import { describe, expect, it } from 'vitest';
import { idempotencyExpired } from '../../shared/ports/store.js';
import { idempotencyTtlMs, parseIdempotencyTtlHours } from '../../shared/services/unit-of-work.js';

describe('idempotency record expiry', () => {
  it('defaults to 24 hours; GC_IDEMPOTENCY_TTL_HOURS sets it; a bad value stops the start', () => {
    expect(idempotencyTtlMs({})).toBe(24 * 3_600_000);
    expect(parseIdempotencyTtlHours(undefined)).toEqual({});
    expect(parseIdempotencyTtlHours('')).toEqual({});
    expect(idempotencyTtlMs(parseIdempotencyTtlHours('1.5'))).toBe(5_400_000);
    for (const bad of ['0', '-1', 'abc', '721', 'Infinity']) {
      expect(() => parseIdempotencyTtlHours(bad), bad).toThrow(/GC_IDEMPOTENCY_TTL_HOURS/);
    }
  });

  it('a record expires at its expiresAt; one written before expiry existed never does', () => {
    const record = { expiresAt: '2026-03-03T04:00:00.000Z' };
    expect(idempotencyExpired(record, '2026-03-03T03:59:59.999Z')).toBe(false);
    expect(idempotencyExpired(record, '2026-03-03T04:00:00.000Z')).toBe(true);
    expect(idempotencyExpired({}, '2099-01-01T00:00:00.000Z')).toBe(false);
  });
});
