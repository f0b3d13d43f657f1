import type { AggregateKind, IndexName, QueryOptions, Store } from '../ports/store.js';

/** Index pages and batch reads sized for report-style scans over the whole province. */
const PAGE = 200;
const BATCH = 100;

/** Every id an index key lists, page by page. */
export async function allIds(
  store: Pick<Store, 'query'>,
  index: IndexName,
  key: string,
  options: Omit<QueryOptions, 'limit' | 'cursor'> = {},
): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query(index, key, { ...options, limit: PAGE, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((h) => h.id));
    cursor = page.cursor;
  } while (cursor);
  return ids;
}

/** The values of the aggregates named (each once, in the order first named), read in batches. */
export async function loadValues<T>(
  store: Pick<Store, 'getMany'>,
  kind: AggregateKind,
  ids: readonly string[],
): Promise<T[]> {
  const unique = [...new Set(ids)];
  const out: T[] = [];
  for (let i = 0; i < unique.length; i += BATCH) {
    for (const v of await store.getMany<T>(kind, unique.slice(i, i + BATCH))) out.push(v.value);
  }
  return out;
}
