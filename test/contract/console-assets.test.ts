import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { FileConsoleAssets } from '../../shared/adapters/console/file-console-assets.js';
import { S3ConsoleAssets } from '../../shared/adapters/console/s3-console-assets.js';
import type { ConsoleAssets } from '../../shared/ports/console-assets.js';

const FILES: Record<string, string> = {
  'index.html': '<!doctype html><title>工程绿色通道</title>',
  'assets/index-abc123.js': 'console.log("控制台")',
  'assets/index-abc123.css': 'body{}',
};

/** Answers GetObject from a map, counting reads; anything else is a test bug. */
class FakeS3 {
  reads = 0;
  constructor(readonly objects: Map<string, Uint8Array>) {}
  async send(command: unknown) {
    if (!(command instanceof GetObjectCommand)) throw new Error('fake S3 answers GetObject only');
    this.reads++;
    const bytes = this.objects.get(command.input.Key ?? '');
    if (!bytes) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
    return { Body: { transformToByteArray: async () => bytes } };
  }
}

function contract(name: string, make: () => ConsoleAssets) {
  describe(`ConsoleAssets: ${name}`, () => {
    it('serves index.html and hashed assets with their content types', async () => {
      const assets = make();
      const index = await assets.get('index.html');
      expect(new TextDecoder().decode(index?.bytes)).toContain('工程绿色通道');
      expect(index?.contentType).toBe('text/html; charset=utf-8');
      expect((await assets.get('assets/index-abc123.js'))?.contentType).toBe(
        'text/javascript; charset=utf-8',
      );
      expect((await assets.get('assets/index-abc123.css'))?.contentType).toBe('text/css; charset=utf-8');
    });
    it('answers undefined for what the build does not have', async () => {
      expect(await make().get('assets/missing.js')).toBeUndefined();
    });
  });
}

contract('files (web/dist)', () => {
  const root = mkdtempSync(join(tmpdir(), 'gc-console-'));
  mkdirSync(join(root, 'assets'));
  for (const [path, text] of Object.entries(FILES)) writeFileSync(join(root, path), text);
  return new FileConsoleAssets(root);
});

contract('S3 (fake)', () => {
  const objects = new Map(Object.entries(FILES).map(([k, v]) => [k, new TextEncoder().encode(v)]));
  return new S3ConsoleAssets({ client: new FakeS3(objects) as unknown as S3Client, bucket: 'console' });
});

describe('FileConsoleAssets', () => {
  it('never reads outside its folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gc-console-'));
    writeFileSync(join(root, 'index.html'), 'x');
    writeFileSync(join(root, '..', 'secret.txt'), 'secret');
    const assets = new FileConsoleAssets(root);
    expect(await assets.get('../secret.txt')).toBeUndefined();
  });
});

describe('S3ConsoleAssets', () => {
  it('reads a hashed asset once per environment and index.html again after its TTL', async () => {
    let now = 0;
    const objects = new Map(Object.entries(FILES).map(([k, v]) => [k, new TextEncoder().encode(v)]));
    const s3 = new FakeS3(objects);
    const assets = new S3ConsoleAssets({
      client: s3 as unknown as S3Client,
      bucket: 'console',
      indexTtlMs: 60_000,
      now: () => now,
    });
    await assets.get('assets/index-abc123.js');
    await assets.get('assets/index-abc123.js');
    expect(s3.reads).toBe(1);
    await assets.get('index.html');
    objects.set('index.html', new TextEncoder().encode('<!doctype html>新版本'));
    expect(new TextDecoder().decode((await assets.get('index.html'))?.bytes)).not.toContain('新版本');
    now = 61_000;
    expect(new TextDecoder().decode((await assets.get('index.html'))?.bytes)).toContain('新版本');
  });
});
