import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BlobStore } from '../../ports/blobs.js';
import { sha256Hex } from './file-blob-store.js';

export interface S3BlobStoreOptions {
  client: S3Client;
  bucket: string;
}

const PREFIX = 'materials/';
const SHA256 = /^[0-9a-f]{64}$/i;

const isNotFound = (error: unknown): boolean => {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  // GetObject reports NoSuchKey; HeadObject has no body, so the SDK can only say NotFound (404).
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404;
};

/**
 * Materials in S3 under `materials/<sha256>`. The object's Content-Type keeps the content type.
 * Storing bytes already present is a no-op (a HeadObject first; the first content type stays), the
 * same as the file store. Two concurrent first puts of the same bytes both write, harmlessly: the
 * key is the hash of the content.
 */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(options: S3BlobStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
  }

  async put(bytes: Uint8Array, contentType: string): Promise<{ sha256: string; size: number }> {
    const sha256 = sha256Hex(bytes);
    if (!(await this.has(sha256))) {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: PREFIX + sha256,
          Body: bytes,
          ContentType: contentType,
          ContentLength: bytes.byteLength,
        }),
      );
    }
    return { sha256, size: bytes.byteLength };
  }

  async get(sha256: string): Promise<{ bytes: Uint8Array; contentType: string } | undefined> {
    if (!SHA256.test(sha256)) return undefined;
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: PREFIX + sha256.toLowerCase() }),
      );
      if (!out.Body) throw new Error(`S3 returned no body for ${PREFIX}${sha256}`);
      const bytes = await out.Body.transformToByteArray();
      return { bytes, contentType: out.ContentType ?? 'application/octet-stream' };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async has(sha256: string): Promise<boolean> {
    if (!SHA256.test(sha256)) return false;
    try {
      await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: PREFIX + sha256.toLowerCase() }),
      );
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
}
