import type { MiddlewareHandler } from 'hono';
import { type BucketPolicy, type BucketState, takeToken } from '../../shared/domain/token-bucket.js';
import type { AppEnv } from './auth.js';
import { HttpProblem } from './problem.js';

/**
 * Request limits. Every body has a ceiling, enforced while it streams in: a declared length over
 * the limit is refused before a byte is read, and a chunked body without a length is read only up
 * to the limit, then the stream is cancelled and the answer is 413. Paths that need no token
 * (province-to-province, public verification) get small ceilings.
 */
export interface Limits {
  /** any route not listed below */
  defaultBodyBytes: number;
  /** `/partner/*`: unauthenticated, signed events are a few KB */
  partnerBodyBytes: number;
  /** `POST /materials`: the limit of a material uploaded through the API itself (small files) */
  uploadBytes: number;
  /**
   * the largest material `POST /materials/uploads` presigns an upload for (the signed length
   * enforces it at the storage); `GC_MATERIAL_MAX_BYTES`, 200 MB by default
   */
  materialMaxBytes: number;
  /**
   * material downloads up to this size are answered by the API; larger ones are a 303 redirect to a
   * presigned URL, because API Gateway → Lambda carries at most 6 MB (about 4.5 MB of binary)
   */
  inlineDownloadBytes: number;
  /** per sending province on `/partner/*` */
  partnerRate: BucketPolicy;
  /** per client address on `/public/*` (信息公开, no token) */
  publicRate: BucketPolicy;
  /** how long a public answer is kept in process and may be kept by caches (max-age); 0 disables */
  publicCacheSeconds: number;
}

export const DEFAULT_LIMITS: Limits = {
  defaultBodyBytes: 1024 * 1024,
  partnerBodyBytes: 256 * 1024,
  uploadBytes: 20 * 1024 * 1024,
  materialMaxBytes: materialMaxBytesFromEnv(process.env.GC_MATERIAL_MAX_BYTES),
  inlineDownloadBytes: 4 * 1024 * 1024,
  partnerRate: { capacity: 120, perSecond: 20 },
  publicRate: { capacity: 60, perSecond: 10 },
  publicCacheSeconds: 60,
};

/** `GC_MATERIAL_MAX_BYTES`: a positive whole number of bytes; anything else is a configuration error. */
export function materialMaxBytesFromEnv(value: string | undefined, fallback = 200 * 1024 * 1024): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) <= 0) {
    throw new Error(`GC_MATERIAL_MAX_BYTES must be a positive whole number of bytes, not "${value}"`);
  }
  return Number(value);
}

/**
 * `PUT /blobs/uploads/{token}` (the local file store's presigned uploads) is not buffered here: the
 * store streams it to disk and cuts it off at the size the token was issued for.
 */
export const isPresignedUpload = (method: string, path: string): boolean =>
  method === 'PUT' && path.startsWith('/blobs/uploads/');

export function bodyLimitOf(method: string, path: string, limits: Limits): number {
  if (method === 'POST' && path === '/materials') return limits.uploadBytes;
  if (path.startsWith('/partner/')) return limits.partnerBodyBytes;
  return limits.defaultBodyBytes;
}

function sizeZh(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} 字节`;
}

export const sizeOfLimitZh = sizeZh;

const tooLarge = (limit: number) =>
  new HttpProblem(413, 'PAYLOAD_TOO_LARGE', `请求体超过 ${sizeZh(limit)} 的上限`);

export function bodyLimit(limits: Limits): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const method = c.req.method;
    // Headers first: on Node, touching `raw.body` turns the server's light request into a full
    // Request, which costs a GET more than everything else it does.
    if (method === 'GET' || method === 'HEAD' || isPresignedUpload(method, c.req.path)) return next();
    const limit = bodyLimitOf(method, c.req.path, limits);
    const declared = c.req.header('content-length');
    if (declared !== undefined && !c.req.header('transfer-encoding')) {
      // The runtime reads no more than the declared length, so the declaration is the size.
      if (!/^\d+$/.test(declared) || Number(declared) > limit) throw tooLarge(limit);
      return next();
    }
    const body = c.req.raw.body;
    if (!body) return next();
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        // Stop reading now: the rest of the body is never pulled into memory.
        await reader.cancel().catch(() => undefined);
        throw tooLarge(limit);
      }
      chunks.push(value);
    }
    const whole = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      whole.set(chunk, offset);
      offset += chunk.byteLength;
    }
    c.req.raw = new Request(c.req.raw, { body: whole });
    return next();
  };
}

/**
 * A token bucket per sending province, in memory. Locally one process serves a province, so this
 * is the province's limit. On Lambda each execution environment keeps its own buckets: the
 * effective limit is this one times the concurrent environments, and state is lost on a cold
 * start; a hard limit there belongs to API Gateway throttling (or a WAF rate rule) in front.
 */
export class SenderRateLimiter {
  private readonly buckets = new Map<string, BucketState>();

  constructor(
    private readonly policy: BucketPolicy,
    private readonly now: () => number = Date.now,
    /**
     * senders kept before refilled buckets are dropped: the public pages count by client address,
     * so a crowd of addresses must not grow memory without limit
     */
    private readonly maxSenders = 50_000,
  ) {}

  /** Throws 429 TOO_MANY_REQUESTS (with Retry-After) when the sender's bucket is empty. */
  take(sender: string): void {
    const at = this.now();
    if (this.buckets.size >= this.maxSenders && !this.buckets.has(sender)) this.prune(at);
    const r = takeToken(this.buckets.get(sender), at, this.policy);
    this.buckets.set(sender, r.state);
    if (!r.allowed) {
      throw new HttpProblem(429, 'TOO_MANY_REQUESTS', '请求过于频繁，请稍后再试', {
        'retry-after': String(Math.max(1, Math.ceil(r.retryAfterMs / 1000))),
      });
    }
  }

  /** how many senders are tracked (for tests) */
  get size(): number {
    return this.buckets.size;
  }

  /** A bucket refilled to capacity is the same as no bucket: dropping it changes no answer. */
  private prune(at: number): void {
    const { capacity, perSecond } = this.policy;
    for (const [sender, b] of this.buckets) {
      if (b.tokens + (Math.max(0, at - b.at) / 1000) * perSecond >= capacity) this.buckets.delete(sender);
    }
  }
}
