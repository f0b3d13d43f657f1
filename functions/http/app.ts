import { OpenAPIHono } from '@hono/zod-openapi';
import type { Deps } from '../../shared/services/deps.js';

export interface AppOptions {
  /** verifies bearer tokens; local signing key locally, the province's JWKS on AWS */
  verifier: { verify(token: string): Promise<import('../../shared/domain/model.js').Actor> };
}

// Placeholder until the routes land; replaced by the real app.
export function createApp(_deps: Deps, _options: AppOptions): OpenAPIHono {
  return new OpenAPIHono();
}
