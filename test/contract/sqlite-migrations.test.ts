import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { LATEST_VERSION, migrate, schemaVersion } from '../../shared/adapters/sqlite/migrations.js';
import { SqliteStore } from '../../shared/adapters/sqlite/sqlite-store.js';

/** The embedded store's file carries a schema version and moves forward at open. */

const PREVIOUS_RELEASE = readFileSync(
  new URL('../fixtures/sqlite-schema-release-2026-11-28.sql', import.meta.url),
  'utf8',
);

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gc-migrate-'));
  dirs.push(dir);
  return join(dir, 'store.db');
}

describe('SQLite schema migrations', () => {
  it('opens a file from the previous release: stamps and migrates it, keeping every row', async () => {
    const path = tempFile();
    const old = new Database(path);
    old.exec(PREVIOUS_RELEASE);
    old
      .prepare(
        'INSERT INTO aggregates (kind, id, version, value, audit_seq, audit_head) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run('project', 'P-1', 3, JSON.stringify({ name: '沿江城际铁路' }), 0, 'genesis');
    old
      .prepare(
        'INSERT INTO idempotency (scope, key, request_hash, status, body, at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        'u1 POST /projects',
        'k-1',
        'a'.repeat(64),
        201,
        JSON.stringify({ id: 'P-1' }),
        '2026-11-01T00:00:00.000Z',
      );
    expect(schemaVersion(old)).toBe(0);
    old.close();

    const store = SqliteStore.open(path);
    expect(await store.get('project', 'P-1')).toEqual({ value: { name: '沿江城际铁路' }, version: 3 });
    // written before records expired: it keeps answering
    expect(await store.getIdempotency('u1 POST /projects', 'k-1')).toEqual({
      scope: 'u1 POST /projects',
      key: 'k-1',
      requestHash: 'a'.repeat(64),
      status: 201,
      body: { id: 'P-1' },
      at: '2026-11-01T00:00:00.000Z',
    });
    expect(await store.purgeIdempotency('2099-01-01T00:00:00.000Z')).toBe(0);
    await store.close();

    const db = new Database(path);
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    const columns = db.prepare("SELECT name FROM pragma_table_info('idempotency')").all() as {
      name: string;
    }[];
    expect(columns.map((c) => c.name)).toEqual(expect.arrayContaining(['expires_at', 'ref']));
    // a second open applies nothing
    expect(migrate(db)).toEqual([]);
    db.close();
  });

  it('a new file gets every migration; expired records are purged', async () => {
    const path = tempFile();
    const store = SqliteStore.open(path);
    await store.commit(
      [{ kind: 'project', id: 'P-2', expectedVersion: 0, value: {}, indexes: [], events: [] }],
      {
        scope: 's',
        key: 'k',
        requestHash: 'b'.repeat(64),
        status: 201,
        body: null,
        at: '2026-11-01T00:00:00.000Z',
        expiresAt: '2026-11-02T00:00:00.000Z',
      },
    );
    expect(await store.purgeIdempotency('2026-11-01T12:00:00.000Z')).toBe(0);
    expect(await store.purgeIdempotency('2026-11-02T00:00:00.000Z')).toBe(1);
    expect(await store.getIdempotency('s', 'k')).toBeUndefined();
    await store.close();
    const db = new Database(path);
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    db.close();
  });

  it('refuses a file written by a newer release instead of misreading it', () => {
    const path = tempFile();
    const db = new Database(path);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    expect(() => SqliteStore.open(path)).toThrow(/结构版本/);
  });
});
