import type { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Env, MiddlewareHandler } from 'hono';
import { REPLAY_HEADER } from './idempotency.js';
import { type ProblemFieldError, problemResponse } from './problem.js';

/**
 * Response checking: the answers a handler sends are parsed against the response schema its route
 * documents, so the OpenAPI document cannot silently drift from what the API does. For JSON (2xx,
 * `application/json`) answers of documented operations: a body that does not parse, a field the
 * schema does not declare, or a status the operation does not document turns the answer into a 500
 * problem (`RESPONSE_SCHEMA_MISMATCH`) naming the paths, and is logged. Meant for tests and local
 * runs (createApp's `checkResponses`, or GC_CHECK_RESPONSES=1): it parses every answer once more.
 */

export const RESPONSE_SCHEMA_MISMATCH = 'RESPONSE_SCHEMA_MISMATCH';

type Definition = OpenAPIHono['openAPIRegistry']['definitions'][number];
type Route = Extract<Definition, { type: 'route' }>['route'];

interface Operation {
  method: string;
  path: string;
  pattern: RegExp;
  params: number;
  responses: Route['responses'];
}

/** `/cases/{caseId}/items/{itemCode}` → a regex over concrete paths, one segment per parameter. */
function compile(path: string): { pattern: RegExp; params: number } {
  let params = 0;
  const source = path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      if (/^\{[^}]+\}$/.test(part)) {
        params += 1;
        return '[^/]+';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { pattern: new RegExp(`^${source}/?$`), params };
}

function operationsOf(definitions: readonly Definition[]): Operation[] {
  return (
    definitions
      .flatMap((d) => (d.type === 'route' ? [d.route] : []))
      .map((route) => ({
        method: route.method.toUpperCase(),
        path: route.path,
        responses: route.responses,
        ...compile(route.path),
      }))
      // a literal segment wins over a parameter (`/partner-events/rejected` before `/{x}/{y}`)
      .sort((a, b) => a.params - b.params)
  );
}

const isZodSchema = (s: unknown): s is z.ZodType =>
  typeof s === 'object' && s !== null && typeof (s as { safeParse?: unknown }).safeParse === 'function';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Fields sent but not declared: zod's plain objects drop them while parsing; find what was dropped. */
function undeclaredFields(
  input: unknown,
  output: unknown,
  path: PropertyKey[],
  out: { path: PropertyKey[]; code: string }[],
): void {
  if (Array.isArray(input) && Array.isArray(output)) {
    input.forEach((v, i) => {
      undeclaredFields(v, output[i], [...path, i], out);
    });
    return;
  }
  if (!isPlainObject(input) || !isPlainObject(output)) return;
  for (const key of Object.keys(input)) {
    if (!(key in output)) out.push({ path: [...path, key], code: 'unrecognized_keys' });
    else undeclaredFields(input[key], output[key], [...path, key], out);
  }
}

/** The mismatches of one JSON body against a schema; empty when it conforms. */
export function responseIssues(schema: z.ZodType, body: unknown): { path: PropertyKey[]; code: string }[] {
  const parsed = schema.safeParse(body);
  if (!parsed.success) return parsed.error.issues.map((i) => ({ path: i.path, code: i.code }));
  const out: { path: PropertyKey[]; code: string }[] = [];
  undeclaredFields(body, parsed.data, [], out);
  return out;
}

const MESSAGES: Record<string, string> = {
  unrecognized_keys: '接口定义中没有该字段',
  invalid_type: '类型与接口定义不符',
  undocumented_status: '接口定义中没有该状态码',
  undocumented_content_type: '接口定义中该状态码没有 JSON 响应',
  invalid_json: '响应体不是合法的 JSON',
};

const fieldPath = (path: PropertyKey[]) => ['response', ...path.map((k) => String(k))].join('.');

/** The middleware; reads the app's registered operations on first use (after every route is mounted). */
export function responseCheck<E extends Env>(app: OpenAPIHono<E>): MiddlewareHandler<E> {
  let known: { count: number; operations: Operation[] } | undefined;
  const operations = () => {
    const definitions = app.openAPIRegistry.definitions;
    if (known?.count !== definitions.length) {
      known = { count: definitions.length, operations: operationsOf(definitions) };
    }
    return known.operations;
  };

  return async (c, next) => {
    await next();
    const res = c.res;
    if (res.status < 200 || res.status > 299) return;
    if (!/^application\/json\b/i.test(res.headers.get('content-type') ?? '')) return;
    const method = c.req.method.toUpperCase();
    const path = c.req.path;
    const operation = operations().find((o) => o.method === method && o.pattern.test(path));
    if (!operation) return;

    const issues: { path: PropertyKey[]; code: string }[] = [];
    const response = operation.responses[String(res.status)];
    // a response given as a $ref to a shared one is not followed here
    if (response && !('content' in response) && '$ref' in response) return;
    const media = response && 'content' in response ? response.content?.['application/json'] : undefined;
    if (!response) issues.push({ path: ['status'], code: 'undocumented_status' });
    else if (!media) issues.push({ path: [], code: 'undocumented_content_type' });
    else if ('schema' in media && isZodSchema(media.schema)) {
      let body: unknown;
      try {
        body = await res.clone().json();
      } catch {
        issues.push({ path: [], code: 'invalid_json' });
      }
      if (issues.length === 0) issues.push(...responseIssues(media.schema, body));
    }
    if (issues.length === 0) return;

    const errors: ProblemFieldError[] = issues.slice(0, 50).map((i) => ({
      path: fieldPath(i.path),
      code: i.code,
      message: MESSAGES[i.code] ?? '不符合接口定义',
    }));
    console.error(
      `${method} ${path} (${operation.method} ${operation.path}) answered ${res.status} with a body that does not match its schema:`,
      errors.map((e) => `${e.path} ${e.code}`).join(', '),
    );
    // Start from the headers set before the answer (request id), not from the refused answer's.
    c.res = undefined;
    const problem = problemResponse(c, {
      status: 500,
      code: RESPONSE_SCHEMA_MISMATCH,
      title: '响应不符合接口定义',
      errors,
    });
    problem.headers.delete(REPLAY_HEADER);
    c.res = problem;
  };
}
