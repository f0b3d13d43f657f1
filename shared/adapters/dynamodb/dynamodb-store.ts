import { randomUUID } from 'node:crypto';
import { brotliCompressSync, brotliDecompressSync, constants as zlib } from 'node:zlib';
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { chainEvent, GENESIS_HASH, type StreamHead } from '../../domain/audit-chain.js';
import { invalid } from '../../domain/errors.js';
import type { Instant, Versioned } from '../../domain/model.js';
import type {
  AggregateKind,
  AuditEvent,
  Change,
  CommitResult,
  IdempotencyRecord,
  IdempotencyRef,
  IndexEntry,
  IndexHit,
  IndexName,
  OutboxMessage,
  Page,
  QueryOptions,
  Store,
  TaskTokenRecord,
} from '../../ports/store.js';
import { idempotencyExpired, taskTokenExpiry } from '../../ports/store.js';
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
import { TABLE_DESIGN } from './table-design.js';

/**
 * The production store: one DynamoDB table (single-table design).
 *
 *   item          pk                      sk                           gsi1pk              gsi1sk
 *   aggregate     `${kind}#${id}`         META                         -                   -
 *   index entry   `${kind}#${id}`         IDX#${index}#${key}␀${sort}  `${index}#${key}`   `${sort}␀${kind}#${id}`
 *   audit event   AUDIT#${stream}         seq, zero-padded to 12       -                   -
 *   idempotency   IDEM#${scope}           key                          -                   -
 *   task token    TASK#${key}             TOKEN                        TASKS#${caseId}     key  (only while pending)
 *   outbox        OUTBOX#${id}            OUTBOX                       OUTBOX              `${nextAttemptAt}␀${createdAt}␀${id}`
 *
 * ␀ is U+0000. It separates `sort` from what follows because it sorts below every other character:
 * gsi1sk then orders exactly like (sort, kind, id), and the inclusive bounds `from`/`to` become the
 * exact key condition `gsi1sk BETWEEN from AND to + U+0001` (with '#' as separator, a sort value
 * that is a prefix of another, e.g. '2026-05-01' and '2026-05-01#c1', would order and bound
 * wrongly). Index keys and sort values must therefore not contain U+0000.
 *
 * The outbox (messages waiting for the bus) is keyed by id, so delete and reschedule are single-item
 * writes, and listed through gsi1 under the one key OUTBOX, sorted by next attempt time: the due
 * messages are exactly the key range gsi1sk < `${now}\u0001`, so dueOutbox is one Query that reads
 * `limit` items and nothing else (no Scan, no filter that would read and drop rescheduled ones).
 * Rescheduling rewrites gsi1sk, which moves the message back in line by its next attempt time; a
 * message that keeps failing therefore never heads every batch. Ordering by createdAt instead could
 * not be a key range (a sort key orders by one thing) and would read the whole backlog while the
 * bus is down. The one GSI partition `OUTBOX` is a deliberate hot key: a GSI partition takes about
 * 1,000 writes/s, two orders of magnitude above one province's event rate (each message costs a
 * write on commit, one per reschedule and one on delete). Being a GSI, dueOutbox may lag a write
 * by a moment: a just-committed message waits for the next poll, and a just-deleted one may be
 * published again, which delivery at least once (receivers deduplicate by event id) allows.
 *
 * Limits (documented rather than hidden):
 * - an item is at most 400 KB: an aggregate's JSON value must stay below about 390 KB
 *   (commit throws VALUE_TOO_LARGE before sending); stage cases are a few KB;
 * - a commit is one TransactWriteItems of at most 100 items (META + changed index entries + audit
 *   events per aggregate, + idempotency, + one per outbox message): larger commits throw
 *   COMMIT_TOO_LARGE; an outbox message's event JSON has the same 400 KB item limit;
 * - query(), pendingTaskTokens() and dueOutbox() read the GSI, which in AWS is eventually consistent (usually
 *   well under a second behind); get/getMany/audit/idempotency/task-token reads are strongly
 *   consistent.
 */

/** The CreateTable request for TABLE_DESIGN (tests and local tooling; CDK maps the same object). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const gsis = TABLE_DESIGN.globalSecondaryIndexes;
  const names = new Set<string>([
    TABLE_DESIGN.partitionKey.name,
    TABLE_DESIGN.sortKey.name,
    ...gsis.flatMap((g) => [g.partitionKey.name, g.sortKey.name]),
  ]);
  return {
    TableName: tableName,
    BillingMode: TABLE_DESIGN.billingMode,
    KeySchema: [
      { AttributeName: TABLE_DESIGN.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: TABLE_DESIGN.sortKey.name, KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [...names].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    GlobalSecondaryIndexes: gsis.map((g) => ({
      IndexName: g.indexName,
      KeySchema: [
        { AttributeName: g.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: g.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: g.projectionType },
    })),
  };
}

const META = 'META';
const TOKEN = 'TOKEN';
const OUTBOX = 'OUTBOX';
const GSI1 = TABLE_DESIGN.globalSecondaryIndexes[0].indexName;
const MAX_TRANSACTION_ITEMS = 100;
const TTL_ATTRIBUTE = TABLE_DESIGN.timeToLiveAttribute;
const MAX_ITEM_BYTES = 400 * 1024;
/** Retries of a commit cancelled only by a concurrent transaction (not by a failed condition). */
const MAX_CONFLICT_RETRIES = 5;

const aggregatePk = (kind: string, id: string) => `${kind}#${id}`;
const indexSk = (e: IndexEntry) => `IDX#${e.index}#${e.key}\u0000${e.sort}`;
const auditPk = (stream: string) => `AUDIT#${stream}`;
const seqSk = (seq: number) => String(seq).padStart(12, '0');
const outboxKey = (id: string): Item => ({ pk: S(`${OUTBOX}#${id}`), sk: S(OUTBOX) });
const outboxGsi1sk = (nextAttemptAt: string, createdAt: string, id: string) =>
  `${nextAttemptAt}\u0000${createdAt}\u0000${id}`;

type Item = Record<string, AttributeValue>;
const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });

function str(item: Item, name: string): string {
  const v = item[name];
  if (v && 'S' in v && v.S !== undefined) return v.S;
  throw new Error(`DynamoDB item lacks string attribute ${name}`);
}
function num(item: Item, name: string): number {
  const v = item[name];
  if (v && 'N' in v && v.N !== undefined) return Number(v.N);
  throw new Error(`DynamoDB item lacks number attribute ${name}`);
}
function optStr(item: Item, name: string): string | undefined {
  const v = item[name];
  return v && 'S' in v ? v.S : undefined;
}
function strList(item: Item, name: string): string[] {
  const v = item[name];
  if (!v || !('L' in v) || !v.L) return [];
  return v.L.flatMap((e) => (e.S !== undefined ? [e.S] : []));
}

/**
 * An aggregate's JSON from this size on is stored brotli-compressed (`valueZ`, binary): writes are
 * billed per KB, twice in a transaction, and a 15-item case (~10 KB of JSON) compresses to a
 * fraction of it. Smaller values stay plain (`value`), readable in the console.
 */
const COMPRESS_FROM_BYTES = 1024;

function valueAttributes(value: unknown): Item {
  const json = JSON.stringify(value) ?? 'null';
  if (Buffer.byteLength(json) < COMPRESS_FROM_BYTES) return { value: S(json) };
  // quality 5: most of the gain at a fraction of a millisecond per case
  const packed = brotliCompressSync(json, {
    params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: json.length },
  });
  return { valueZ: { B: packed } };
}

/**
 * The index keys a META item remembers (to delete the entries a change drops) share long prefixes
 * and the aggregate's id: a case's ~17 keys are ~1.4 KB as a list, over a third of its META item,
 * written twice per transaction on every change. Compressed they are a few hundred bytes.
 */
function indexKeyAttributes(keys: string[]): Item {
  const json = JSON.stringify(keys);
  // below this a list is as small as its compressed form
  if (Buffer.byteLength(json) < 256) return { indexKeys: { L: keys.map(S) } };
  return { indexKeysZ: { B: brotliCompressSync(json, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } }) } };
}

function storedIndexKeys(item: Item): string[] {
  const packed = item.indexKeysZ?.B;
  if (!packed) return strList(item, 'indexKeys');
  const keys: unknown = JSON.parse(brotliDecompressSync(packed).toString('utf8'));
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) {
    throw new Error('DynamoDB META item has damaged indexKeysZ');
  }
  return keys;
}

function storedValue(item: Item): unknown {
  const packed = item.valueZ?.B;
  return JSON.parse(packed ? brotliDecompressSync(packed).toString('utf8') : str(item, 'value'));
}

/** Rough DynamoDB item size: attribute names plus UTF-8 values (numbers are counted generously). */
function itemBytes(item: Item): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) {
    total += Buffer.byteLength(name);
    if (value.B !== undefined) total += value.B.length;
    else if (value.S !== undefined) total += Buffer.byteLength(value.S);
    else if (value.N !== undefined) total += 21;
    else if (value.L) total += 3 + value.L.reduce((sum, e) => sum + 1 + Buffer.byteLength(e.S ?? ''), 0);
  }
  return total;
}

function assertNoNul(entry: IndexEntry): void {
  if (entry.key.includes('\u0000') || entry.sort.includes('\u0000')) {
    throw invalid('INVALID_INDEX_ENTRY', '索引键不能包含空字符', { index: entry.index });
  }
}

interface Meta {
  version: number;
  auditSeq: number;
  auditHead: string;
  indexKeys: string[];
}

interface GsiCursor {
  pk: string;
  sk: string;
  gsi1pk: string;
  gsi1sk: string;
}
const isGsiCursor = (v: unknown): v is GsiCursor =>
  typeof v === 'object' &&
  v !== null &&
  ['pk', 'sk', 'gsi1pk', 'gsi1sk'].every((k) => typeof (v as Record<string, unknown>)[k] === 'string');

const errorName = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : undefined;

const isTableKey = (v: unknown): v is { pk: string; sk: string } =>
  typeof v === 'object' &&
  v !== null &&
  ['pk', 'sk'].every((k) => typeof (v as Record<string, unknown>)[k] === 'string');

/**
 * An audit item as an event, whatever the item holds: a damaged item (data that is not JSON, an
 * attribute missing or of the wrong type) comes back marked unreadable, at the seq its sort key
 * names, so verification can name it instead of failing.
 */
function toAuditEvent(stream: string, item: Item): AuditEvent {
  const seq = Number(optStr(item, 'sk'));
  const text = (name: string) => optStr(item, name) ?? '';
  const event: AuditEvent = {
    stream: text('stream'),
    seq: Number.isSafeInteger(seq) ? seq : 0,
    prevHash: text('prevHash'),
    hash: text('hash'),
    type: text('type'),
    actor: text('actor'),
    at: text('at'),
    data: {},
  };
  try {
    if (num(item, 'seq') !== event.seq || event.stream !== stream) throw new Error('seq or stream');
    for (const name of ['prevHash', 'hash', 'type', 'actor', 'at']) str(item, name);
    const data: unknown = JSON.parse(str(item, 'data'));
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error('data');
    event.data = data as Record<string, unknown>;
  } catch {
    event.unreadable = 'stored event is damaged (missing, mistyped or unparseable attributes)';
  }
  return event;
}

/** Thrown inside a commit attempt when only a concurrent transaction got in the way. */
class TransientConflict extends Error {}

interface CancellationReason {
  Code?: string;
  Item?: Item;
}

export interface DynamoDbStoreOptions {
  client: DynamoDBClient;
  tableName: string;
}

export class DynamoDbStore implements Store {
  private readonly client: DynamoDBClient;
  private readonly table: string;

  constructor(options: DynamoDbStoreOptions) {
    this.client = options.client;
    this.table = options.tableName;
  }

  async get<T>(kind: AggregateKind, id: string): Promise<Versioned<T> | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { pk: S(aggregatePk(kind, id)), sk: S(META) },
        ConsistentRead: true,
        ProjectionExpression: 'version, #value, valueZ',
        ExpressionAttributeNames: { '#value': 'value' },
      }),
    );
    return out.Item ? toVersioned<T>(out.Item) : undefined;
  }

  async getMany<T>(kind: AggregateKind, ids: string[]): Promise<Versioned<T>[]> {
    const unique = [...new Set(ids)];
    const found = new Map<string, Versioned<T>>();
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Item[] = unique
        .slice(i, i + 100)
        .map((id) => ({ pk: S(aggregatePk(kind, id)), sk: S(META) }));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
        const out = await this.client.send(
          new BatchGetItemCommand({
            RequestItems: {
              [this.table]: {
                Keys: keys,
                ConsistentRead: true,
                ProjectionExpression: 'pk, version, #value, valueZ',
                ExpressionAttributeNames: { '#value': 'value' },
              },
            },
          }),
        );
        for (const item of out.Responses?.[this.table] ?? []) {
          found.set(str(item, 'pk'), toVersioned<T>(item));
        }
        // BatchGetItem may return part of the keys under load; ask again for the rest.
        keys = out.UnprocessedKeys?.[this.table]?.Keys ?? [];
      }
    }
    return unique.flatMap((id) => {
      const hit = found.get(aggregatePk(kind, id));
      return hit ? [hit] : [];
    });
  }

  async commit(
    changes: Change[],
    idempotency?: IdempotencyRecord,
    outbox: OutboxMessage[] = [],
  ): Promise<CommitResult> {
    assertDistinctChanges(changes);
    assertOutbox(outbox);
    for (const change of changes) change.indexes.forEach(assertNoNul);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.tryCommit(changes, idempotency, outbox);
      } catch (error) {
        // Another transaction touched the same items at the same moment. Re-reading settles it:
        // either that one won (and we report VERSION_CONFLICT) or it failed and we go through.
        if (error instanceof TransientConflict && attempt < MAX_CONFLICT_RETRIES) {
          await sleep(10 * 2 ** attempt * (0.5 + Math.random()));
          continue;
        }
        if (error instanceof TransientConflict) {
          const first = changes[0];
          throw versionConflict(first?.kind ?? '', first?.id ?? '', first?.expectedVersion ?? 0, undefined);
        }
        throw error;
      }
    }
  }

  private async tryCommit(
    changes: Change[],
    idempotency: IdempotencyRecord | undefined,
    outbox: OutboxMessage[],
  ): Promise<CommitResult> {
    const [metas, usedKey] = await Promise.all([
      Promise.all(changes.map((c) => this.readMeta(c.kind, c.id))),
      idempotency ? this.getIdempotency(idempotency.scope, idempotency.key) : undefined,
    ]);
    // Same precedence as the SQLite store: a used key beats a stale version.
    if (idempotency && usedKey && !idempotencyExpired(usedKey, idempotency.at)) {
      throw idempotencyKeyUsed(idempotency.scope, idempotency.key);
    }
    changes.forEach((change, i) => {
      const actual = metas[i]?.version;
      if ((actual ?? 0) !== change.expectedVersion) {
        throw versionConflict(change.kind, change.id, change.expectedVersion, actual);
      }
    });

    const items: TransactWriteItem[] = [];
    /** which change a transaction item belongs to, to map cancellation reasons back */
    const owner: (number | 'idempotency' | { outbox: string } | undefined)[] = [];
    const versions: number[] = [];
    const events: AuditEvent[] = [];

    changes.forEach((change, i) => {
      const meta = metas[i];
      const pk = aggregatePk(change.kind, change.id);
      const stream = `${change.kind}/${change.id}`;
      let seq = meta?.auditSeq ?? 0;
      let head = meta?.auditHead ?? GENESIS_HASH;
      for (const draft of change.events) {
        seq += 1;
        const event = chainEvent(stream, seq, head, draft);
        head = event.hash;
        events.push(event);
        items.push({
          Put: {
            TableName: this.table,
            Item: {
              pk: S(auditPk(stream)),
              sk: S(seqSk(seq)),
              stream: S(stream),
              seq: N(seq),
              prevHash: S(event.prevHash),
              hash: S(event.hash),
              type: S(event.type),
              actor: S(event.actor),
              at: S(event.at),
              data: S(JSON.stringify(event.data)),
            },
            // The version condition on META already excludes a racing writer; this makes a
            // duplicated seq impossible even so.
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
        owner.push(i);
      }

      const wanted = new Map(change.indexes.map((e) => [indexSk(e), e]));
      const stored = new Set(meta?.indexKeys ?? []);
      for (const sk of stored) {
        if (wanted.has(sk)) continue;
        items.push({ Delete: { TableName: this.table, Key: { pk: S(pk), sk: S(sk) } } });
        owner.push(i);
      }
      for (const [sk, entry] of wanted) {
        // An entry kept from the previous version is identical (its sk encodes all of it): skip.
        if (stored.has(sk)) continue;
        items.push({
          Put: {
            TableName: this.table,
            Item: {
              pk: S(pk),
              sk: S(sk),
              gsi1pk: S(`${entry.index}#${entry.key}`),
              gsi1sk: S(`${entry.sort}\u0000${change.kind}#${change.id}`),
              kind: S(change.kind),
              id: S(change.id),
              sort: S(entry.sort),
            },
          },
        });
        owner.push(i);
      }

      const version = change.expectedVersion + 1;
      const metaItem: Item = {
        pk: S(pk),
        sk: S(META),
        kind: S(change.kind),
        id: S(change.id),
        version: N(version),
        ...valueAttributes(change.value),
        auditSeq: N(seq),
        auditHead: S(head),
        ...indexKeyAttributes([...wanted.keys()]),
      };
      const size = itemBytes(metaItem);
      if (size > MAX_ITEM_BYTES) {
        throw invalid('VALUE_TOO_LARGE', '数据过大，超过存储单项上限（400 KB）', {
          kind: change.kind,
          id: change.id,
          bytes: size,
        });
      }
      items.push({
        Put: {
          TableName: this.table,
          Item: metaItem,
          ...(change.expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'version = :expected',
                ExpressionAttributeValues: { ':expected': N(change.expectedVersion) },
              }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      });
      owner.push(i);
      versions.push(version);
    });

    if (idempotency) {
      const item: Item = {
        pk: S(`IDEM#${idempotency.scope}`),
        sk: S(idempotency.key),
        scope: S(idempotency.scope),
        key: S(idempotency.key),
        requestHash: S(idempotency.requestHash),
        status: N(idempotency.status),
        at: S(idempotency.at),
      };
      if (idempotency.body !== undefined) item.body = S(JSON.stringify(idempotency.body));
      if (idempotency.ref !== undefined) item.ref = S(JSON.stringify(idempotency.ref));
      if (idempotency.expiresAt !== undefined) {
        item.expiresAt = S(idempotency.expiresAt);
        // the table's TTL attribute (epoch seconds): DynamoDB deletes the record some time after
        item[TTL_ATTRIBUTE] = N(Math.ceil(Date.parse(idempotency.expiresAt) / 1000));
      }
      items.push({
        Put: {
          TableName: this.table,
          Item: item,
          // a record that expired may be replaced (TTL deletion lags by up to days)
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :at',
          ExpressionAttributeValues: { ':at': S(idempotency.at) },
        },
      });
      owner.push('idempotency');
    }

    for (const message of outbox) {
      const item: Item = {
        ...outboxKey(message.id),
        gsi1pk: S(OUTBOX),
        gsi1sk: S(outboxGsi1sk(message.nextAttemptAt, message.createdAt, message.id)),
        id: S(message.id),
        createdAt: S(message.createdAt),
        attempts: N(message.attempts),
        nextAttemptAt: S(message.nextAttemptAt),
      };
      if (message.event !== undefined) item.event = S(JSON.stringify(message.event));
      if (message.lastError !== undefined) item.lastError = S(message.lastError);
      const size = itemBytes(item);
      if (size > MAX_ITEM_BYTES) {
        throw invalid('VALUE_TOO_LARGE', '待发布事件过大，超过存储单项上限（400 KB）', {
          id: message.id,
          bytes: size,
        });
      }
      items.push({
        Put: { TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
      });
      owner.push({ outbox: message.id });
    }

    if (items.length === 0) return { versions, events };
    if (items.length > MAX_TRANSACTION_ITEMS) {
      throw invalid('COMMIT_TOO_LARGE', '单次提交的数据项超过 DynamoDB 事务上限（100 项）', {
        items: items.length,
        limit: MAX_TRANSACTION_ITEMS,
      });
    }

    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: items,
          // The SDK retries network failures; the token makes such a retry of a transaction that
          // did succeed a no-op instead of a bogus condition failure.
          ClientRequestToken: randomUUID(),
        }),
      );
    } catch (error) {
      if (errorName(error) !== 'TransactionCanceledException') throw error;
      const reasons = ((error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ??
        []) as CancellationReason[];
      const failed = reasons.flatMap((r, idx) => (r.Code === 'ConditionalCheckFailed' ? [idx] : []));
      if (idempotency && failed.some((idx) => owner[idx] === 'idempotency')) {
        throw idempotencyKeyUsed(idempotency.scope, idempotency.key);
      }
      for (const idx of failed) {
        const i = owner[idx];
        if (typeof i !== 'number') continue;
        const change = changes[i];
        if (!change) continue;
        const old = reasons[idx]?.Item;
        const actual = old?.version?.N !== undefined ? Number(old.version.N) : undefined;
        throw versionConflict(change.kind, change.id, change.expectedVersion, actual);
      }
      for (const idx of failed) {
        const o = owner[idx];
        if (typeof o === 'object') throw outboxDuplicate(o.outbox);
      }
      if (reasons.some((r) => r.Code === 'TransactionConflict')) throw new TransientConflict();
      throw error;
    }
    return { versions, events };
  }

  private async readMeta(kind: string, id: string): Promise<Meta | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { pk: S(aggregatePk(kind, id)), sk: S(META) },
        ConsistentRead: true,
        ProjectionExpression: 'version, auditSeq, auditHead, indexKeys, indexKeysZ',
      }),
    );
    if (!out.Item) return undefined;
    return {
      version: num(out.Item, 'version'),
      auditSeq: num(out.Item, 'auditSeq'),
      auditHead: str(out.Item, 'auditHead'),
      indexKeys: storedIndexKeys(out.Item),
    };
  }

  async query(index: IndexName, key: string, options: QueryOptions = {}): Promise<Page<IndexHit>> {
    assertLimit(options.limit);
    const gsi1pk = `${index}#${key}`;
    const { from, to } = options;
    if (from !== undefined && to !== undefined && Buffer.compare(Buffer.from(from), Buffer.from(to)) > 0) {
      return { items: [] }; // DynamoDB rejects BETWEEN with lo > hi
    }
    const values: Item = { ':pk': S(gsi1pk) };
    let condition = 'gsi1pk = :pk';
    // Exact inclusive bounds thanks to the U+0000 separator (see the header comment).
    if (from !== undefined && to !== undefined) {
      condition += ' AND gsi1sk BETWEEN :lo AND :hi';
      values[':lo'] = S(from);
      values[':hi'] = S(`${to}\u0001`);
    } else if (from !== undefined) {
      condition += ' AND gsi1sk >= :lo';
      values[':lo'] = S(from);
    } else if (to !== undefined) {
      condition += ' AND gsi1sk <= :hi';
      values[':hi'] = S(`${to}\u0001`);
    }
    let start: Item | undefined;
    if (options.cursor !== undefined) {
      const c = decodeCursor(options.cursor, isGsiCursor);
      if (c.gsi1pk !== gsi1pk) throw invalid('INVALID_CURSOR', '分页游标无效');
      start = { pk: S(c.pk), sk: S(c.sk), gsi1pk: S(c.gsi1pk), gsi1sk: S(c.gsi1sk) };
    }
    const input: QueryCommandInput = {
      TableName: this.table,
      IndexName: GSI1,
      KeyConditionExpression: condition,
      ExpressionAttributeValues: values,
      ScanIndexForward: options.descending !== true,
      ExclusiveStartKey: start,
      ProjectionExpression: 'pk, sk, gsi1pk, gsi1sk, kind, id, #sort',
      ExpressionAttributeNames: { '#sort': 'sort' },
    };
    // One extra item tells whether another page exists, so (as in SQLite) the last page has no cursor.
    if (options.limit !== undefined) input.Limit = options.limit + 1;
    const out = await this.client.send(new QueryCommand(input));
    const rows = out.Items ?? [];
    const limit = options.limit ?? rows.length;
    const pageRows = rows.slice(0, limit);
    const page: Page<IndexHit> = {
      items: pageRows.map((item) => ({
        kind: str(item, 'kind') as AggregateKind,
        id: str(item, 'id'),
        sort: str(item, 'sort'),
      })),
    };
    const last = pageRows[pageRows.length - 1];
    if (last && (rows.length > limit || out.LastEvaluatedKey)) {
      const c: GsiCursor = {
        pk: str(last, 'pk'),
        sk: str(last, 'sk'),
        gsi1pk: str(last, 'gsi1pk'),
        gsi1sk: str(last, 'gsi1sk'),
      };
      page.cursor = encodeCursor(c);
    }
    return page;
  }

  async audit(stream: string, options: { fromSeq?: number; limit?: number } = {}): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    let start: Item | undefined;
    do {
      const remaining = options.limit === undefined ? undefined : options.limit - events.length;
      if (remaining !== undefined && remaining <= 0) break;
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk >= :from',
          ExpressionAttributeValues: { ':pk': S(auditPk(stream)), ':from': S(seqSk(options.fromSeq ?? 1)) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
          Limit: remaining,
        }),
      );
      for (const item of out.Items ?? []) events.push(toAuditEvent(stream, item));
      start = out.LastEvaluatedKey;
    } while (start);
    return events;
  }

  async auditHead(stream: string): Promise<StreamHead | undefined> {
    const slash = stream.indexOf('/');
    if (slash < 0) return undefined;
    const meta = await this.readMeta(stream.slice(0, slash), stream.slice(slash + 1));
    return meta ? { stream, seq: meta.auditSeq, hash: meta.auditHead } : undefined;
  }

  /**
   * A Scan of the aggregates' META items: checkpoints need every head, and no index lists them.
   * It reads the whole table once per checkpoint, which is fine at a province's scale (thousands
   * of cases) and the price of not writing a second item on every commit.
   */
  async auditHeads(options: { cursor?: string; limit?: number } = {}): Promise<Page<StreamHead>> {
    assertLimit(options.limit);
    const start = options.cursor === undefined ? undefined : decodeCursor(options.cursor, isTableKey);
    const out = await this.client.send(
      new ScanCommand({
        TableName: this.table,
        FilterExpression: 'sk = :meta AND auditSeq > :zero',
        ExpressionAttributeValues: { ':meta': S(META), ':zero': N(0) },
        ProjectionExpression: 'pk, sk, kind, id, auditSeq, auditHead',
        ConsistentRead: true,
        ExclusiveStartKey: start ? { pk: S(start.pk), sk: S(start.sk) } : undefined,
        Limit: options.limit,
      }),
    );
    const page: Page<StreamHead> = {
      items: (out.Items ?? []).map((item) => ({
        stream: `${str(item, 'kind')}/${str(item, 'id')}`,
        seq: num(item, 'auditSeq'),
        hash: str(item, 'auditHead'),
      })),
    };
    const last = out.LastEvaluatedKey;
    if (last) page.cursor = encodeCursor({ pk: str(last, 'pk'), sk: str(last, 'sk') });
    return page;
  }

  async getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { pk: S(`IDEM#${scope}`), sk: S(key) },
        ConsistentRead: true,
      }),
    );
    const item = out.Item;
    if (!item) return undefined;
    const body = optStr(item, 'body');
    return {
      scope: str(item, 'scope'),
      key: str(item, 'key'),
      requestHash: str(item, 'requestHash'),
      status: num(item, 'status'),
      ...(body === undefined ? {} : { body: JSON.parse(body) }),
      ...(optStr(item, 'ref') ? { ref: JSON.parse(optStr(item, 'ref')!) as IdempotencyRef } : {}),
      at: str(item, 'at'),
      ...(optStr(item, 'expiresAt') ? { expiresAt: optStr(item, 'expiresAt')! } : {}),
    };
  }

  /** The table's TTL deletes expired records; reads and commits already ignore them meanwhile. */
  async purgeIdempotency(_now: Instant): Promise<number> {
    return 0;
  }

  async putTaskToken(record: Omit<TaskTokenRecord, 'status' | 'output'>): Promise<TaskTokenRecord> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: S(`TASK#${record.key}`),
            sk: S(TOKEN),
            key: S(record.key),
            caseId: S(record.caseId),
            token: S(record.token),
            status: S('pending'),
            updatedAt: S(record.updatedAt),
            gsi1pk: S(`TASKS#${record.caseId}`),
            gsi1sk: S(record.key),
            // the table's TTL deletes it once no execution can still wait on it
            [TTL_ATTRIBUTE]: N(Math.ceil(Date.parse(taskTokenExpiry(record.updatedAt)) / 1000)),
          },
          // Insert, or re-adopt a pending one; a record settled by an older release stays settled.
          ConditionExpression: 'attribute_not_exists(pk) OR #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': S('pending') },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { ...record, status: 'pending' };
    } catch (error) {
      if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
      const old = (error as { Item?: Item }).Item;
      if (old) return toTaskToken(old);
      const stored = await this.getTaskToken(record.key);
      if (!stored) throw error;
      return stored;
    }
  }

  async purgeTaskTokens(_now: Instant): Promise<number> {
    return 0;
  }

  async getTaskToken(key: string): Promise<TaskTokenRecord | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { pk: S(`TASK#${key}`), sk: S(TOKEN) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? toTaskToken(out.Item) : undefined;
  }

  async pendingTaskTokens(caseId: string): Promise<TaskTokenRecord[]> {
    const records: TaskTokenRecord[] = [];
    let start: Item | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: GSI1,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': S(`TASKS#${caseId}`) },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const record = toTaskToken(item);
        // records settled before settling was given up have left the GSI, but never report one
        if (record.status === 'pending') records.push(record);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return records;
  }

  async dueOutbox(now: Instant, limit: number): Promise<OutboxMessage[]> {
    assertLimit(limit);
    const messages: OutboxMessage[] = [];
    let start: Item | undefined;
    // One Query; it pages only if `limit` items exceed the 1 MB a response carries.
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: GSI1,
          // nextAttemptAt <= now, exactly: the U+0000 after nextAttemptAt sorts below U+0001.
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :hi',
          ExpressionAttributeValues: { ':pk': S(OUTBOX), ':hi': S(`${now}\u0001`) },
          ExclusiveStartKey: start,
          Limit: limit - messages.length,
        }),
      );
      messages.push(...(out.Items ?? []).map(toOutboxMessage));
      start = out.LastEvaluatedKey;
    } while (start && messages.length < limit);
    return messages;
  }

  async deleteOutbox(ids: string[]): Promise<void> {
    // BatchWriteItem takes 25 requests; what DynamoDB leaves unprocessed is sent again.
    for (let i = 0; i < ids.length; i += 25) {
      let requests = ids.slice(i, i + 25).map((id) => ({ DeleteRequest: { Key: outboxKey(id) } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt >= 5) throw new Error(`outbox deletes still unprocessed after ${attempt} attempts`);
        const out = await this.client.send(
          new BatchWriteItemCommand({ RequestItems: { [this.table]: requests } }),
        );
        requests = (out.UnprocessedItems?.[this.table] ?? []).flatMap((r) =>
          r.DeleteRequest?.Key ? [{ DeleteRequest: { Key: r.DeleteRequest.Key } }] : [],
        );
        if (requests.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  }

  async rescheduleOutbox(
    id: string,
    attempts: number,
    nextAttemptAt: Instant,
    lastError: string,
  ): Promise<void> {
    // gsi1sk carries createdAt, which the caller does not pass: read it (a failure path, so rare).
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: outboxKey(id),
        ConsistentRead: true,
        ProjectionExpression: 'createdAt',
      }),
    );
    if (!out.Item) return; // already published and deleted: stays absent
    const createdAt = str(out.Item, 'createdAt');
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: outboxKey(id),
          UpdateExpression:
            'SET attempts = :attempts, nextAttemptAt = :next, lastError = :error, gsi1sk = :gsi1sk',
          // Never re-create a message deleted in between.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: {
            ':attempts': N(attempts),
            ':next': S(nextAttemptAt),
            ':error': S(lastError),
            ':gsi1sk': S(outboxGsi1sk(nextAttemptAt, createdAt, id)),
          },
        }),
      );
    } catch (error) {
      if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
    }
  }

  /** The client belongs to the caller (a Lambda reuses it across invocations), so it stays open. */
  async close(): Promise<void> {}
}

function toVersioned<T>(item: Item): Versioned<T> {
  return { value: storedValue(item) as T, version: num(item, 'version') };
}

function toTaskToken(item: Item): TaskTokenRecord {
  const record: TaskTokenRecord = {
    key: str(item, 'key'),
    caseId: str(item, 'caseId'),
    token: str(item, 'token'),
    status: str(item, 'status') as TaskTokenRecord['status'],
    updatedAt: str(item, 'updatedAt'),
  };
  const output = optStr(item, 'output');
  if (output !== undefined) record.output = JSON.parse(output);
  return record;
}

function toOutboxMessage(item: Item): OutboxMessage {
  const event = optStr(item, 'event');
  const message: OutboxMessage = {
    id: str(item, 'id'),
    event: event === undefined ? undefined : JSON.parse(event),
    createdAt: str(item, 'createdAt'),
    attempts: num(item, 'attempts'),
    nextAttemptAt: str(item, 'nextAttemptAt'),
  };
  const lastError = optStr(item, 'lastError');
  if (lastError !== undefined) message.lastError = lastError;
  return message;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export { TABLE_DESIGN };
