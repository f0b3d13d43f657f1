import { conflict, invalid } from '../domain/errors.js';
import type { Change, OutboxMessage } from '../ports/store.js';

/** Errors and checks shared by both Store adapters, so the two speak exactly the same contract. */

export function versionConflict(kind: string, id: string, expected: number, actual: number | undefined) {
  return conflict('VERSION_CONFLICT', '数据已被他人修改，请刷新后重试', { kind, id, expected, actual });
}

export function idempotencyKeyUsed(scope: string, key: string) {
  return conflict('IDEMPOTENCY_KEY_USED', '该幂等键已被使用', { scope, key });
}

export function outboxDuplicate(id: string) {
  return conflict('OUTBOX_DUPLICATE', '该事件已在待发布队列中', { id });
}

export const invalidCursor = () => invalid('INVALID_CURSOR', '分页游标无效');

export function assertLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw invalid('INVALID_LIMIT', '分页大小必须为正整数', { limit });
  }
}

/** Both adapters refuse the same aggregate twice in one commit (a DynamoDB transaction cannot express it). */
export function assertDistinctChanges(changes: Change[]): void {
  const seen = new Set<string>();
  for (const change of changes) {
    const id = `${change.kind}/${change.id}`;
    if (seen.has(id))
      throw invalid('DUPLICATE_CHANGE', '同一次提交中不能重复修改同一数据', { aggregate: id });
    seen.add(id);
  }
}

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Parses a cursor and lets `accept` check its shape; anything malformed is INVALID_CURSOR. */
export function decodeCursor<T>(cursor: string, accept: (value: unknown) => value is T): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!accept(parsed)) throw invalidCursor();
  return parsed;
}

/**
 * Outbox messages of one commit: ids distinct (a second message with the same id would be the same
 * event twice, reported as OUTBOX_DUPLICATE like an id already stored), and no U+0000 in the fields
 * the DynamoDB adapter uses as key parts.
 */
export function assertOutbox(messages: OutboxMessage[]): void {
  const seen = new Set<string>();
  for (const message of messages) {
    if (seen.has(message.id)) throw outboxDuplicate(message.id);
    seen.add(message.id);
    if ([message.id, message.createdAt, message.nextAttemptAt].some((part) => part.includes('\u0000'))) {
      throw invalid('INVALID_OUTBOX_MESSAGE', '待发布事件的标识或时间不能包含空字符', { id: message.id });
    }
    if (!Number.isInteger(message.attempts) || message.attempts < 0) {
      throw invalid('INVALID_OUTBOX_MESSAGE', '待发布事件的尝试次数必须为非负整数', { id: message.id });
    }
  }
}
