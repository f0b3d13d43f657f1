import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type ConsoleAssets, contentTypeOf } from '../../ports/console-assets.js';

export interface S3ConsoleAssetsOptions {
  client: S3Client;
  bucket: string;
  /** how long index.html is reused by one Lambda environment before it is read again */
  indexTtlMs?: number;
  now?: () => number;
}

const isNotFound = (error: unknown): boolean => {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404;
};

/** Hashed assets never change under their name, so one environment keeps them up to this total. */
const ASSET_CACHE_BYTES = 8 * 1024 * 1024;

/**
 * The built console in the province's console bucket (deployed by the stack). The API Lambda serves
 * it from here; assets are cached per environment since their names carry their content hash, and
 * index.html for a short while so a redeployed console shows within a minute.
 */
export class S3ConsoleAssets implements ConsoleAssets {
  private readonly cache = new Map<string, { bytes: Uint8Array; contentType: string; at: number }>();
  private cachedBytes = 0;
  private readonly now: () => number;

  constructor(private readonly options: S3ConsoleAssetsOptions) {
    this.now = options.now ?? Date.now;
  }

  async get(path: string) {
    const hit = this.cache.get(path);
    const fresh = hit && (path !== 'index.html' || this.now() - hit.at < (this.options.indexTtlMs ?? 60_000));
    if (hit && fresh) return { bytes: hit.bytes, contentType: hit.contentType };
    let bytes: Uint8Array;
    try {
      const out = await this.options.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: path }),
      );
      if (!out.Body) return undefined;
      bytes = await out.Body.transformToByteArray();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const found = { bytes, contentType: contentTypeOf(path) };
    if (this.cachedBytes + bytes.byteLength <= ASSET_CACHE_BYTES) {
      if (hit) this.cachedBytes -= hit.bytes.byteLength;
      this.cache.set(path, { ...found, at: this.now() });
      this.cachedBytes += bytes.byteLength;
    }
    return found;
  }
}
