/**
 * The in-process cache of the public answers (信息公开): a computed answer per key, kept for a fixed
 * time. Locally one process serves a province, so repeated requests inside the time never reach the
 * store. On AWS the same code caches per warm Lambda execution environment: each environment keeps
 * its own copy (a cold start begins empty), so the store is read at most once per key, time and
 * environment — the shared cache in front is CloudFront/API Gateway honouring Cache-Control.
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    /** bounded so that a scan of made-up keys cannot grow memory without limit */
    private readonly maxEntries = 10_000,
  ) {}

  /** The cached answer of `key`, or `compute()`'s (cached when the time is above zero). */
  async get(key: string, compute: () => Promise<T>): Promise<T> {
    const at = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > at) return hit.value;
    const value = await compute();
    if (this.ttlMs > 0) {
      if (this.entries.size >= this.maxEntries) this.evictExpired(at);
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { value, until: at + this.ttlMs });
    }
    return value;
  }

  /** Forgets `key` at once (e.g. the owner changed its consent, here in this process). */
  delete(key: string): void {
    this.entries.delete(key);
  }

  private evictExpired(at: number): void {
    for (const [k, e] of this.entries) if (e.until <= at) this.entries.delete(k);
  }
}
