import { z } from '@hono/zod-openapi';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, type ErrorKind } from '../../shared/domain/errors.js';

/**
 * RFC 9457 problem details. Every error the API returns goes through here, so clients can rely on
 * one shape: a stable machine `code`, a Chinese `title` for people, and never a stack trace or an
 * echo of what was submitted (requests carry personal data).
 */

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_TYPE_BASE = 'https://green-channel.gov.cn/problems/';

export interface ProblemFieldError {
  /** where: `body.location.city`, `query.limit`, `params.caseId`, `headers.if-match` */
  path: string;
  /** machine code of the rule (zod issue code, e.g. `invalid_type`, `unrecognized_keys`) */
  code: string;
  /** Chinese, for people */
  message: string;
}

export interface ProblemInit {
  status: ContentfulStatusCode;
  code: string;
  title: string;
  detail?: string;
  errors?: ProblemFieldError[];
  /** what the rule knows about the failure (e.g. which materials are missing), see publicDetails */
  details?: Record<string, unknown>;
  /** extra response headers, e.g. WWW-Authenticate on 401 */
  headers?: Record<string, string>;
}

/** Thrown by the HTTP layer for answers that are not domain outcomes (e.g. 503, 413). */
export class HttpProblem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    readonly title: string,
    readonly headers?: Record<string, string>,
  ) {
    super(`${code}: ${title}`);
    this.name = 'HttpProblem';
  }
}

/** `VERSION_REQUIRED` → `version-required`: the stable URI of the problem type. */
export function problemType(code: string): string {
  return PROBLEM_TYPE_BASE + code.toLowerCase().replace(/_/g, '-');
}

// Loose on purpose: `c` may be any Hono context (typed routes, middleware, handlers).
// biome-ignore lint/suspicious/noExplicitAny: accepts contexts of every Env
type AnyContext = Context<any, any, any>;

export function problemResponse(c: AnyContext, init: ProblemInit): Response {
  const requestId = c.get('requestId') as unknown;
  const body = {
    type: problemType(init.code),
    title: init.title,
    status: init.status,
    code: init.code,
    ...(init.detail !== undefined ? { detail: init.detail } : {}),
    instance: c.req.path,
    ...(typeof requestId === 'string' ? { requestId } : {}),
    ...(init.errors?.length ? { errors: init.errors } : {}),
    ...(init.details && Object.keys(init.details).length > 0 ? { details: init.details } : {}),
  };
  // c.body keeps headers set earlier with c.header() (e.g. a request id), as Hono's own answers do.
  const res = c.body(JSON.stringify(body), init.status, {
    'content-type': PROBLEM_CONTENT_TYPE,
    ...init.headers,
  });
  // A version set before the failure describes nothing the client received.
  res.headers.delete('etag');
  return res;
}

export const STATUS_BY_KIND: Record<ErrorKind, ContentfulStatusCode> = {
  invalid: 422,
  unauthenticated: 401,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  preconditionRequired: 428,
};

/** Chinese titles for HTTP-level failures that carry no domain message (e.g. from middleware). */
const GENERIC_BY_STATUS: Partial<Record<number, { code: string; title: string }>> = {
  400: { code: 'BAD_REQUEST', title: '请求不正确' },
  401: { code: 'UNAUTHENTICATED', title: '请先登录' },
  403: { code: 'FORBIDDEN', title: '没有权限执行此操作' },
  404: { code: 'ROUTE_NOT_FOUND', title: '请求的资源不存在' },
  405: { code: 'METHOD_NOT_ALLOWED', title: '不支持该请求方法' },
  408: { code: 'REQUEST_TIMEOUT', title: '请求超时' },
  413: { code: 'PAYLOAD_TOO_LARGE', title: '请求体过大' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', title: '不支持的内容类型' },
  429: { code: 'TOO_MANY_REQUESTS', title: '请求过于频繁，请稍后再试' },
  503: { code: 'SERVICE_UNAVAILABLE', title: '服务暂时不可用，请稍后再试' },
};

const bearerChallenge = (error?: string) =>
  error ? `Bearer realm="green-channel", error="${error}"` : 'Bearer realm="green-channel"';

/**
 * Keys that can carry personal data, credentials or a caller's own secrets (an idempotency key, a
 * token): dropped from problem details wherever they occur, so a rule that put one there by mistake
 * still never echoes it.
 */
const PRIVATE_DETAIL_KEYS = new Set([
  'name',
  'ownername',
  'contact',
  'phone',
  'mobile',
  'email',
  'idnumber',
  'creditcode',
  'address',
  'actor',
  'token',
  'jti',
  'key',
  'scope',
  'input',
]);

/**
 * DomainError details as the problem body shows them: plain JSON only (codes, counts, record ids,
 * dates, Chinese messages), at most 4 levels deep, 50 entries per list and 200 characters per
 * string, with private keys removed. Whatever is not plain JSON is dropped rather than stringified.
 */
export function publicDetails(
  details: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!details) return undefined;
  const clean = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value === 'boolean') return value;
    if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
    if (typeof value === 'string') return value.slice(0, 200);
    if (depth >= 4 || typeof value !== 'object') return undefined;
    if (Array.isArray(value)) {
      return value
        .slice(0, 50)
        .map((v) => clean(v, depth + 1))
        .filter((v) => v !== undefined);
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value).slice(0, 50)) {
      if (PRIVATE_DETAIL_KEYS.has(k.toLowerCase())) continue;
      const c = clean(v, depth + 1);
      if (c !== undefined) out[k.slice(0, 64)] = c;
    }
    return out;
  };
  const out = clean(details, 0) as Record<string, unknown>;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** For `app.onError`: maps every thrown error to problem+json. */
export const errorHandler: ErrorHandler = (err, c) => {
  if (err instanceof DomainError) {
    const status = STATUS_BY_KIND[err.kind];
    const details = publicDetails(err.details);
    return problemResponse(c, {
      status,
      code: err.code,
      title: err.messageZh,
      ...(details ? { details } : {}),
      // RFC 6750: a 401 to a bearer API names the scheme (and why the token was refused).
      ...(status === 401
        ? {
            headers: {
              'www-authenticate': bearerChallenge(
                err.code === 'UNAUTHENTICATED' ? undefined : 'invalid_token',
              ),
            },
          }
        : {}),
    });
  }
  if (err instanceof HttpProblem) {
    return problemResponse(c, {
      status: err.status,
      code: err.code,
      title: err.title,
      ...(err.headers ? { headers: err.headers } : {}),
    });
  }
  if (err instanceof HTTPException) {
    // hono's validator throws this exact message when the JSON body does not parse.
    if (err.status === 400 && /malformed json/i.test(err.message)) {
      return problemResponse(c, { status: 400, code: 'MALFORMED_JSON', title: '请求体不是合法的 JSON' });
    }
    const generic = GENERIC_BY_STATUS[err.status];
    if (generic && err.status < 500) return problemResponse(c, { status: err.status, ...generic });
    if (generic) {
      logServerError(c, err);
      return problemResponse(c, { status: err.status, ...generic });
    }
  }
  logServerError(c, err);
  return problemResponse(c, { status: 500, code: 'INTERNAL_ERROR', title: '服务器内部错误' });
};

function logServerError(c: AnyContext, err: unknown): void {
  // Server-side only: the answer to the client stays generic.
  const requestId = c.get('requestId') as unknown;
  console.error(
    `[${typeof requestId === 'string' ? requestId : '-'}] ${c.req.method} ${c.req.path} failed`,
    err,
  );
}

/** For `app.notFound`. */
export const notFoundHandler: NotFoundHandler = (c) =>
  problemResponse(c, { status: 404, code: 'ROUTE_NOT_FOUND', title: '请求的接口不存在' });

const TARGET_NAMES: Record<string, string> = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'params',
  header: 'headers',
  cookie: 'cookies',
};

/** Field names are echoed (they are the schema's, or a client's typo), values never; cap the length. */
const safeKey = (key: PropertyKey) => String(key).slice(0, 64);

const joinPath = (target: string, path: readonly PropertyKey[]) =>
  [TARGET_NAMES[target] ?? target, ...path.map(safeKey)].join('.');

const HAS_CJK = /[\u3400-\u9fff]/;

const TYPE_NAMES: Record<string, string> = {
  string: '字符串',
  number: '数字',
  int: '整数',
  boolean: '布尔值',
  object: '对象',
  array: '数组',
  date: '日期',
  bigint: '整数',
  null: '空值',
};

// zod v4 issues are a union; read the few extra fields we need without depending on its internals.
type Issue = z.core.$ZodIssue;
interface IssueExtras {
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  format?: string;
  keys?: string[];
  divisor?: number;
  input?: unknown;
}

/** A Chinese message for one zod issue; never contains the submitted value. */
export function issueMessageZh(issue: Issue, missing = isMissing(issue)): string {
  // Schema authors write Chinese messages on purpose (e.g. '日期格式应为 YYYY-MM-DD'); keep those.
  if (issue.code !== 'unrecognized_keys' && HAS_CJK.test(issue.message)) return issue.message;
  const x = issue as Issue & IssueExtras;
  switch (issue.code) {
    case 'invalid_type':
      // zod v4 reports a missing field as invalid_type with an undefined input and an English hint.
      if (missing) return '缺少必填字段';
      return x.expected && TYPE_NAMES[x.expected]
        ? `类型不正确，应为${TYPE_NAMES[x.expected]}`
        : '类型不正确';
    case 'too_small':
      return boundMessage(x.origin, x.minimum, x.inclusive, 'min');
    case 'too_big':
      return boundMessage(x.origin, x.maximum, x.inclusive, 'max');
    case 'invalid_format':
      return x.format && FORMAT_NAMES[x.format] ? `格式不正确，应为${FORMAT_NAMES[x.format]}` : '格式不正确';
    case 'not_multiple_of':
      return `应为 ${x.divisor} 的整数倍`;
    case 'unrecognized_keys':
      return '不允许的字段';
    case 'invalid_value':
      return '取值不在允许范围内';
    case 'invalid_union':
      return '不符合任何一种允许的格式';
    case 'invalid_key':
      return '字段名不符合要求';
    case 'invalid_element':
      return '集合中的元素不符合要求';
    default:
      return '不符合要求';
  }
}

const FORMAT_NAMES: Record<string, string> = {
  email: '电子邮箱',
  url: '网址',
  uuid: 'UUID',
  datetime: 'ISO 8601 日期时间',
  date: 'YYYY-MM-DD 日期',
  time: '时间',
  ipv4: 'IPv4 地址',
  ipv6: 'IPv6 地址',
};

function boundMessage(
  origin: string | undefined,
  bound: number | bigint | undefined,
  inclusive: boolean | undefined,
  side: 'min' | 'max',
): string {
  if (bound === undefined) return side === 'min' ? '取值过小' : '取值过大';
  const n = String(bound);
  const strictOnly = inclusive === false;
  if (origin === 'string') return side === 'min' ? `长度不得少于 ${n} 个字符` : `长度不得超过 ${n} 个字符`;
  if (origin === 'array' || origin === 'set') return side === 'min' ? `至少需要 ${n} 项` : `最多允许 ${n} 项`;
  if (side === 'min') return strictOnly ? `应大于 ${n}` : `不得小于 ${n}`;
  return strictOnly ? `应小于 ${n}` : `不得大于 ${n}`;
}

/**
 * Whether an invalid_type issue means "absent". With the raw input at hand, look at it (robust to a
 * configured zod locale); otherwise fall back to zod's default English message.
 */
function isMissing(issue: Issue, input?: unknown): boolean {
  if (issue.code !== 'invalid_type') return false;
  if (input === undefined) return /received undefined/.test(issue.message);
  let at: unknown = input;
  for (const key of issue.path) {
    if (at === null || typeof at !== 'object') return true;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at === undefined;
}

/** Flattens zod issues to field errors; an unrecognized_keys issue becomes one error per key. */
export function fieldErrors(target: string, issues: readonly Issue[], input?: unknown): ProblemFieldError[] {
  const out: ProblemFieldError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: joinPath(target, [...issue.path, key]), code: issue.code, message: '不允许的字段' });
      }
      continue;
    }
    out.push({
      path: joinPath(target, issue.path),
      code: issue.code,
      message: issueMessageZh(issue, isMissing(issue, input)),
    });
  }
  // A hostile body can produce thousands of issues; a bounded answer is enough to fix the request.
  return out.slice(0, 50);
}

/** For `new OpenAPIHono({ defaultHook: validationHook })`: zod failures become 400 problem+json. */
export function validationHook(
  // `data` is the raw input on failure too (@hono/zod-validator passes it), used only to tell
  // "missing" from "wrong"; it never reaches the answer.
  result: { target: string; data?: unknown } & ({ success: true } | { success: false; error: z.ZodError }),
  c: AnyContext,
): Response | undefined {
  if (result.success) return undefined;
  // A route that declares If-Match as a required header must still answer 428, not 400: the
  // missing precondition is its own, documented outcome (see etag.ts).
  const missingIfMatch = result.error.issues.some(
    (i) => result.target === 'header' && i.path[0] === 'if-match' && isMissing(i, result.data),
  );
  if (missingIfMatch) {
    return problemResponse(c, {
      status: 428,
      code: 'VERSION_REQUIRED',
      title: '更新操作需要提供 If-Match 版本号',
    });
  }
  return problemResponse(c, {
    status: 400,
    code: 'VALIDATION_FAILED',
    title: '请求参数不符合要求',
    errors: fieldErrors(result.target, result.error.issues, result.data),
  });
}

/** The problem+json schema, for OpenAPI documents. */
export const problemSchema = z
  .object({
    type: z.string().openapi({ example: 'https://green-channel.gov.cn/problems/validation-failed' }),
    title: z.string().openapi({ example: '请求参数不符合要求', description: '给人看的中文说明' }),
    status: z.number().int().openapi({ example: 400 }),
    code: z.string().openapi({ example: 'VALIDATION_FAILED', description: '稳定的机器可读错误码' }),
    detail: z.string().optional(),
    instance: z.string().openapi({ example: '/cases', description: '出错的请求路径' }),
    requestId: z.string().optional().openapi({ description: '请求编号，便于排查' }),
    errors: z
      .array(
        z.object({
          path: z.string().openapi({ example: 'body.location.city' }),
          code: z.string().openapi({ example: 'invalid_type' }),
          message: z.string().openapi({ example: '缺少必填字段' }),
        }),
      )
      .optional(),
    details: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({
        description:
          '业务规则给出的详细信息（随错误码而定，如 MATERIALS_INCOMPLETE 的 missing：缺少的事项与材料代码；DEFICIENCY_INCOMPLETE 的 uncovered：未列入容缺的材料；PRE_REVIEW_FAILED 的 findings：预审发现）。只含代码、数量、记录编号与日期，不含个人信息',
        example: { missing: [{ itemCode: 'JS-LAND-01', materialCode: 'M-SITE-PLAN' }] },
      }),
  })
  .openapi('Problem');

export const problemContent = (description: string) => ({
  content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
  description,
});

/** The error answers every authenticated operation may give; spread into `createRoute({ responses })`. */
export const problemResponses = {
  400: problemContent('请求格式或参数错误（MALFORMED_JSON、VALIDATION_FAILED、IDEMPOTENCY_KEY_INVALID）'),
  401: problemContent('未登录或登录凭证无效、已过期'),
  403: problemContent('没有权限'),
  404: problemContent('资源不存在'),
  409: problemContent('版本冲突或状态不允许'),
  422: problemContent('不符合业务规则，或幂等键已用于不同的请求'),
  428: problemContent('需要提供 If-Match 版本号'),
  500: problemContent('服务器内部错误'),
} as const;
