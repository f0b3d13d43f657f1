import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../shared/ports/blobs.js';

/**
 * The behaviour every BlobStore adapter must show. Run by test/contract/blob-stores.test.ts against
 * the file store (for real) and the S3 store (against an in-test fake S3).
 */

export interface BlobStoreFixture {
  store: BlobStore;
  cleanup(): Promise<void>;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

export function blobStoreContract(name: string, makeStore: () => Promise<BlobStoreFixture>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let fixture: BlobStoreFixture;
    let store: BlobStore;

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('returns the sha256 and size of what it stored, and gives the same bytes back', async () => {
      const bytes = utf8('环境影响评价报告书（报批稿）');
      const result = await store.put(bytes, 'application/pdf');
      expect(result).toEqual({ sha256: sha256(bytes), size: bytes.byteLength });
      expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
      const got = await store.get(result.sha256);
      expect(got?.contentType).toBe('application/pdf');
      expect(Buffer.from(got?.bytes ?? [])).toEqual(Buffer.from(bytes));
      expect(got?.bytes).toBeInstanceOf(Uint8Array);
    });

    it('says absent for what it never stored, and for anything that is not a sha256', async () => {
      const absent = sha256(utf8('never stored'));
      expect(await store.get(absent)).toBeUndefined();
      expect(await store.has(absent)).toBe(false);
      for (const bad of ['', 'abc', '../../etc/passwd', `${absent}/../x`, `${'g'.repeat(64)}`]) {
        expect(await store.get(bad)).toBeUndefined();
        expect(await store.has(bad)).toBe(false);
      }
    });

    it('has() tells what is stored', async () => {
      const { sha256: a } = await store.put(utf8('a'), 'text/plain');
      expect(await store.has(a)).toBe(true);
      expect(await store.has(sha256(utf8('b')))).toBe(false);
    });

    it('storing the same bytes twice is a no-op: same answer, first content type kept', async () => {
      const bytes = utf8('用地预审意见');
      const first = await store.put(bytes, 'text/plain; charset=utf-8');
      const second = await store.put(new Uint8Array(bytes), 'application/octet-stream');
      expect(second).toEqual(first);
      expect(await store.get(first.sha256)).toEqual({
        bytes: expect.any(Uint8Array),
        contentType: 'text/plain; charset=utf-8',
      });
      expect(Buffer.from((await store.get(first.sha256))?.bytes ?? [])).toEqual(Buffer.from(bytes));
    });

    it('keeps each content type, distinct contents apart, and empty content', async () => {
      const types = ['application/pdf', 'image/png', 'application/vnd.ms-excel', 'application/ofd'];
      const stored = await Promise.all(
        types.map(async (type, i) => ({ type, ...(await store.put(utf8(`材料 ${i}`), type)) })),
      );
      expect(new Set(stored.map((s) => s.sha256)).size).toBe(types.length);
      for (const [i, s] of stored.entries()) {
        const got = await store.get(s.sha256);
        expect(got?.contentType).toBe(s.type);
        expect(Buffer.from(got?.bytes ?? []).toString('utf8')).toBe(`材料 ${i}`);
      }
      const empty = await store.put(new Uint8Array(0), 'text/plain');
      expect(empty).toEqual({ sha256: sha256(new Uint8Array(0)), size: 0 });
      expect((await store.get(empty.sha256))?.bytes.byteLength).toBe(0);
    });

    it('stores 1 MiB of binary content intact', async () => {
      const bytes = new Uint8Array(randomBytes(1024 * 1024));
      const result = await store.put(bytes, 'application/pdf');
      expect(result).toEqual({ sha256: sha256(bytes), size: 1024 * 1024 });
      const got = await store.get(result.sha256);
      expect(got?.bytes.byteLength).toBe(1024 * 1024);
      expect(sha256(got?.bytes ?? new Uint8Array())).toBe(result.sha256);
    });

    it("stat and verify tell the size, type and the stored bytes' own hash, without the bytes", async () => {
      const bytes = utf8('施工图设计文件');
      const { sha256: hash } = await store.put(bytes, 'application/pdf');
      expect(await store.stat(hash)).toEqual({ size: bytes.byteLength, contentType: 'application/pdf' });
      expect(await store.verify(hash)).toEqual({
        size: bytes.byteLength,
        contentType: 'application/pdf',
        verifiedSha256: hash,
      });
      const absent = sha256(utf8('never stored'));
      expect(await store.stat(absent)).toBeUndefined();
      expect(await store.verify(absent)).toBeUndefined();
      expect(await store.verify('../../etc/passwd')).toBeUndefined();
    });

    it('presigns an upload bound to the hash and size, and a download, both expiring', async () => {
      const bytes = utf8('大型工程图纸');
      const hash = sha256(bytes);
      const before = Date.now();
      const upload = await store.presignUpload({
        sha256: hash,
        size: bytes.byteLength,
        contentType: 'application/pdf',
        expiresInSeconds: 600,
      });
      expect(upload.method).toBe('PUT');
      expect(upload.headers['content-type']).toBe('application/pdf');
      const expires = Date.parse(upload.expiresAt);
      expect(expires).toBeGreaterThanOrEqual(before + 599_000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 601_000);
      const other = await store.presignUpload({
        sha256: sha256(utf8('another')),
        size: bytes.byteLength,
        contentType: 'application/pdf',
        expiresInSeconds: 600,
      });
      expect(other.url).not.toBe(upload.url);

      await store.put(bytes, 'application/pdf');
      const download = await store.presignDownload(hash, { filename: '图纸.pdf', expiresInSeconds: 60 });
      expect(Date.parse(download.expiresAt)).toBeLessThanOrEqual(Date.now() + 61_000);
      expect(Date.parse(download.expiresAt)).toBeGreaterThan(Date.now());
      expect(download.url).not.toBe(upload.url);
    });

    it('finds a blob by its upper-case hash too', async () => {
      const { sha256: hash } = await store.put(utf8('x'), 'text/plain');
      expect(await store.has(hash.toUpperCase())).toBe(true);
      expect((await store.get(hash.toUpperCase()))?.contentType).toBe('text/plain');
    });
  });
}
