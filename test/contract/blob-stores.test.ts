import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { FileBlobStore } from '../../shared/adapters/blobs/file-blob-store.js';
import { S3BlobStore } from '../../shared/adapters/blobs/s3-blob-store.js';
import { blobStoreContract } from './blob-store.contract.js';

const root = mkdtempSync(join(tmpdir(), 'green-channel-blobs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshDir = () => join(root, `store-${++counter}`);

blobStoreContract('FileBlobStore', async () => {
  const dir = freshDir();
  return {
    store: new FileBlobStore(dir),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

/**
 * Just enough of S3 for the three commands the adapter sends, with the SDK's own error classes
 * and a GetObject body that offers transformToByteArray like the SDK's stream mixin.
 */
class FakeS3 {
  readonly objects = new Map<string, { bytes: Uint8Array; contentType: string | undefined }>();
  readonly calls: string[] = [];

  constructor(private readonly bucket: string) {}

  async send(command: unknown): Promise<unknown> {
    const metadata = { $metadata: { httpStatusCode: 200 } };
    if (command instanceof PutObjectCommand) {
      const { Bucket, Key, Body, ContentType } = command.input;
      this.calls.push(`put ${Key}`);
      this.checkBucket(Bucket);
      if (!(Body instanceof Uint8Array)) throw new Error('fake S3 takes Uint8Array bodies only');
      // S3 keeps its own copy: later changes to the caller's buffer must not show.
      this.objects.set(String(Key), { bytes: new Uint8Array(Body), contentType: ContentType });
      return { ...metadata, ETag: '"fake"' };
    }
    if (command instanceof GetObjectCommand) {
      const { Bucket, Key } = command.input;
      this.calls.push(`get ${Key}`);
      this.checkBucket(Bucket);
      const object = this.objects.get(String(Key));
      if (!object)
        throw new NoSuchKey({
          message: 'The specified key does not exist.',
          $metadata: { httpStatusCode: 404 },
        });
      const copy = new Uint8Array(object.bytes);
      return {
        ...metadata,
        ContentType: object.contentType,
        ContentLength: copy.byteLength,
        Body: { transformToByteArray: async () => copy },
      };
    }
    if (command instanceof HeadObjectCommand) {
      const { Bucket, Key } = command.input;
      this.calls.push(`head ${Key}`);
      this.checkBucket(Bucket);
      const object = this.objects.get(String(Key));
      if (!object) throw new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } });
      return { ...metadata, ContentType: object.contentType, ContentLength: object.bytes.byteLength };
    }
    throw new Error(`fake S3 does not implement ${(command as object).constructor.name}`);
  }

  private checkBucket(bucket: string | undefined): void {
    if (bucket !== this.bucket) throw new Error(`fake S3: unexpected bucket ${bucket}`);
  }
}

blobStoreContract('S3BlobStore (fake S3)', async () => {
  const fake = new FakeS3('gc-materials');
  const store = new S3BlobStore({ client: fake as unknown as S3Client, bucket: 'gc-materials' });
  return { store, cleanup: async () => {} };
});

describe('FileBlobStore layout', () => {
  it('fans out by the first two hex digits, keeps the type beside it, leaves no temp files', async () => {
    const dir = freshDir();
    const store = new FileBlobStore(dir);
    const { sha256 } = await store.put(Buffer.from('规划许可'), 'text/plain');
    const folder = join(dir, sha256.slice(0, 2));
    expect(readdirSync(dir)).toEqual([sha256.slice(0, 2)]);
    expect(readdirSync(folder).sort()).toEqual([sha256.slice(2), `${sha256.slice(2)}.type`]);
    expect(readFileSync(join(folder, sha256.slice(2)), 'utf8')).toBe('规划许可');
    expect(readFileSync(join(folder, `${sha256.slice(2)}.type`), 'utf8')).toBe('text/plain');

    // another instance over the same folder (a restart) finds it
    expect(await new FileBlobStore(dir).get(sha256)).toMatchObject({ contentType: 'text/plain' });
  });

  it('refuses to hand out a damaged file', async () => {
    const dir = freshDir();
    const store = new FileBlobStore(dir);
    const { sha256 } = await store.put(Buffer.from('original'), 'text/plain');
    writeFileSync(join(dir, sha256.slice(0, 2), sha256.slice(2)), 'tampered');
    await expect(store.get(sha256)).rejects.toThrow(/damaged/);
  });

  it('stores the same bytes concurrently without error', async () => {
    const store = new FileBlobStore(freshDir());
    const bytes = Buffer.from('并发上传');
    const results = await Promise.all(Array.from({ length: 8 }, () => store.put(bytes, 'text/plain')));
    expect(new Set(results.map((r) => r.sha256)).size).toBe(1);
    expect((await store.get(results[0]?.sha256 ?? ''))?.contentType).toBe('text/plain');
  });
});

describe('S3BlobStore requests', () => {
  it('writes materials/<sha256> once, and heads before it writes', async () => {
    const fake = new FakeS3('b');
    const store = new S3BlobStore({ client: fake as unknown as S3Client, bucket: 'b' });
    const { sha256 } = await store.put(Buffer.from('x'), 'text/plain');
    await store.put(Buffer.from('x'), 'text/plain');
    expect([...fake.objects.keys()]).toEqual([`materials/${sha256}`]);
    expect(fake.calls).toEqual([
      `head materials/${sha256}`,
      `put materials/${sha256}`,
      `head materials/${sha256}`,
    ]);
  });

  it('passes errors other than not-found through', async () => {
    const failing = {
      send: async () => {
        throw Object.assign(new Error('Access Denied'), {
          name: 'AccessDenied',
          $metadata: { httpStatusCode: 403 },
        });
      },
    };
    const store = new S3BlobStore({ client: failing as unknown as S3Client, bucket: 'b' });
    const hash = 'a'.repeat(64);
    await expect(store.has(hash)).rejects.toThrow('Access Denied');
    await expect(store.get(hash)).rejects.toThrow('Access Denied');
  });
});
