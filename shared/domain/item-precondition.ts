import { canonicalJson } from './audit-chain.js';
import type { CaseItem, StageCase } from './model.js';

/**
 * Item-scoped optimistic concurrency. Departments review the items of one case in parallel, so the
 * case's version moves whenever any department acts; a reviewer's `If-Match` names the version they
 * saw, and what they decided on is their item. Each item records the case version at which its own
 * reviewable state last changed, so a decision is refused only when that item changed since.
 */

/** What a reviewer decides on; lamps and escalation notes the sweeper adds are not part of it. */
function reviewableState(item: CaseItem): string {
  return canonicalJson({
    status: item.status,
    startDate: item.startDate ?? null,
    clockStops: item.clockStops,
    correction: item.correction ?? null,
    decision: item.decision ?? null,
    assignee: item.assignee ?? null,
  });
}

/** Stamps `changedAtVersion` on the items whose reviewable state differs between the two cases. */
export function stampChangedItems(before: StageCase, next: StageCase, nextVersion: number): StageCase {
  const earlier = new Map(before.items.map((i) => [i.code, i]));
  let changed = false;
  const items = next.items.map((item) => {
    const old = earlier.get(item.code);
    // transitions copy only the items they change: the same object is the same state
    if (old === item || (old && reviewableState(old) === reviewableState(item))) return item;
    changed = true;
    return { ...item, changedAtVersion: nextVersion };
  });
  return changed ? { ...next, items } : next;
}

/**
 * True when the item is as it was at `seenVersion`: nothing a reviewer decides on changed since.
 * An unknown item counts as changed (the action will be refused by the domain anyway).
 */
export function itemUnchangedSince(c: StageCase, itemCode: string, seenVersion: number): boolean {
  const item = c.items.find((i) => i.code === itemCode);
  if (!item) return false;
  return (item.changedAtVersion ?? 0) <= seenVersion;
}
