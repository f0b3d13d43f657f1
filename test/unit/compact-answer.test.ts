import { describe, expect, it } from 'vitest';
import type { Change } from '../../shared/ports/store.js';
import { compactAnswer } from '../../shared/services/unit-of-work.js';

const change = (value: Record<string, unknown>, expectedVersion = 3): Change => ({
  kind: 'stageCase',
  id: 'C-1',
  expectedVersion,
  value,
  indexes: [],
  events: [],
});

describe('idempotency records keep a reference when the answer is the committed aggregate', () => {
  const items = [{ code: 'a', decision: { outcome: 'approve' } }];

  it('the aggregate as committed, with its new version: a reference, not a copy', () => {
    const value = { id: 'C-1', status: 'underReview', items };
    expect(compactAnswer([change(value)], { ...value, version: 4 })).toEqual({
      ref: { kind: 'stageCase', id: 'C-1', version: 4 },
    });
  });

  it('an equal copy (other objects, same content) is still the aggregate', () => {
    const value = { id: 'C-1', status: 'underReview', items };
    const copy = structuredClone({ ...value, version: 4 });
    expect(compactAnswer([change(value)], copy).ref).toEqual({ kind: 'stageCase', id: 'C-1', version: 4 });
  });

  it('an answer that differs in one field, or names another version, is kept as it is', () => {
    const value = { id: 'C-1', status: 'underReview', items };
    const changed = { ...value, status: 'approved', version: 4 };
    expect(compactAnswer([change(value)], changed)).toEqual({ body: changed });
    const otherVersion = { ...value, version: 5 };
    expect(compactAnswer([change(value)], otherVersion)).toEqual({ body: otherVersion });
    const extraField = { ...value, note: 'x', version: 4 };
    expect(compactAnswer([change(value)], extraField)).toEqual({ body: extraField });
  });

  it('an answer without a version (a list, a report) is kept as it is', () => {
    expect(compactAnswer([change({ id: 'C-1' })], { items: [] })).toEqual({ body: { items: [] } });
  });
});
