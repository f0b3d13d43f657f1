import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { chainEvent, GENESIS_HASH, type StreamHead } from '../../domain/audit-chain.js';
import type { Instant, Versioned } from '../../domain/model.js';
import type {
  AggregateKind,
  AuditEvent,
  Change,
  CommitResult,
  IdempotencyRecord,
  IdempotencyRef,
  IndexHit,
  IndexName,
  OutboxMessage,
  Page,
  QueryOptions,
  Store,
  TaskTokenRecord,
} from '../../ports/store.js';
import { idempotencyExpired, TASK_TOKEN_RETENTION_DAYS } from '../../ports/store.js';
import {
  assertDistinctChanges,
  assertLimit,
  assertOutbox,
  decodeCursor,
  encodeCursor,
  idempotencyKeyUsed,
  outboxDuplicate,
  versionConflict,
} from '../store-common.js';
import { migrate } from './migrations.js';

/**
 * The embedded store: one SQLite file, real transactions. WAL lets readers run beside the single
 * writer. Every method is async to match the port, although better-sqlite3 is synchronous: a
 * commit therefore runs to completion before any other starts within this process, and BEGIN
 * IMMEDIATE plus busy_timeout serialise writers across processes.
 *
 * Durability: a write is acknowledged only once the WAL holding it is on disk, so it survives a
 * power loss, not only a process crash. SQLite's own fsync at COMMIT (synchronous=FULL) would block
 * the one JavaScript thread for the whole fsync; instead SQLite commits with synchronous=NORMAL
 * (the WAL frames are written, not synced; SQLite still syncs around checkpoints) and the store
 * fdatasyncs the WAL file on libuv's thread pool, acknowledging the group's writes when it returns.
 * Meanwhile the thread goes on, and the next group commits while that fsync runs. An fdatasync that
 * starts after a group's COMMIT covers every frame written before it (the WAL is appended to), so
 * no acknowledged write depends on a sync that began earlier. Readers may see a committed write a
 * moment before it is durable; its writer is not answered until it is.
 */

interface AggregateRow {
  version: number;
  value: string;
  audit_seq: number;
  audit_head: string;
}
interface IndexRow {
  kind: AggregateKind;
  id: string;
  sort: string;
}
interface AuditRow {
  stream: string;
  seq: number;
  prev_hash: string;
  hash: string;
  type: string;
  actor: string;
  at: string;
  data: string;
}
interface IdempotencyRow {
  scope: string;
  key: string;
  request_hash: string;
  status: number;
  body: string | null;
  at: string;
  expires_at: string | null;
  ref: string | null;
}
interface OutboxRow {
  id: string;
  event: string | null;
  created_at: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
}
interface TaskTokenRow {
  key: string;
  case_id: string;
  token: string;
  status: TaskTokenRecord['status'];
  output: string | null;
  updated_at: string;
}

/** JSON that keeps `undefined` representable (a NULL column), since JSON.stringify(undefined) is undefined. */
const toJson = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));
const fromJson = (text: string | null): unknown => (text === null ? undefined : JSON.parse(text));

/** Cursor = the position (sort, kind, id) of the last hit returned; opaque to callers. */
type Position = [sort: string, kind: string, id: string];
const isPosition = (value: unknown): value is Position =>
  Array.isArray(value) && value.length === 3 && value.every((part) => typeof part === 'string');

function prepare(db: Database.Database) {
  return {
    getAggregate: db.prepare<[string, string], AggregateRow>(
      'SELECT version, value, audit_seq, audit_head FROM aggregates WHERE kind = ? AND id = ?',
    ),
    // a commit checks the version and continues the audit chain: the value (a case's ~10 KB of
    // JSON) is not decoded into a string it would throw away
    getAggregateHead: db.prepare<[string, string], Omit<AggregateRow, 'value'>>(
      'SELECT version, audit_seq, audit_head FROM aggregates WHERE kind = ? AND id = ?',
    ),
    getMany: db.prepare<[string, string], AggregateRow & { id: string }>(
      'SELECT id, version, value, audit_seq, audit_head FROM aggregates WHERE kind = ? AND id IN (SELECT value FROM json_each(?))',
    ),
    upsertAggregate: db.prepare<[string, string, number, string, number, string]>(
      `INSERT INTO aggregates (kind, id, version, value, audit_seq, audit_head) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, value = excluded.value,
         audit_seq = excluded.audit_seq, audit_head = excluded.audit_head`,
    ),
    selectIndexes: db.prepare<[string, string], { idx: string; key: string; sort: string }>(
      'SELECT idx, key, sort FROM index_entries WHERE kind = ? AND id = ?',
    ),
    deleteIndex: db.prepare<[string, string, string, string, string]>(
      'DELETE FROM index_entries WHERE kind = ? AND id = ? AND idx = ? AND key = ? AND sort = ?',
    ),
    insertIndex: db.prepare<[string, string, string, string, string]>(
      'INSERT OR IGNORE INTO index_entries (kind, id, idx, key, sort) VALUES (?, ?, ?, ?, ?)',
    ),
    insertAudit: db.prepare<[string, number, string, string, string, string, string, string]>(
      'INSERT INTO audit_events (stream, seq, prev_hash, hash, type, actor, at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    getIdempotency: db.prepare<[string, string], IdempotencyRow>(
      'SELECT * FROM idempotency WHERE scope = ? AND key = ?',
    ),
    // an expired record with the same key is replaced (the conflict check ran first)
    insertIdempotency: db.prepare<
      [string, string, string, number, string | null, string, string | null, string | null]
    >(
      `INSERT OR REPLACE INTO idempotency (scope, key, request_hash, status, body, at, expires_at, ref)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    purgeIdempotency: db.prepare<[string]>(
      'DELETE FROM idempotency WHERE expires_at IS NOT NULL AND expires_at <= ?',
    ),
    getTaskToken: db.prepare<[string], TaskTokenRow>('SELECT * FROM task_tokens WHERE key = ?'),
    upsertPendingTaskToken: db.prepare<[string, string, string, string]>(
      `INSERT INTO task_tokens (key, case_id, token, status, output, updated_at) VALUES (?, ?, ?, 'pending', NULL, ?)
       ON CONFLICT (key) DO UPDATE SET case_id = excluded.case_id, token = excluded.token,
         updated_at = excluded.updated_at WHERE task_tokens.status = 'pending'`,
    ),
    purgeTaskTokens: db.prepare<[string]>('DELETE FROM task_tokens WHERE updated_at <= ?'),
    pendingTaskTokens: db.prepare<[string], TaskTokenRow>(
      `SELECT * FROM task_tokens WHERE case_id = ? AND status = 'pending' ORDER BY key`,
    ),
    insertOutbox: db.prepare<[string, string | null, string, number, string, string | null]>(
      `INSERT INTO outbox (id, event, created_at, attempts, next_attempt_at, last_error) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    ),
    // Same order as the DynamoDB adapter's gsi1sk: the message waiting longest for its attempt first.
    dueOutbox: db.prepare<[string, number], OutboxRow>(
      'SELECT * FROM outbox WHERE next_attempt_at <= ? ORDER BY next_attempt_at, created_at, id LIMIT ?',
    ),
    deleteOutbox: db.prepare<[string]>('DELETE FROM outbox WHERE id = ?'),
    rescheduleOutbox: db.prepare<[number, string, string, string]>(
      'UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?',
    ),
  };
}

const entryKey = (idx: string, key: string, sort: string) => `${idx}\u0000${key}\u0000${sort}`;

/** A write waiting for the next group transaction: a commit, a token registration, outbox deletes. */
interface PendingWrite {
  run: () => unknown;
  resolve: (result: unknown) => void;
  reject: (err: unknown) => void;
}

export class SqliteStore implements Store {
  private readonly statements: ReturnType<typeof prepare>;
  /** one commit's writes; run inside the group transaction as a savepoint of its own */
  private readonly commitRows: (
    changes: Change[],
    idempotency: IdempotencyRecord | undefined,
    outbox: OutboxMessage[],
  ) => CommitResult;
  /** one transaction (one fsync) for every write queued in the same turn of the event loop */
  private readonly groupTx: Database.Transaction<
    (batch: PendingWrite[]) => ({ ok: unknown } | { err: unknown })[]
  >;
  private pending: PendingWrite[] = [];
  private transactions = 0;
  private flushing: Promise<void> | undefined;
  /** the statements built from a query's options: a handful of shapes, each prepared once */
  private readonly shaped = new Map<string, Database.Statement<(string | number)[], unknown>>();

  /** the WAL file's descriptor, opened at the first sync (undefined for an in-memory store) */
  private walFd: number | undefined;

  private constructor(
    private readonly db: Database.Database,
    /** `${file}-wal`, or undefined when nothing is on disk (':memory:') */
    private readonly walPath: string | undefined,
  ) {
    const s = prepare(db);
    this.statements = s;

    this.commitRows = (
      changes: Change[],
      idempotency: IdempotencyRecord | undefined,
      outbox: OutboxMessage[],
    ): CommitResult => {
      // Idempotency first: a duplicate request racing the original should learn that its key was
      // used (and replay the stored answer) rather than see a version conflict.
      if (idempotency) {
        const used = s.getIdempotency.get(idempotency.scope, idempotency.key);
        if (used && !idempotencyExpired({ expiresAt: used.expires_at ?? undefined }, idempotency.at)) {
          throw idempotencyKeyUsed(idempotency.scope, idempotency.key);
        }
      }
      const current = changes.map((change) => {
        const row = s.getAggregateHead.get(change.kind, change.id);
        const actual = row?.version ?? 0;
        if (actual !== change.expectedVersion) {
          throw versionConflict(change.kind, change.id, change.expectedVersion, row?.version);
        }
        return row;
      });
      const versions: number[] = [];
      const events: AuditEvent[] = [];
      changes.forEach((change, i) => {
        const row = current[i];
        const stream = `${change.kind}/${change.id}`;
        let seq = row?.audit_seq ?? 0;
        let head = row?.audit_head ?? GENESIS_HASH;
        for (const draft of change.events) {
          seq += 1;
          const event = chainEvent(stream, seq, head, draft);
          s.insertAudit.run(
            stream,
            seq,
            event.prevHash,
            event.hash,
            event.type,
            event.actor,
            event.at,
            JSON.stringify(event.data),
          );
          head = event.hash;
          events.push(event);
        }
        const version = change.expectedVersion + 1;
        s.upsertAggregate.run(change.kind, change.id, version, JSON.stringify(change.value), seq, head);
        // Only what changed: a decision moves one or two of a case's ~15 entries; rewriting them
        // all cost a delete and an insert (with their index updates) per entry.
        const wanted = new Set(change.indexes.map((e) => entryKey(e.index, e.key, e.sort)));
        const stored = new Set<string>();
        for (const row of s.selectIndexes.all(change.kind, change.id)) {
          const k = entryKey(row.idx, row.key, row.sort);
          stored.add(k);
          if (!wanted.has(k)) s.deleteIndex.run(change.kind, change.id, row.idx, row.key, row.sort);
        }
        for (const entry of change.indexes) {
          if (stored.has(entryKey(entry.index, entry.key, entry.sort))) continue;
          s.insertIndex.run(change.kind, change.id, entry.index, entry.key, entry.sort);
        }
        versions.push(version);
      });
      if (idempotency) {
        s.insertIdempotency.run(
          idempotency.scope,
          idempotency.key,
          idempotency.requestHash,
          idempotency.status,
          toJson(idempotency.body),
          idempotency.at,
          idempotency.expiresAt ?? null,
          idempotency.ref ? JSON.stringify(idempotency.ref) : null,
        );
      }
      for (const message of outbox) {
        const inserted = s.insertOutbox.run(
          message.id,
          toJson(message.event),
          message.createdAt,
          message.attempts,
          message.nextAttemptAt,
          message.lastError ?? null,
        );
        // Throwing inside the transaction rolls back everything written above.
        if (inserted.changes === 0) throw outboxDuplicate(message.id);
      }
      return { versions, events };
    };

    // Each write of the group runs as a nested transaction (a savepoint): one that fails (a
    // version conflict, a used key) is rolled back alone and rejected; the others commit together.
    const savepoint = db.transaction((run: () => unknown) => run());
    this.groupTx = db.transaction((batch: PendingWrite[]) =>
      batch.map((p) => {
        try {
          return { ok: savepoint(p.run) };
        } catch (err) {
          return { err };
        }
      }),
    );
  }

  /**
   * Writes the queued writes in one IMMEDIATE transaction and settles each only after the WAL was
   * synced following its COMMIT, so no write is acknowledged before it is durable. If the COMMIT
   * or the sync fails, every write of the group is rejected (a retry with its idempotency key
   * finds out whether it landed).
   */
  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let outcomes: ({ ok: unknown } | { err: unknown })[];
    try {
      this.transactions += 1;
      outcomes = this.groupTx.immediate(batch);
      await this.syncWal();
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const outcome = outcomes[i]!;
      if ('ok' in outcome) p.resolve(outcome.ok);
      else p.reject(outcome.err);
    });
  }

  /** fdatasync of the WAL on the thread pool: the JavaScript thread is not blocked meanwhile */
  private syncWal(): Promise<void> {
    if (!this.walPath) return Promise.resolve();
    // SQLite deletes the WAL when the last connection to the file closes (another process's, say)
    // and starts a new one: syncing the old file would make nothing durable, so follow the path.
    if (this.walFd !== undefined && fstatSync(this.walFd).ino !== statSync(this.walPath).ino) {
      closeSync(this.walFd);
      this.walFd = undefined;
    }
    this.walFd ??= openSync(this.walPath, 'r+');
    const fd = this.walFd;
    return new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  }

  private prepared<R>(sql: string): Database.Statement<(string | number)[], R> {
    let statement = this.shaped.get(sql);
    if (!statement) {
      statement = this.db.prepare<(string | number)[], unknown>(sql);
      this.shaped.set(sql, statement);
    }
    return statement as Database.Statement<(string | number)[], R>;
  }

  /** write transactions (each one fsync) run so far: what group commit saves is counted here */
  get writeTransactions(): number {
    return this.transactions;
  }

  /** Opens (creating if needed) the store file; ':memory:' gives a throwaway store for tests. */
  static open(path: string): SqliteStore {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    // the store syncs the WAL itself before acknowledging (see the class comment)
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return new SqliteStore(db, db.memory ? undefined : `${db.name}-wal`);
  }

  async get<T>(kind: AggregateKind, id: string): Promise<Versioned<T> | undefined> {
    const row = this.statements.getAggregate.get(kind, id);
    return row ? { value: JSON.parse(row.value) as T, version: row.version } : undefined;
  }

  async getMany<T>(kind: AggregateKind, ids: string[]): Promise<Versioned<T>[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const rows = this.statements.getMany.all(kind, JSON.stringify(unique));
    const byId = new Map(rows.map((row) => [row.id, row]));
    // Callers get the found ones in the order they asked for them.
    return unique.flatMap((id) => {
      const row = byId.get(id);
      return row ? [{ value: JSON.parse(row.value) as T, version: row.version }] : [];
    });
  }

  async commit(
    changes: Change[],
    idempotency?: IdempotencyRecord,
    outbox: OutboxMessage[] = [],
  ): Promise<CommitResult> {
    assertDistinctChanges(changes);
    assertOutbox(outbox);
    return this.grouped(() => this.commitRows(changes, idempotency, outbox));
  }

  /**
   * Group commit: writes arriving in the same turn of the event loop (commits, token
   * registrations, the relay's outbox deletes) share one transaction and one fsync, and each is
   * acknowledged only after it. IMMEDIATE takes the write lock up front, so two processes cannot
   * both read a version and then deadlock upgrading to write.
   */
  private grouped<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run, resolve: resolve as (result: unknown) => void, reject });
      if (this.pending.length === 1) {
        const previous = this.flushing;
        this.flushing = new Promise<void>((done) =>
          setImmediate(() => {
            // close() waits for every group still syncing, not only the last one queued
            void Promise.all([previous, this.flush()]).then(() => done());
          }),
        );
      }
    });
  }

  async query(index: IndexName, key: string, options: QueryOptions = {}): Promise<Page<IndexHit>> {
    const where = ['idx = ?', 'key = ?'];
    const params: (string | number)[] = [index, key];
    if (options.from !== undefined) {
      where.push('sort >= ?');
      params.push(options.from);
    }
    if (options.to !== undefined) {
      where.push('sort <= ?');
      params.push(options.to);
    }
    const desc = options.descending === true;
    if (options.cursor !== undefined) {
      where.push(`(sort, kind, id) ${desc ? '<' : '>'} (?, ?, ?)`);
      params.push(...decodeCursor(options.cursor, isPosition));
    }
    const direction = desc ? 'DESC' : 'ASC';
    let sql = `SELECT kind, id, sort FROM index_entries WHERE ${where.join(' AND ')}
      ORDER BY sort ${direction}, kind ${direction}, id ${direction}`;
    const limit = options.limit;
    assertLimit(limit);
    if (limit !== undefined) {
      // One extra row tells whether another page exists, so the last page carries no cursor.
      sql += ' LIMIT ?';
      params.push(limit + 1);
    }
    const rows = this.prepared<IndexRow>(sql).all(...params);
    const items = limit !== undefined ? rows.slice(0, limit) : rows;
    const last = items[items.length - 1];
    const page: Page<IndexHit> = { items: items.map((r) => ({ kind: r.kind, id: r.id, sort: r.sort })) };
    if (limit !== undefined && rows.length > limit && last) {
      page.cursor = encodeCursor([last.sort, last.kind, last.id]);
    }
    return page;
  }

  async audit(stream: string, options: { fromSeq?: number; limit?: number } = {}): Promise<AuditEvent[]> {
    const params: (string | number)[] = [stream, options.fromSeq ?? 1];
    let sql = 'SELECT * FROM audit_events WHERE stream = ? AND seq >= ? ORDER BY seq';
    if (options.limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(options.limit);
    }
    return this.prepared<AuditRow>(sql)
      .all(...params)
      .map(toAuditEvent);
  }

  async auditHead(stream: string): Promise<StreamHead | undefined> {
    const slash = stream.indexOf('/');
    if (slash < 0) return undefined;
    const row = this.statements.getAggregateHead.get(stream.slice(0, slash), stream.slice(slash + 1));
    return row ? { stream, seq: row.audit_seq, hash: row.audit_head } : undefined;
  }

  async auditHeads(options: { cursor?: string; limit?: number } = {}): Promise<Page<StreamHead>> {
    assertLimit(options.limit);
    const limit = options.limit ?? 1000;
    const after: [string, string] =
      options.cursor === undefined ? ['', ''] : decodeCursor(options.cursor, isKindId);
    const rows = this.prepared<{ kind: string; id: string; audit_seq: number; audit_head: string }>(
      `SELECT kind, id, audit_seq, audit_head FROM aggregates WHERE audit_seq > 0 AND (kind, id) > (?, ?)
         ORDER BY kind, id LIMIT ?`,
    ).all(after[0], after[1], limit + 1);
    const items = rows.slice(0, limit);
    const page: Page<StreamHead> = {
      items: items.map((r) => ({ stream: `${r.kind}/${r.id}`, seq: r.audit_seq, hash: r.audit_head })),
    };
    const last = items.at(-1);
    if (rows.length > limit && last) page.cursor = encodeCursor([last.kind, last.id]);
    return page;
  }

  async getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const row = this.statements.getIdempotency.get(scope, key);
    if (!row) return undefined;
    return {
      scope: row.scope,
      key: row.key,
      requestHash: row.request_hash,
      status: row.status,
      ...(row.body !== null ? { body: fromJson(row.body) } : {}),
      ...(row.ref ? { ref: JSON.parse(row.ref) as IdempotencyRef } : {}),
      at: row.at,
      ...(row.expires_at ? { expiresAt: row.expires_at } : {}),
    };
  }

  async purgeIdempotency(now: Instant): Promise<number> {
    return this.grouped(() => this.statements.purgeIdempotency.run(now).changes);
  }

  async putTaskToken(record: Omit<TaskTokenRecord, 'status' | 'output'>): Promise<TaskTokenRecord> {
    return this.grouped(() => {
      // The upsert only touches a pending row, so a record settled before upgrade stays settled.
      this.statements.upsertPendingTaskToken.run(record.key, record.caseId, record.token, record.updatedAt);
      const stored = this.statements.getTaskToken.get(record.key);
      if (!stored) throw new Error(`task token ${record.key} vanished after upsert`);
      return toTaskToken(stored);
    });
  }

  async getTaskToken(key: string): Promise<TaskTokenRecord | undefined> {
    const row = this.statements.getTaskToken.get(key);
    return row ? toTaskToken(row) : undefined;
  }

  async pendingTaskTokens(caseId: string): Promise<TaskTokenRecord[]> {
    return this.statements.pendingTaskTokens.all(caseId).map(toTaskToken);
  }

  async purgeTaskTokens(now: Instant): Promise<number> {
    // registered at or before this moment, its retention ended by `now`
    const cutoff = new Date(Date.parse(now) - TASK_TOKEN_RETENTION_DAYS * 86_400_000).toISOString();
    return this.grouped(() => this.statements.purgeTaskTokens.run(cutoff).changes);
  }

  async dueOutbox(now: Instant, limit: number): Promise<OutboxMessage[]> {
    assertLimit(limit);
    return this.statements.dueOutbox.all(now, limit).map(toOutboxMessage);
  }

  async deleteOutbox(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    // rides in the next group transaction with the commits of that moment: no fsync of its own
    await this.grouped(() => {
      for (const id of ids) this.statements.deleteOutbox.run(id);
    });
  }

  async rescheduleOutbox(
    id: string,
    attempts: number,
    nextAttemptAt: Instant,
    lastError: string,
  ): Promise<void> {
    // An absent (already published and deleted) message stays absent.
    await this.grouped(() => this.statements.rescheduleOutbox.run(attempts, nextAttemptAt, lastError, id));
  }

  async close(): Promise<void> {
    // what was queued is written (or refused) before the file closes
    await this.flushing;
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.walFd = undefined;
    if (this.db.open) this.db.close();
  }
}

/**
 * A row as an event, whatever the row holds: a damaged row (data that is not JSON, a column of
 * the wrong type) comes back marked unreadable so verification can name it instead of failing.
 */
function toAuditEvent(row: AuditRow): AuditEvent {
  const event: AuditEvent = {
    stream: row.stream,
    seq: row.seq,
    prevHash: row.prev_hash,
    hash: row.hash,
    type: row.type,
    actor: row.actor,
    at: row.at,
    data: {},
  };
  try {
    const data: unknown = JSON.parse(row.data);
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
      event.data = data as Record<string, unknown>;
    } else event.unreadable = 'data is not a JSON object';
  } catch {
    event.unreadable = 'data is not valid JSON';
  }
  return event;
}

const isKindId = (value: unknown): value is [string, string] =>
  Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string');

function toOutboxMessage(row: OutboxRow): OutboxMessage {
  const message: OutboxMessage = {
    id: row.id,
    event: fromJson(row.event),
    createdAt: row.created_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
  };
  if (row.last_error !== null) message.lastError = row.last_error;
  return message;
}

function toTaskToken(row: TaskTokenRow): TaskTokenRecord {
  const record: TaskTokenRecord = {
    key: row.key,
    caseId: row.case_id,
    token: row.token,
    status: row.status,
    updatedAt: row.updated_at,
  };
  const output = fromJson(row.output);
  if (output !== undefined) record.output = output;
  return record;
}
