import type Database from 'better-sqlite3';
import { DomainError } from '../../domain/errors.js';

/**
 * The embedded store's schema, versioned with SQLite's `user_version`. Each migration moves the file
 * one version forward inside a transaction, at open; a file already at the latest version is left
 * alone, and a file from a newer release is refused rather than misread. Never edit a migration
 * that has shipped: add the next one.
 */

interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

/**
 * Version 1 is the schema as the releases before versioning created it (every statement is
 * IF NOT EXISTS, so a file from them, at user_version 0, already has it and only gets stamped).
 */
const BASELINE = `
CREATE TABLE IF NOT EXISTS aggregates (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  value TEXT NOT NULL,
  audit_seq INTEGER NOT NULL,
  audit_head TEXT NOT NULL,
  PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS index_entries (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  idx TEXT NOT NULL,
  key TEXT NOT NULL,
  sort TEXT NOT NULL,
  PRIMARY KEY (kind, id, idx, key, sort)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS index_entries_lookup ON index_entries (idx, key, sort, kind, id);
CREATE TABLE IF NOT EXISTS audit_events (
  stream TEXT NOT NULL,
  seq INTEGER NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  type TEXT NOT NULL,
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (stream, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS idempotency (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT,
  at TEXT NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS task_tokens (
  key TEXT PRIMARY KEY,
  case_id TEXT NOT NULL,
  token TEXT NOT NULL,
  status TEXT NOT NULL,
  output TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS task_tokens_pending ON task_tokens (case_id, status);
CREATE TABLE IF NOT EXISTS outbox (
  id TEXT PRIMARY KEY,
  event TEXT,
  created_at TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (next_attempt_at, created_at, id);
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, description: 'baseline schema', up: (db) => db.exec(BASELINE) },
  {
    version: 2,
    description: 'idempotency records expire',
    up: (db) => {
      // records written before expiry existed keep NULL: they never expire, as they were written
      db.exec(`ALTER TABLE idempotency ADD COLUMN expires_at TEXT;
CREATE INDEX IF NOT EXISTS idempotency_expiry ON idempotency (expires_at) WHERE expires_at IS NOT NULL;`);
    },
  },
  {
    version: 3,
    description: 'idempotency records may point at the aggregate they answered instead of copying it',
    up: (db) => db.exec('ALTER TABLE idempotency ADD COLUMN ref TEXT;'),
  },
];

export const LATEST_VERSION = MIGRATIONS.at(-1)!.version;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings the file to the latest version; returns the versions applied. */
export function migrate(db: Database.Database): number[] {
  const applied: number[] = [];
  // BEGIN IMMEDIATE: two processes opening an old file at once migrate it once
  db.transaction(() => {
    const current = schemaVersion(db);
    if (current > LATEST_VERSION) {
      throw new DomainError(
        'conflict',
        'STORE_SCHEMA_TOO_NEW',
        `数据文件的结构版本（${current}）高于本程序支持的版本（${LATEST_VERSION}），请使用更新的版本`,
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
      applied.push(m.version);
    }
  }).immediate();
  return applied;
}
