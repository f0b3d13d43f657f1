import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  type BlobStore,
  type PresignedDownload,
  type PresignedUpload,
  type PresignUploadRequest,
  sha256Base64ToHex,
  sha256HexToBase64,
} from '../../ports/blobs.js';
import { sha256Hex } from './file-blob-store.js';

export interface S3BlobStoreOptions {
  client: S3Client;
  bucket: string;
  /** the presigner (injected so tests can see what is signed); `getSignedUrl` by default */
  presign?: typeof getSignedUrl;
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
  private readonly presign: typeof getSignedUrl;

  private origin: Promise<string> | undefined;

  constructor(options: S3BlobStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.presign = options.presign ?? getSignedUrl;
  }

  /** Read off a presigned URL, so it is exactly the host the SDK signs for (region, partition, style). */
  directOrigin(): Promise<string> {
    this.origin ??= this.presign(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: PREFIX }), {
      expiresIn: 60,
    })
      .then((url) => new URL(url).origin)
      .catch((err: unknown) => {
        this.origin = undefined;
        throw err;
      });
    return this.origin;
  }

  /**
   * A PutObject URL whose signature covers Content-Length and x-amz-checksum-sha256: S3 refuses a
   * body of another length (the signature no longer matches) or another hash (BadDigest), so the
   * object at `materials/<sha256>` can only ever hold those bytes. The checksum stays a header the
   * client must send, not a query parameter, so S3 checks the body against it.
   */
  async stat(sha256: string) {
    if (!SHA256.test(sha256)) return undefined;
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: PREFIX + sha256.toLowerCase() }),
      );
      return { size: head.ContentLength ?? 0, contentType: head.ContentType ?? 'application/octet-stream' };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async presignUpload(request: PresignUploadRequest): Promise<PresignedUpload> {
    const sha256 = request.sha256.toLowerCase();
    if (!SHA256.test(sha256)) throw new Error('presignUpload: not a sha256');
    const checksum = sha256HexToBase64(sha256);
    const at = Date.now();
    const url = await this.presign(
      this.client,
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: PREFIX + sha256,
        ContentType: request.contentType,
        ContentLength: request.size,
        ChecksumSHA256: checksum,
      }),
      {
        expiresIn: request.expiresInSeconds,
        signableHeaders: new Set(['content-type', 'content-length', 'x-amz-checksum-sha256']),
        unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
      },
    );
    return {
      url,
      method: 'PUT',
      headers: { 'content-type': request.contentType, 'x-amz-checksum-sha256': checksum },
      expiresAt: new Date(at + request.expiresInSeconds * 1000).toISOString(),
    };
  }

  async presignDownload(
    sha256: string,
    options: { filename?: string; contentType?: string; expiresInSeconds: number },
  ): Promise<PresignedDownload> {
    if (!SHA256.test(sha256)) throw new Error('presignDownload: not a sha256');
    const at = Date.now();
    const url = await this.presign(
      this.client,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: PREFIX + sha256.toLowerCase(),
        ...(options.filename !== undefined
          ? { ResponseContentDisposition: `inline; filename*=UTF-8''${encodeURIComponent(options.filename)}` }
          : {}),
        ...(options.contentType !== undefined ? { ResponseContentType: options.contentType } : {}),
      }),
      { expiresIn: options.expiresInSeconds },
    );
    return { url, expiresAt: new Date(at + options.expiresInSeconds * 1000).toISOString() };
  }

  /**
   * S3's own SHA-256 of the object (HeadObject with ChecksumMode ENABLED). An object stored before
   * uploads carried a SHA-256 checksum has none: it is read and hashed instead (such objects came
   * through `POST /materials`, so they are small).
   */
  async verify(sha256: string) {
    if (!SHA256.test(sha256)) return undefined;
    const key = PREFIX + sha256.toLowerCase();
    let head: {
      ContentLength?: number | undefined;
      ContentType?: string | undefined;
      ChecksumSHA256?: string | undefined;
    };
    try {
      head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: key, ChecksumMode: 'ENABLED' }),
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const contentType = head.ContentType ?? 'application/octet-stream';
    // A multipart object's checksum is a checksum of part checksums ("…-3"): not the content's hash.
    if (head.ChecksumSHA256 && !head.ChecksumSHA256.includes('-')) {
      return {
        size: head.ContentLength ?? 0,
        contentType,
        verifiedSha256: sha256Base64ToHex(head.ChecksumSHA256),
      };
    }
    const got = await this.get(sha256);
    if (!got) return undefined;
    return { size: got.bytes.byteLength, contentType, verifiedSha256: sha256Hex(got.bytes) };
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
          // kept with the object, so `verify` has S3's own hash without reading the bytes
          ChecksumSHA256: sha256HexToBase64(sha256),
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
