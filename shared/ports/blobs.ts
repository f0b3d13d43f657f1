/**
 * Content of submitted materials, addressed by its sha256 (hex). Files under the data folder
 * locally, S3 on AWS. Content addressing makes writes idempotent and lets partners check integrity.
 */
export interface BlobStore {
  /** stores the bytes and returns their sha256; storing the same bytes twice is a no-op */
  put(bytes: Uint8Array, contentType: string): Promise<{ sha256: string; size: number }>;
  /** the bytes, or undefined when absent */
  get(sha256: string): Promise<{ bytes: Uint8Array; contentType: string } | undefined>;
  has(sha256: string): Promise<boolean>;
}
