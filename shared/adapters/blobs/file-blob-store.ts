import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import {
  type BlobEndpoint,
  type BlobStore,
  BlobUploadRefused,
  type PresignedDownload,
  type PresignedUpload,
  type PresignUploadRequest,
} from '../../ports/blobs.js';

export interface FileBlobStoreOptions {
  /**
   * HMAC key of the presigned tokens. A fresh random one by default: URLs then stop working when
   * the process restarts, which is harmless for URLs that live minutes.
   */
  secret?: Uint8Array;
  now?: () => number;
}

/** where the HTTP app serves the presigned URLs (functions/http/routes/material-uploads.ts) */
const BASE_PATH = '/blobs';

/** What a presigned token grants: an upload of these exact bytes, or a download. */
type Grant =
  | { k: 'u'; h: string; s: number; t: string; e: number }
  | { k: 'd'; h: string; e: number; f?: string; t?: string };

/**
 * Materials as files under one folder, addressed by sha256 with a two-level fan-out so no folder
 * grows too large: `dir/ab/cdef…` holds the bytes of the blob whose sha256 is `abcdef…`, and
 * `dir/ab/cdef….type` its content type.
 *
 * Every file is written to a temporary name, fsynced, renamed into place and its folder fsynced:
 * a reader (or a restart after a crash) sees a complete file or none. The content type goes in
 * first, so a blob that `has` reports is always complete. Storing bytes already present is a no-op
 * (the first content type stays). Reads verify the hash, so a damaged file is an error, not wrong
 * content handed to a partner.
 */
export class FileBlobStore implements BlobStore {
  private readonly secret: Uint8Array;
  private readonly now: () => number;
  readonly endpoint: BlobEndpoint;

  constructor(
    private readonly dir: string,
    options: FileBlobStoreOptions = {},
  ) {
    this.secret = options.secret ?? randomBytes(32);
    this.now = options.now ?? Date.now;
    this.endpoint = {
      receive: (token, body) => this.receive(token, body),
      open: (token) => this.open(token),
    };
  }

  /** its URLs are the API's own (`/blobs/*`) */
  async directOrigin(): Promise<undefined> {
    return undefined;
  }

  async put(bytes: Uint8Array, contentType: string): Promise<{ sha256: string; size: number }> {
    const sha256 = sha256Hex(bytes);
    const result = { sha256, size: bytes.byteLength };
    const path = this.pathOf(sha256);
    if (await exists(path)) return result;
    await mkdir(dirname(path), { recursive: true });
    await writeAtomically(`${path}.type`, Buffer.from(contentType, 'utf8'));
    await writeAtomically(path, bytes);
    return result;
  }

  async get(sha256: string): Promise<{ bytes: Uint8Array; contentType: string } | undefined> {
    if (!isSha256(sha256)) return undefined;
    const path = this.pathOf(sha256.toLowerCase());
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    if (sha256Hex(bytes) !== sha256.toLowerCase()) {
      throw new Error(`blob ${sha256} is damaged: its content no longer matches its hash (${path})`);
    }
    let contentType = 'application/octet-stream';
    try {
      contentType = await readFile(`${path}.type`, 'utf8');
    } catch (error) {
      // Only a store written by hand lacks it; the bytes are still the right ones.
      if (!isNotFound(error)) throw error;
    }
    return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), contentType };
  }

  async has(sha256: string): Promise<boolean> {
    return isSha256(sha256) && exists(this.pathOf(sha256.toLowerCase()));
  }

  async stat(sha256: string) {
    if (!isSha256(sha256)) return undefined;
    const path = this.pathOf(sha256.toLowerCase());
    try {
      const { size } = await stat(path);
      return { size, contentType: await this.typeOf(path) };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async presignUpload(request: PresignUploadRequest): Promise<PresignedUpload> {
    if (!isSha256(request.sha256)) throw new Error('presignUpload: not a sha256');
    const e = Math.floor(this.now() / 1000) + request.expiresInSeconds;
    const grant: Grant = {
      k: 'u',
      h: request.sha256.toLowerCase(),
      s: request.size,
      t: request.contentType,
      e,
    };
    return {
      url: `${BASE_PATH}/uploads/${this.sign(grant)}`,
      method: 'PUT',
      headers: { 'content-type': request.contentType },
      expiresAt: new Date(e * 1000).toISOString(),
    };
  }

  async presignDownload(
    sha256: string,
    options: { filename?: string; contentType?: string; expiresInSeconds: number },
  ): Promise<PresignedDownload> {
    if (!isSha256(sha256)) throw new Error('presignDownload: not a sha256');
    const e = Math.floor(this.now() / 1000) + options.expiresInSeconds;
    const grant: Grant = {
      k: 'd',
      h: sha256.toLowerCase(),
      e,
      ...(options.filename !== undefined ? { f: options.filename } : {}),
      ...(options.contentType !== undefined ? { t: options.contentType } : {}),
    };
    return {
      url: `${BASE_PATH}/${this.sign(grant)}`,
      expiresAt: new Date(e * 1000).toISOString(),
    };
  }

  /** Re-hashes the stored file as it streams: a damaged file shows as a different hash. */
  async verify(sha256: string) {
    if (!isSha256(sha256)) return undefined;
    const path = this.pathOf(sha256.toLowerCase());
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of createReadStream(path)) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).byteLength;
      }
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    return { size, contentType: await this.typeOf(path), verifiedSha256: hash.digest('hex') };
  }

  /**
   * The body streams to a temporary file while it is hashed and counted; past the declared size
   * the stream is cancelled. Only bytes of exactly the declared hash and size are renamed into place.
   */
  private async receive(token: string, body: ReadableStream<Uint8Array> | null) {
    const grant = this.grantOf(token);
    if (grant?.k !== 'u') {
      await body?.cancel().catch(() => undefined);
      throw new BlobUploadRefused(403, 'UPLOAD_TOKEN_INVALID', '上传链接无效或已过期，请重新申请');
    }
    const path = this.pathOf(grant.h);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomUUID()}.tmp`;
    const hash = createHash('sha256');
    let size = 0;
    try {
      const file = await open(temp, 'wx');
      try {
        const reader = body?.getReader();
        for (;;) {
          const next = reader ? await reader.read() : { done: true as const, value: undefined };
          if (next.done) break;
          size += next.value.byteLength;
          if (size > grant.s) {
            await reader?.cancel().catch(() => undefined);
            throw new BlobUploadRefused(
              413,
              'UPLOAD_SIZE_MISMATCH',
              `上传的内容超过申请时声明的 ${grant.s} 字节`,
            );
          }
          hash.update(next.value);
          await file.write(next.value);
        }
        await file.sync();
      } finally {
        await file.close();
      }
      if (size !== grant.s) {
        throw new BlobUploadRefused(
          400,
          'UPLOAD_SIZE_MISMATCH',
          `上传的内容为 ${size} 字节，与申请时声明的 ${grant.s} 字节不符`,
        );
      }
      if (hash.digest('hex') !== grant.h) {
        throw new BlobUploadRefused(
          400,
          'UPLOAD_HASH_MISMATCH',
          '上传的内容与申请时声明的 SHA-256 不一致，未保存',
        );
      }
      if (await exists(path)) {
        await rm(temp, { force: true });
      } else {
        await writeAtomically(`${path}.type`, Buffer.from(grant.t, 'utf8'));
        await rename(temp, path);
        await syncDir(dirname(path));
      }
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return { sha256: grant.h, size };
  }

  private async open(token: string) {
    const grant = this.grantOf(token);
    if (grant?.k !== 'd') return undefined;
    const path = this.pathOf(grant.h);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    return {
      body: Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>,
      size,
      contentType: grant.t ?? (await this.typeOf(path)),
      filename: grant.f,
    };
  }

  private sign(grant: Grant): string {
    const payload = Buffer.from(JSON.stringify(grant), 'utf8').toString('base64url');
    return `${payload}.${createHmac('sha256', this.secret).update(payload).digest('base64url')}`;
  }

  /** The grant of a well-signed, unexpired token; anything else is undefined. */
  private grantOf(token: string): Grant | undefined {
    const [payload, mac, extra] = token.split('.');
    if (!payload || !mac || extra !== undefined) return undefined;
    const expected = createHmac('sha256', this.secret).update(payload).digest();
    const given = Buffer.from(mac, 'base64url');
    if (given.byteLength !== expected.byteLength || !timingSafeEqual(given, expected)) return undefined;
    let grant: Grant;
    try {
      grant = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Grant;
    } catch {
      return undefined;
    }
    if (!isSha256(grant.h) || grant.e * 1000 <= this.now()) return undefined;
    return grant;
  }

  private async typeOf(path: string): Promise<string> {
    try {
      return await readFile(`${path}.type`, 'utf8');
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return 'application/octet-stream';
    }
  }

  private pathOf(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256.slice(2));
  }
}

const SHA256 = /^[0-9a-f]{64}$/i;
/** Anything else cannot name a stored blob, and must never become a path (no `../`). */
const isSha256 = (value: string): boolean => SHA256.test(value);

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const isNotFound = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temp = `${path}.${randomUUID()}.tmp`;
  try {
    const file = await open(temp, 'wx');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDir(dirname(path));
}

/** Makes the rename itself durable. Not every platform can open a folder for fsync (Windows): skip there. */
async function syncDir(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw error;
  } finally {
    await handle?.close();
  }
}
