import createClient from 'openapi-fetch';
import { token } from '../auth/session';
import type { components, paths } from './schema';

/**
 * The console's API client: openapi-fetch over the types generated from the served OpenAPI
 * (web/src/api/schema.d.ts), so every path, body and answer is checked at compile time.
 */

export type Schemas = components['schemas'];

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
/** The JSON body of an operation's success answer (200 or 201). */
export type ResponseOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: infer R;
}
  ? 200 extends keyof R
    ? JsonOf<R[200]>
    : 201 extends keyof R
      ? JsonOf<R[201]>
      : never
  : never;
/** The JSON request body of an operation. */
export type BodyOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: infer B;
}
  ? JsonOf<NonNullable<B>>
  : never;

export const api = createClient<paths>({ baseUrl: '' });

api.use({
  onRequest({ request }) {
    const t = token();
    if (t) request.headers.set('authorization', `Bearer ${t}`);
    return request;
  },
});

/** An RFC 9457 problem as the API answers it: a stable code and a Chinese title for people. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors: { path: string; message: string }[] = [],
  ) {
    super(`${code}: ${title}`);
    this.name = 'ApiProblem';
  }

  /** someone else changed the document since it was loaded */
  get isConflict(): boolean {
    return this.status === 409 && this.code === 'VERSION_CONFLICT';
  }

  /** what to show a person: the title, then each field's message */
  get messageZh(): string {
    const lines = [this.title, this.detail, ...this.errors.map((e) => e.message)].filter(Boolean);
    return lines.join('；');
  }
}

function toProblem(status: number, error: unknown): ApiProblem {
  const p = (error ?? {}) as Record<string, unknown>;
  const errors = Array.isArray(p.errors)
    ? (p.errors as { path?: unknown; message?: unknown }[]).map((e) => ({
        path: String(e.path ?? ''),
        message: String(e.message ?? ''),
      }))
    : [];
  return new ApiProblem(
    status,
    typeof p.code === 'string' ? p.code : `HTTP_${status}`,
    typeof p.title === 'string' ? p.title : '请求失败，请稍后重试',
    typeof p.detail === 'string' ? p.detail : undefined,
    errors,
  );
}

/** Unwraps an openapi-fetch answer: the data, or an ApiProblem carrying the API's Chinese message. */
export async function call<T>(
  pending: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await pending;
  } catch {
    throw new ApiProblem(0, 'NETWORK', '无法连接服务器，请检查网络后重试');
  }
  if (result.error !== undefined || !result.response.ok)
    throw toProblem(result.response.status, result.error);
  return result.data as T;
}

/** One key per person's action: a retried click replays the first answer instead of acting twice. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}

/** The If-Match header for a document last seen at `version`. */
export function ifMatch(version: number): string {
  return `"${version}"`;
}
