import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Actor } from '../../shared/domain/model.js';
import type { Deps } from '../../shared/services/deps.js';
import type { Services } from '../../shared/services/index.js';
import { type AppEnv, actorOf } from './auth.js';
import { setVersionHeader } from './etag.js';
import { withIdempotency } from './idempotency.js';

/** What every route module gets: the app to mount on, the services, and the idempotency wrapper. */
export interface RouteKit {
  app: OpenAPIHono<AppEnv>;
  services: Services;
  idem: ReturnType<typeof idempotent>;
}

/** A versioned document as the answer, with its version as ETag for the next If-Match. */
export function versioned<T extends object>(
  c: Context<AppEnv>,
  v: { value: T; version: number },
  status: 200 | 201 = 200,
) {
  setVersionHeader(c, v.version);
  return c.json({ ...v.value, version: v.version }, status);
}

/**
 * Runs a creating or deciding request under its Idempotency-Key: the service stores the answer with
 * its change, and a repeat of the same request replays it.
 */
export function idempotent(deps: Deps) {
  return (
    c: Context<AppEnv>,
    body: unknown,
    run: (ctx: {
      actor: Actor;
      idempotency?: { scope: string; key: string; requestHash: string };
    }) => Promise<{ value: object; version: number }>,
    status: 200 | 201 = 200,
  ) =>
    withIdempotency(c, deps, body, async (intent) => {
      const saved = await run({ actor: actorOf(c), ...(intent ? { idempotency: intent } : {}) });
      setVersionHeader(c, saved.version);
      return { status, body: { ...saved.value, version: saved.version } };
    });
}

/** A page of versioned documents as the API lists them. */
export function pageBody<T>(page: { items: { value: T; version: number }[]; cursor?: string }) {
  return {
    items: page.items.map((v) => ({ ...v.value, version: v.version })),
    ...(page.cursor ? { nextCursor: page.cursor } : {}),
  };
}
