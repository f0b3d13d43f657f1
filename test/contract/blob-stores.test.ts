import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, describe, expect, it } from 'vitest';
import { FileBlobStore } from '../../shared/adapters/blobs/file-blob-store.js';
import { S3BlobStore } from '../../shared/adapters/blobs/s3-blob-store.js';
import { BlobUploadRefused } from '../../shared/ports/blobs.js';
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
  readonly objects = new Map<
    string,
    { bytes: Uint8Array; contentType: string | undefined; checksumSha256?: string | undefined }
  >();
  readonly calls: string[] = [];

  constructor(private readonly bucket: string) {}

  async send(command: unknown): Promise<unknown> {
    const metadata = { $metadata: { httpStatusCode: 200 } };
    if (command instanceof PutObjectCommand) {
      const { Bucket, Key, Body, ContentType, ChecksumSHA256 } = command.input;
      this.calls.push(`put ${Key}`);
      this.checkBucket(Bucket);
      if (!(Body instanceof Uint8Array)) throw new Error('fake S3 takes Uint8Array bodies only');
      // S3 refuses a body whose SHA-256 is not the declared checksum (BadDigest)
      const actual = createHash('sha256').update(Body).digest('base64');
      if (ChecksumSHA256 !== undefined && ChecksumSHA256 !== actual) throw new Error('BadDigest');
      // S3 keeps its own copy: later changes to the caller's buffer must not show.
      this.objects.set(String(Key), {
        bytes: new Uint8Array(Body),
        contentType: ContentType,
        checksumSha256: ChecksumSHA256,
      });
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
      const { Bucket, Key, ChecksumMode } = command.input;
      this.calls.push(`head ${Key}`);
      this.checkBucket(Bucket);
      const object = this.objects.get(String(Key));
      if (!object) throw new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } });
      return {
        ...metadata,
        ContentType: object.contentType,
        ContentLength: object.bytes.byteLength,
        // S3 reports the stored checksum only when asked
        ...(ChecksumMode === 'ENABLED' && object.checksumSha256
          ? { ChecksumSHA256: object.checksumSha256 }
          : {}),
      };
    }
    throw new Error(`fake S3 does not implement ${(command as object).constructor.name}`);
  }

  private checkBucket(bucket: string | undefined): void {
    if (bucket !== this.bucket) throw new Error(`fake S3: unexpected bucket ${bucket}`);
  }
}

/** Presigning is offline (a signature over the request): a real client with fixed credentials does it. */
const signingClient = new S3Client({
  region: 'cn-north-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret' },
});
const offlinePresign = ((_client: unknown, command: never, options: never) =>
  getSignedUrl(signingClient, command, options)) as typeof getSignedUrl;

const s3Store = (fake: FakeS3, bucket: string) =>
  new S3BlobStore({ client: fake as unknown as S3Client, bucket, presign: offlinePresign });

blobStoreContract('S3BlobStore (fake S3)', async () => {
  const store = s3Store(new FakeS3('gc-materials'), 'gc-materials');
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

const bytesOf = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const hexOf = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const streamOf = (...chunks: Uint8Array[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
const tokenOf = (url: string) => url.split('/').pop() ?? '';

describe('FileBlobStore presigned uploads and downloads', () => {
  const declare = async (store: FileBlobStore, bytes: Uint8Array, expiresInSeconds = 600) =>
    store.presignUpload({
      sha256: hexOf(bytes),
      size: bytes.byteLength,
      contentType: 'application/pdf',
      expiresInSeconds,
    });

  it('stores the declared bytes streamed in chunks, under their hash, with the declared type', async () => {
    const dir = freshDir();
    const store = new FileBlobStore(dir);
    const bytes = bytesOf('第一部分'.repeat(1000));
    const upload = await declare(store, bytes);
    expect(upload.url).toMatch(/^\/blobs\/uploads\/[\w-]+\.[\w-]+$/);
    const received = await store.endpoint.receive(
      tokenOf(upload.url),
      streamOf(bytes.subarray(0, 100), bytes.subarray(100)),
    );
    expect(received).toEqual({ sha256: hexOf(bytes), size: bytes.byteLength });
    expect((await store.get(hexOf(bytes)))?.contentType).toBe('application/pdf');
    expect(await store.verify(hexOf(bytes))).toMatchObject({ verifiedSha256: hexOf(bytes) });
  });

  it('refuses other bytes, a longer or shorter body, and stores nothing, leaving no temp file', async () => {
    const dir = freshDir();
    const store = new FileBlobStore(dir);
    const declared = bytesOf('声明的内容');
    const upload = await declare(store, declared);
    const token = tokenOf(upload.url);
    const same = bytesOf('别人的内容'); // same length, other bytes
    expect(same.byteLength).toBe(declared.byteLength);
    await expect(store.endpoint.receive(token, streamOf(same))).rejects.toMatchObject({
      status: 400,
      code: 'UPLOAD_HASH_MISMATCH',
    });
    await expect(store.endpoint.receive(token, streamOf(declared, bytesOf('x')))).rejects.toMatchObject({
      status: 413,
      code: 'UPLOAD_SIZE_MISMATCH',
    });
    await expect(store.endpoint.receive(token, streamOf(declared.subarray(1)))).rejects.toMatchObject({
      status: 400,
      code: 'UPLOAD_SIZE_MISMATCH',
    });
    expect(await store.has(hexOf(declared))).toBe(false);
    expect(await store.has(hexOf(same))).toBe(false);
    const leftovers = readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
  });

  it('refuses a tampered, expired or download token, and a token of another store', async () => {
    let now = Date.parse('2026-03-02T04:00:00Z');
    const store = new FileBlobStore(freshDir(), { now: () => now });
    const bytes = bytesOf('x');
    const token = tokenOf((await declare(store, bytes, 60)).url);
    const [payload, mac] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()), s: 10 }),
    ).toString('base64url');
    const refused = { status: 403, code: 'UPLOAD_TOKEN_INVALID' };
    await expect(store.endpoint.receive(`${forged}.${mac}`, streamOf(bytes))).rejects.toMatchObject(refused);
    await expect(
      new FileBlobStore(freshDir()).endpoint.receive(token, streamOf(bytes)),
    ).rejects.toBeInstanceOf(BlobUploadRefused);
    await store.put(bytes, 'text/plain');
    const download = tokenOf((await store.presignDownload(hexOf(bytes), { expiresInSeconds: 60 })).url);
    await expect(store.endpoint.receive(download, streamOf(bytes))).rejects.toMatchObject(refused);
    now += 61_000;
    await expect(store.endpoint.receive(token, streamOf(bytes))).rejects.toMatchObject(refused);
    expect(await store.endpoint.open(download)).toBeUndefined();
  });

  it('serves a download token: the bytes, size, type and file name, until it expires', async () => {
    let now = Date.now();
    const store = new FileBlobStore(freshDir(), { now: () => now });
    const bytes = bytesOf('竣工图');
    const { sha256 } = await store.put(bytes, 'image/png');
    const url = (await store.presignDownload(sha256, { filename: '总平面图.png', expiresInSeconds: 300 }))
      .url;
    const opened = await store.endpoint.open(tokenOf(url));
    expect(opened).toMatchObject({
      size: bytes.byteLength,
      contentType: 'image/png',
      filename: '总平面图.png',
    });
    expect(Buffer.from(await new Response(opened?.body).arrayBuffer())).toEqual(Buffer.from(bytes));
    // an upload token does not download
    expect(await store.endpoint.open(tokenOf((await declare(store, bytes)).url))).toBeUndefined();
    now += 301_000;
    expect(await store.endpoint.open(tokenOf(url))).toBeUndefined();
  });

  it('verify reports a damaged file by the hash of what is on disk', async () => {
    const dir = freshDir();
    const store = new FileBlobStore(dir);
    const { sha256 } = await store.put(bytesOf('original'), 'text/plain');
    writeFileSync(join(dir, sha256.slice(0, 2), sha256.slice(2)), 'tampered');
    expect((await store.verify(sha256))?.verifiedSha256).toBe(hexOf(bytesOf('tampered')));
  });
});

describe('S3BlobStore presigned requests', () => {
  it('signs the PUT over content-length, content-type and x-amz-checksum-sha256, kept as headers', async () => {
    const store = s3Store(new FakeS3('gc-materials'), 'gc-materials');
    const bytes = bytesOf('大型图纸');
    const hash = hexOf(bytes);
    const upload = await store.presignUpload({
      sha256: hash,
      size: 123_456_789,
      contentType: 'application/pdf',
      expiresInSeconds: 900,
    });
    const url = new URL(upload.url);
    expect(`${url.host}${url.pathname}`).toBe(
      `gc-materials.s3.cn-north-1.amazonaws.com.cn/materials/${hash}`,
    );
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual([
      'content-length',
      'content-type',
      'host',
      'x-amz-checksum-sha256',
    ]);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    // a header S3 checks the body against, not a query parameter it would only compare
    expect(url.searchParams.has('x-amz-checksum-sha256')).toBe(false);
    const checksum = createHash('sha256').update(bytes).digest('base64');
    expect(upload.headers).toEqual({ 'content-type': 'application/pdf', 'x-amz-checksum-sha256': checksum });
    expect(upload.method).toBe('PUT');
  });

  it('names the bucket endpoint as the origin the console must be allowed to send bytes to', async () => {
    const store = s3Store(new FakeS3('gc-materials'), 'gc-materials');
    const upload = await store.presignUpload({
      sha256: hexOf(bytesOf('图纸')),
      size: 10,
      contentType: 'application/pdf',
      expiresInSeconds: 900,
    });
    const download = await store.presignDownload(hexOf(bytesOf('图纸')), { expiresInSeconds: 300 });
    expect(await store.directOrigin()).toBe('https://gc-materials.s3.cn-north-1.amazonaws.com.cn');
    expect(new URL(upload.url).origin).toBe(await store.directOrigin());
    expect(new URL(download.url).origin).toBe(await store.directOrigin());
    // the file store's URLs are the API's own
    expect(await new FileBlobStore(tmpdir()).directOrigin()).toBeUndefined();
  });

  it('changing the declared hash or size changes the signature', async () => {
    const store = s3Store(new FakeS3('b'), 'b');
    const sig = async (sha256: string, size: number) =>
      new URL(
        (await store.presignUpload({ sha256, size, contentType: 'a/b', expiresInSeconds: 60 })).url,
      ).searchParams.get('X-Amz-Signature');
    const a = 'a'.repeat(64);
    expect(await sig(a, 10)).not.toBe(await sig(a, 11));
    expect(await sig(a, 10)).not.toBe(await sig('b'.repeat(64), 10));
  });

  it("presigns the GET with the file name, and verifies by S3's own checksum (HeadObject, ChecksumMode)", async () => {
    const fake = new FakeS3('b');
    const store = s3Store(fake, 'b');
    const { sha256 } = await store.put(bytesOf('x'), 'text/plain');
    const url = new URL(
      (await store.presignDownload(sha256, { filename: '图.pdf', expiresInSeconds: 300 })).url,
    );
    expect(url.pathname).toMatch(new RegExp(`/materials/${sha256}$`));
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('response-content-disposition')).toBe(
      `inline; filename*=UTF-8''${encodeURIComponent('图.pdf')}`,
    );
    fake.calls.length = 0;
    expect(await store.verify(sha256)).toEqual({
      size: 1,
      contentType: 'text/plain',
      verifiedSha256: sha256,
    });
    expect(fake.calls).toEqual([`head materials/${sha256}`]);
  });

  it('verify reports the checksum S3 holds, so other content under the key is caught', async () => {
    const fake = new FakeS3('b');
    const store = s3Store(fake, 'b');
    const declared = hexOf(bytesOf('declared'));
    const other = bytesOf('something else');
    // written behind the API's back (no presigned URL): S3 keeps the checksum of what it got
    fake.objects.set(`materials/${declared}`, {
      bytes: other,
      contentType: 'application/pdf',
      checksumSha256: createHash('sha256').update(other).digest('base64'),
    });
    expect((await store.verify(declared))?.verifiedSha256).toBe(hexOf(other));
    // an object stored without a SHA-256 checksum is read and hashed
    fake.objects.set(`materials/${declared}`, { bytes: other, contentType: 'application/pdf' });
    expect((await store.verify(declared))?.verifiedSha256).toBe(hexOf(other));
  });
});
