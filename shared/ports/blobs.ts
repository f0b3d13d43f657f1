/**
 * Content of submitted materials, addressed by its sha256 (hex). Files under the data folder
 * locally, S3 on AWS. Content addressing makes writes idempotent and lets partners check integrity.
 *
 * Large content does not pass through the API: API Gateway → Lambda carries at most 6 MB. The API
 * presigns an upload bound to the declared hash and size, the client sends the bytes straight to the
 * storage, and the API then `verify`s what arrived before it records the material. Downloads are
 * presigned the same way.
 */
export interface BlobStore {
  /** stores the bytes and returns their sha256; storing the same bytes twice is a no-op */
  put(bytes: Uint8Array, contentType: string): Promise<{ sha256: string; size: number }>;
  /** the bytes, or undefined when absent */
  get(sha256: string): Promise<{ bytes: Uint8Array; contentType: string } | undefined>;
  has(sha256: string): Promise<boolean>;
  /** size and content type without reading the bytes, or undefined when absent */
  stat(sha256: string): Promise<{ size: number; contentType: string } | undefined>;
  /**
   * A URL the client sends exactly `size` bytes to, with `headers`; the storage refuses bytes whose
   * sha256 or length differ from the declared ones, and the URL stops working at `expiresAt`.
   */
  presignUpload(request: PresignUploadRequest): Promise<PresignedUpload>;
  /** A URL that gives the stored bytes to whoever holds it until `expiresAt`. */
  presignDownload(
    sha256: string,
    options: { filename?: string; contentType?: string; expiresInSeconds: number },
  ): Promise<PresignedDownload>;
  /**
   * What is stored under the hash, with the sha256 the storage itself computed over the bytes it
   * received (S3's checksum; the file store's hash while streaming), or undefined when absent.
   * `verifiedSha256` differing from `sha256` means the content must not be recorded.
   */
  verify(sha256: string): Promise<{ size: number; contentType: string; verifiedSha256: string } | undefined>;
  /**
   * The origin (scheme://host[:port]) of the presigned URLs when they point outside the API (the
   * bucket's endpoint on S3), or undefined when they go through the API itself. The console's
   * Content-Security-Policy must allow it, or a browser refuses to send the bytes there.
   */
  directOrigin(): Promise<string | undefined>;
  /**
   * Present when the store serves its presigned URLs through the API itself (the file store): the
   * HTTP app serves it at `/blobs/*` (its URLs must use that prefix). Absent on S3, whose URLs
   * point at the bucket.
   */
  readonly endpoint?: BlobEndpoint;
}

export interface PresignUploadRequest {
  /** lower-case hex */
  sha256: string;
  size: number;
  contentType: string;
  expiresInSeconds: number;
}

export interface PresignedUpload {
  /** absolute, or a path on the API (starting with `/`) the caller resolves against its own origin */
  url: string;
  method: 'PUT';
  /** headers the client must send as they are (the length is signed too: send exactly `size` bytes) */
  headers: Record<string, string>;
  expiresAt: string;
}

export interface PresignedDownload {
  /** absolute, or a path on the API (starting with `/`) */
  url: string;
  expiresAt: string;
}

/** The file store's own side of its presigned URLs. Errors are `BlobUploadRefused`. */
export interface BlobEndpoint {
  /** Streams the body in under the token's hash and size; stores nothing unless both match. */
  receive(token: string, body: ReadableStream<Uint8Array> | null): Promise<{ sha256: string; size: number }>;
  /** The content a download token names, or undefined when the token is invalid, expired or the content absent. */
  open(token: string): Promise<
    | {
        body: ReadableStream<Uint8Array>;
        size: number;
        contentType: string;
        filename?: string | undefined;
      }
    | undefined
  >;
}

/** Why an upload to a presigned URL was refused (HTTP status and a stable code for the caller). */
export class BlobUploadRefused extends Error {
  constructor(
    readonly status: 400 | 403 | 413,
    readonly code: 'UPLOAD_TOKEN_INVALID' | 'UPLOAD_HASH_MISMATCH' | 'UPLOAD_SIZE_MISMATCH',
    message: string,
  ) {
    super(message);
    this.name = 'BlobUploadRefused';
  }
}

/** S3 and the presigned flow take the sha256 as base64 of its 32 bytes. */
export const sha256HexToBase64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
export const sha256Base64ToHex = (b64: string): string => Buffer.from(b64, 'base64').toString('hex');
