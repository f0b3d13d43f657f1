import type { StreamHead } from '../domain/audit-chain.js';
import type { Instant, Versioned } from '../domain/model.js';

/** What the store keeps. Each aggregate is one document with a version and its own audit chain. */
export type AggregateKind =
  | 'project'
  | 'stageCase'
  | 'organisation'
  | 'calendar'
  /** a partner province's cross-province project as seen here: summary, recognised results, shared materials */
  | 'partnerProject'
  /** an inbound event that was refused (forged, altered, unknown sender, unauthorised), kept for audit */
  | 'rejectedEvent'
  | 'notification'
  | 'complaint'
  /** 容缺受理承诺书 signed by the applicant, one per case (id = case id) */
  | 'commitmentLetter'
  /** a revoked sign-in token (登录凭证吊销), id = the token's jti */
  | 'tokenRevocation'
  /** the number and root of the last audit checkpoint (id 'latest'); the checkpoints live in the CheckpointLog */
  | 'auditCheckpoint'
  /** a partner province's signed audit checkpoint as received (id = `${origin}:${checkpointId}`) */
  | 'partnerCheckpoint'
  /** who uploaded which content: one record per (sha256, credit code), id = `${sha256}:${creditCode}` */
  | 'materialOwnership'
  /** an authenticated request refused for trust reasons (e.g. sharing another organisation's file), kept for audit */
  | 'refusal'
  /** 电子批文: the signed result of an approval (id = result number), committed with the decision */
  | 'electronicResult'
  /** a scheduled report sent to the working group (id = `weeklyDispatch:<Monday>` / `monthlyBulletin:<month>`) */
  | 'reportDelivery';

/**
 * Secondary indexes. Each aggregate declares its full set of entries on every change; the store
 * replaces the previous set atomically with the change.
 * - inbox: key = department code, sort = `${dueDate}#${caseId}#${itemCode}` (items awaiting a decision)
 * - acceptance: key = province, sort = `${acceptDueDate}#${caseId}` (cases awaiting 受理)
 * - due: key = province, sort = `${nextCheckDate}#${caseId}` (the sweeper reads only what is due)
 * - applicant: key = `${kind}:${creditCode}`, sort = `${createdAt}#${id}`
 * - projectCases: key = project id, sort = `${stage}#${caseId}`
 * - status: key = `${kind}:${status}`, sort = `${createdAt}#${id}`; also report lists such as
 *   `stageCase:closedIn:YYYY-MM` and `stageCase:lamp:red`
 * - notifications: key = address (see Notification), sort = `${createdAt}#${id}`
 */
export const INDEX_NAMES = [
  'inbox',
  'acceptance',
  'due',
  'applicant',
  'projectCases',
  'status',
  'notifications',
] as const;
export type IndexName = (typeof INDEX_NAMES)[number];

export interface IndexEntry {
  index: IndexName;
  key: string;
  sort: string;
}

export interface AuditEventDraft {
  /** the id of the domain event this becomes, when the service had to know it first (signed payloads name it) */
  eventId?: string;
  type: string;
  actor: string;
  at: Instant;
  data: Record<string, unknown>;
}

/** An appended audit event; `hash` chains it to the previous event of the same stream. */
export interface AuditEvent extends AuditEventDraft {
  stream: string;
  seq: number;
  prevHash: string;
  hash: string;
  /**
   * set by the store when the stored event cannot be read back (e.g. its data is not JSON): the
   * other fields are then placeholders, and verification reports the event as broken
   */
  unreadable?: string;
}

export interface Change {
  kind: AggregateKind;
  id: string;
  /** 0 means the aggregate must not exist yet; otherwise the version read before the change. */
  expectedVersion: number;
  value: unknown;
  /** the complete set of index entries of this aggregate after the change */
  indexes: IndexEntry[];
  /** appended to the aggregate's audit stream (stream id = `${kind}/${id}`), atomically with the change */
  events: AuditEventDraft[];
}

/** The stored answer to a request carrying an Idempotency-Key, written atomically with its change. */
export interface IdempotencyRecord {
  /** who and what: e.g. `${actorId} POST /cases/{id}/items/{code}/decision` */
  scope: string;
  key: string;
  /** sha256 of the canonical request body */
  requestHash: string;
  status: number;
  /** the answer as sent; absent when `ref` stands for it */
  body?: unknown;
  /**
   * The answer was the aggregate itself at this version (`{ ...value, version }`): the record keeps
   * only where to find it, not a copy (a case is ~10 KB). A replay answers the aggregate as it is
   * then, which is the same answer unless it changed since.
   */
  ref?: IdempotencyRef;
  at: Instant;
  /**
   * After this instant the record no longer answers: a request with the same key is a new request,
   * and the store replaces the record (TTL on DynamoDB, a purge locally). Absent on records written
   * before records expired: those never do.
   */
  expiresAt?: Instant;
}

export interface IdempotencyRef {
  kind: AggregateKind;
  id: string;
  version: number;
}

/** Whether the record no longer answers at `now` (ISO instants compare as strings). */
export function idempotencyExpired(record: Pick<IdempotencyRecord, 'expiresAt'>, now: Instant): boolean {
  return record.expiresAt !== undefined && record.expiresAt <= now;
}

/**
 * A domain event waiting to be published on the province's bus (transactional outbox): written in
 * the same transaction as the change it reports, removed only once the bus accepted it.
 */
export interface OutboxMessage {
  /** the domain event id; stable across retries so receivers can deduplicate */
  id: string;
  /** the DomainEvent (shared/ports/runtime.ts) as JSON */
  event: unknown;
  createdAt: Instant;
  attempts: number;
  /** not before this instant (backoff after a failed publication) */
  nextAttemptAt: Instant;
  lastError?: string;
}

export interface CommitResult {
  /** new version per change, in order */
  versions: number[];
  /** the appended events with seq and hashes, in order */
  events: AuditEvent[];
}

export interface IndexHit {
  kind: AggregateKind;
  id: string;
  sort: string;
}

export interface QueryOptions {
  /** only entries with sort >= from */
  from?: string;
  /** only entries with sort <= to */
  to?: string;
  limit?: number;
  /** opaque cursor from a previous page */
  cursor?: string;
  descending?: boolean;
}

export interface Page<T> {
  items: T[];
  /** present when there may be more */
  cursor?: string;
}

/**
 * A callback of a human step in the workflow, keyed by business key (e.g. `${caseId}/r1/accept`):
 * written once per wait, when the workflow starts waiting. It is never settled: the stage case
 * holds the outcome, and whoever completes the step sends the token (the engine ignores a token
 * that no longer waits). `completed`/`failed` are only found on records written before that.
 */
export interface TaskTokenRecord {
  key: string;
  caseId: string;
  token: string;
  status: 'pending' | 'completed' | 'failed';
  output?: unknown;
  updatedAt: Instant;
}

/**
 * How long a task-token record is kept after it was last registered. A Step Functions standard
 * execution lasts at most a year, so an older record belongs to no waiting execution (a waiting
 * local execution registers its token again at every restart).
 */
export const TASK_TOKEN_RETENTION_DAYS = 400;

/** The moment a task-token record registered at `updatedAt` may go. */
export const taskTokenExpiry = (updatedAt: Instant): Instant =>
  new Date(Date.parse(updatedAt) + TASK_TOKEN_RETENTION_DAYS * 86_400_000).toISOString();

/**
 * The one store port. Implementations: embedded SQLite (local default) and DynamoDB (AWS).
 * Both pass test/contract/store.contract.ts.
 *
 * Errors: `commit` throws DomainError kind 'conflict' with code 'VERSION_CONFLICT' when an expected
 * version does not match (or the aggregate exists when 0 was expected), and code
 * 'IDEMPOTENCY_KEY_USED' when the idempotency record already exists. Nothing is written then.
 */
export interface Store {
  get<T>(kind: AggregateKind, id: string): Promise<Versioned<T> | undefined>;
  getMany<T>(kind: AggregateKind, ids: string[]): Promise<Versioned<T>[]>;
  commit(changes: Change[], idempotency?: IdempotencyRecord, outbox?: OutboxMessage[]): Promise<CommitResult>;
  query(index: IndexName, key: string, options?: QueryOptions): Promise<Page<IndexHit>>;
  /**
   * the audit stream `${kind}/${id}` in seq order; never throws on a damaged event, which comes
   * back with `unreadable` set
   */
  audit(stream: string, options?: { fromSeq?: number; limit?: number }): Promise<AuditEvent[]>;
  /**
   * the stream's head as kept beside its aggregate (written in the same transaction as each
   * append); undefined when the aggregate does not exist, seq 0 when it has no events
   */
  auditHead(stream: string): Promise<StreamHead | undefined>;
  /** the heads of every stream that has events, in no particular order, a page at a time */
  auditHeads(options?: { cursor?: string; limit?: number }): Promise<Page<StreamHead>>;
  getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
  /**
   * Deletes idempotency records that expired at or before `now`; returns how many. Expired records
   * already never answer nor block; this only frees the space (DynamoDB's TTL does it there: 0).
   */
  purgeIdempotency(now: Instant): Promise<number>;

  /**
   * insert or re-adopt (overwrite a pending record's token, e.g. after a restart); a record settled
   * before settling was given up is returned unchanged
   */
  putTaskToken(record: Omit<TaskTokenRecord, 'status' | 'output'>): Promise<TaskTokenRecord>;
  getTaskToken(key: string): Promise<TaskTokenRecord | undefined>;
  /** the pending tokens registered for the case (those a terminated case must fail), by key */
  pendingTaskTokens(caseId: string): Promise<TaskTokenRecord[]>;
  /**
   * Deletes the task-token records whose retention (TASK_TOKEN_RETENTION_DAYS after their last
   * registration) ended at or before `now`; returns how many. Nothing else ever deletes them (they
   * are never settled). DynamoDB's TTL does it there: 0.
   */
  purgeTaskTokens(now: Instant): Promise<number>;

  /** outbox messages due at `now` (nextAttemptAt <= now), oldest first */
  dueOutbox(now: Instant, limit: number): Promise<OutboxMessage[]>;
  /**
   * the bus accepted these messages: remove them, in one batched write (removing an absent message
   * is a no-op); the embedded store folds it into the next group transaction
   */
  deleteOutbox(ids: string[]): Promise<void>;
  /** publication failed: keep it for a later attempt */
  rescheduleOutbox(id: string, attempts: number, nextAttemptAt: Instant, lastError: string): Promise<void>;

  close(): Promise<void>;
}
