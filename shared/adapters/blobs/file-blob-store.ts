import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BlobStore } from '../../ports/blobs.js';

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
  constructor(private readonly dir: string) {}

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
