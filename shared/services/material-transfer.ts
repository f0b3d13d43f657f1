import { conflict, invalid } from '../domain/errors.js';
import type { PresignedUpload } from '../ports/blobs.js';
import type { Deps } from './deps.js';

/**
 * Large materials travel straight between the client and the storage (presigned URLs), never
 * through the API: API Gateway → Lambda carries at most 6 MB. These helpers are the storage side
 * of 上传材料 and of every material download; who may do what is checked by the callers first.
 */

/** how long a presigned upload URL may be started (S3 checks it when the request starts) */
export const UPLOAD_URL_SECONDS = 15 * 60;
/** how long a presigned download URL works: long enough to follow a redirect, short enough not to share */
export const DOWNLOAD_URL_SECONDS = 5 * 60;

const SHA256 = /^[0-9a-f]{64}$/;

export interface UploadDeclaration {
  sha256: string;
  size: number;
  contentType: string;
  filename?: string | undefined;
}

/** A presigned upload for exactly the declared bytes; the caller has checked the size limit. */
export async function presignMaterialUpload(
  deps: Deps,
  input: UploadDeclaration,
): Promise<{ sha256: string; size: number; upload: PresignedUpload }> {
  const sha256 = input.sha256.toLowerCase();
  if (!SHA256.test(sha256)) throw invalid('INVALID_SHA256', 'SHA-256 须为 64 位十六进制');
  if (input.size === 0) throw invalid('EMPTY_CONTENT', '材料内容为空');
  const upload = await deps.blobs.presignUpload({
    sha256,
    size: input.size,
    contentType: input.contentType,
    expiresInSeconds: UPLOAD_URL_SECONDS,
  });
  return { sha256, size: input.size, upload };
}

/**
 * What arrived under the hash, confirmed by the storage's own SHA-256 (S3's checksum, the file
 * store's re-hash). Throws unless it is there and matches: nothing may be recorded otherwise.
 */
export async function confirmUploaded(deps: Deps, sha256: string): Promise<{ sha256: string; size: number }> {
  const hash = sha256.toLowerCase();
  if (!SHA256.test(hash)) throw invalid('INVALID_SHA256', 'SHA-256 须为 64 位十六进制');
  const found = await deps.blobs.verify(hash);
  if (!found) throw conflict('CONTENT_NOT_UPLOADED', '尚未收到该材料的文件内容，请先按上传链接上传');
  if (found.verifiedSha256 !== hash) {
    throw conflict('CONTENT_HASH_MISMATCH', '存储中的内容与声明的 SHA-256 不一致，未登记该材料');
  }
  return { sha256: hash, size: found.size };
}

export type MaterialContent =
  | { kind: 'inline'; bytes: Uint8Array; contentType: string }
  | { kind: 'redirect'; url: string; expiresAt: string };

/**
 * The content itself when it is small enough for the API to carry, else a presigned URL to it.
 * Undefined when absent.
 */
export async function materialContent(
  deps: Deps,
  sha256: string,
  options: { inlineMaxBytes: number; filename?: string | undefined },
): Promise<MaterialContent | undefined> {
  const stat = await deps.blobs.stat(sha256);
  if (!stat) return undefined;
  if (stat.size > options.inlineMaxBytes) {
    const link = await deps.blobs.presignDownload(sha256.toLowerCase(), {
      contentType: stat.contentType,
      expiresInSeconds: DOWNLOAD_URL_SECONDS,
      ...(options.filename !== undefined ? { filename: options.filename } : {}),
    });
    return { kind: 'redirect', ...link };
  }
  const blob = await deps.blobs.get(sha256);
  return blob && { kind: 'inline', ...blob };
}
