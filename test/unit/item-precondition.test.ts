import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { itemUnchangedSince, stampChangedItems } from '../../shared/domain/item-precondition.js';
import type { CaseItem, StageCase } from '../../shared/domain/model.js';

const item = (code: string, over: Partial<CaseItem> = {}): CaseItem => ({
  code,
  name: code,
  department: code === 'a' ? 'nrp' : 'ndrc',
  statutoryDays: 20,
  promisedDays: 10,
  status: 'inReview',
  startDate: '2026-03-02',
  clockStops: [],
  ...over,
});
const withItems = (items: CaseItem[]) => ({ items }) as unknown as StageCase;

describe('item-scoped preconditions', () => {
  it('stamps only the item whose reviewable state changed', () => {
    const before = withItems([item('a'), item('b')]);
    const decided = withItems([
      item('a', { status: 'approved', decision: { outcome: 'approve', by: 'r', at: 't' } }),
      item('b'),
    ]);
    const next = stampChangedItems(before, decided, 7);
    expect(next.items.map((i) => i.changedAtVersion)).toEqual([7, undefined]);
  });

  it('ignores what the sweeper adds (lamps announced, escalations): reviewers did not decide on it', () => {
    const before = withItems([item('a')]);
    const swept = withItems([item('a', { lampNotified: 'yellow', escalations: [] })]);
    expect(stampChangedItems(before, swept, 3)).toBe(swept);
  });

  it('treats an item as unchanged since a version at or after its last change, and an unknown item as changed', () => {
    const c = withItems([item('a', { changedAtVersion: 5 }), item('b')]);
    expect(itemUnchangedSince(c, 'a', 4)).toBe(false);
    expect(itemUnchangedSince(c, 'a', 5)).toBe(true);
    expect(itemUnchangedSince(c, 'a', 9)).toBe(true);
    expect(itemUnchangedSince(c, 'b', 1)).toBe(true);
    expect(itemUnchangedSince(c, 'zz', 9)).toBe(false);
  });

  it('after any change, the changed item is stale for every version seen before it and fresh after', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (version, seen) => {
        const before = withItems([item('a'), item('b')]);
        const after = stampChangedItems(
          before,
          withItems([item('a', { status: 'specialProcedure' }), item('b')]),
          version,
        );
        expect(itemUnchangedSince(after, 'a', seen)).toBe(seen >= version);
        // the other department's item never went stale
        expect(itemUnchangedSince(after, 'b', seen)).toBe(true);
      }),
    );
  });
});
