import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Actor } from '../../shared/domain/model.js';
import type { Deps } from '../../shared/services/deps.js';
import type { Services } from '../../shared/services/index.js';
import { type AppEnv, ctxOf } from './auth.js';
import { setVersionHeader } from './etag.js';
import { type JsonResponse, withIdempotency } from './idempotency.js';
import type { Limits, SenderRateLimiter } from './limits.js';

/** What every route module gets: the app to mount on, the services, and the idempotency wrapper. */
export interface RouteKit {
  app: OpenAPIHono<AppEnv>;
  services: Services;
  idem: ReturnType<typeof idempotent>;
  /** per-sender rate limit of the province-to-province routes (limits.ts) */
  partnerRate: SenderRateLimiter;
  /** body ceilings, the material size limit and the inline download size (limits.ts) */
  limits: Limits;
}

/** A versioned document as the answer, with its version as ETag for the next If-Match. */
export function versioned<T extends object>(
  c: Context<AppEnv>,
  v: { value: T; version: number },
): JsonResponse<T & { version: number }, 200> {
  setVersionHeader(c, v.version);
  return c.json({ ...v.value, version: v.version }, 200);
}

/**
 * Runs a creating or deciding request under its Idempotency-Key: the service stores the answer with
 * its change, and a repeat of the same request replays it. The answer is typed with the service's
 * document (and its version) and the status, so the route's handler is checked against its schema.
 */
export function idempotent(deps: Deps) {
  return <T extends object, S extends 200 | 201>(
    c: Context<AppEnv>,
    body: unknown,
    status: S,
    run: (ctx: {
      actor: Actor;
      correlationId?: string;
      idempotency?: { scope: string; key: string; requestHash: string };
    }) => Promise<{ value: T; version: number }>,
  ): Promise<JsonResponse<T & { version: number }, S>> =>
    withIdempotency(c, deps, body, status, async (intent) => {
      const saved = await run({ ...ctxOf(c), ...(intent ? { idempotency: intent } : {}) });
      setVersionHeader(c, saved.version);
      return { ...saved.value, version: saved.version };
    });
}

/** A page of versioned documents as the API lists them. */
export function pageBody<T>(page: { items: { value: T; version: number }[]; cursor?: string }) {
  return {
    items: page.items.map((v) => ({ ...v.value, version: v.version })),
    ...(page.cursor ? { nextCursor: page.cursor } : {}),
  };
}

/** A page of plain items as the API lists them. */
export function plainPage<T>(page: { items: T[]; cursor?: string }) {
  return { items: page.items, ...(page.cursor ? { nextCursor: page.cursor } : {}) };
}
