import type { Actor } from '../domain/model.js';

/** The idempotency key of the request, passed down so the record is written with the change. */
export interface IdempotencyIntent {
  scope: string;
  key: string;
  requestHash: string;
}

/** Who is calling, and the request's idempotency intent if it carried a key. */
export interface Ctx {
  actor: Actor;
  idempotency?: IdempotencyIntent;
  /**
   * Follows the work a request starts into its outbox events (and so partner provinces' events)
   * and the workflow execution it starts; the HTTP API takes it from `X-Correlation-Id` or uses
   * its request id.
   */
  correlationId?: string;
}

/** The actor used by the workflow and the sweeper. */
export const SYSTEM_ACTOR: Actor = { id: 'system', name: '系统', role: 'admin' };
