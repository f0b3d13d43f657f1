import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import {
  calculateJwkThumbprint,
  createRemoteJWKSet,
  decodeJwt,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from 'jose';
import { isValidCreditCode } from '../../shared/domain/codes.js';
import { DomainError } from '../../shared/domain/errors.js';
import { type Actor, ROLES } from '../../shared/domain/model.js';
import { HttpProblem } from './problem.js';

/** What every handler can read from the context. */
export interface AppEnv {
  Variables: { actor: Actor; requestId: string; correlationId: string };
}

/** Turns a bearer token into the acting person, or throws DomainError kind 'unauthenticated'. */
export interface TokenVerifier {
  verify(token: string): Promise<Actor>;
}

const ALG = 'ES256';
/** Small tolerance for clocks of the identity provider and this host drifting apart. */
const CLOCK_TOLERANCE_SECONDS = 30;
const DEFAULT_TTL_SECONDS = 8 * 3600;

const unauthenticated = () => new DomainError('unauthenticated', 'UNAUTHENTICATED', '请先登录');
const tokenInvalid = () => new DomainError('unauthenticated', 'TOKEN_INVALID', '登录凭证无效');
const tokenExpired = () => new DomainError('unauthenticated', 'TOKEN_EXPIRED', '登录已过期，请重新登录');

/**
 * The claims we rely on. Extra claims from an identity provider are ignored; the scoping claims
 * each role needs are required, so a token can never act for "any" organisation or department.
 */
const nonEmpty = z.string().min(1).max(200);
export const actorClaimsSchema = z
  .object({
    sub: nonEmpty,
    name: nonEmpty,
    role: z.enum(ROLES),
    creditCode: z.string().refine(isValidCreditCode).optional(),
    department: nonEmpty.optional(),
    unit: nonEmpty.optional(),
    province: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
    /** reviewer: the department's lead (部门负责人), who receives level-2 escalations */
    lead: z.boolean().optional(),
  })
  .superRefine((claims, ctx) => {
    if (claims.role === 'applicant' && !claims.creditCode)
      ctx.addIssue({ code: 'custom', message: 'applicant needs creditCode' });
    if (claims.role === 'reviewer' && !claims.department)
      ctx.addIssue({ code: 'custom', message: 'reviewer needs department' });
    if (claims.role === 'partner' && !claims.province)
      ctx.addIssue({ code: 'custom', message: 'partner needs province' });
    if (claims.lead && claims.role !== 'reviewer')
      ctx.addIssue({ code: 'custom', message: 'only a reviewer can be a department lead' });
  });

export function actorFromClaims(payload: JWTPayload): Actor {
  const parsed = actorClaimsSchema.safeParse(payload);
  if (!parsed.success) {
    // Say which claim is wrong (never its value): an identity provider mapping the organisation's
    // code badly is a configuration fault its operators must be able to see.
    if (parsed.error.issues.some((i) => i.path[0] === 'creditCode')) {
      throw new DomainError(
        'unauthenticated',
        'TOKEN_INVALID',
        '登录凭证无效：其中的统一社会信用代码格式不正确（应为 18 位且校验码正确）',
        { claim: 'creditCode' },
      );
    }
    throw tokenInvalid();
  }
  const { sub, name, role, creditCode, department, unit, province, lead } = parsed.data;
  return {
    id: sub,
    name,
    role,
    ...(creditCode ? { creditCode } : {}),
    ...(department ? { department } : {}),
    ...(unit ? { unit } : {}),
    ...(province ? { province } : {}),
    ...(lead ? { lead } : {}),
  };
}

async function verifyWith(
  token: string,
  key: CryptoKey | JWTVerifyGetKey,
  opts: { issuer: string; audience: string },
): Promise<Actor> {
  let payload: JWTPayload;
  try {
    const verified = await jwtVerify(token, key as JWTVerifyGetKey, {
      issuer: opts.issuer,
      audience: opts.audience,
      algorithms: [ALG],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      // jti: every token can be named on the revocation list
      requiredClaims: ['exp', 'sub', 'jti'],
    });
    payload = verified.payload;
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw tokenExpired();
    // The identity provider being unreachable is our outage, not the caller's bad token.
    if (err instanceof joseErrors.JWKSTimeout || !(err instanceof joseErrors.JOSEError)) {
      console.error('token verification could not reach the signing keys', err);
      throw new HttpProblem(503, 'IDENTITY_PROVIDER_UNAVAILABLE', '身份认证服务暂时不可用，请稍后再试');
    }
    throw tokenInvalid();
  }
  return actorFromClaims(payload);
}

/**
 * Verified tokens remembered for a while: the ES256 signature check is most of what a light
 * request costs, and a console session sends the same token with every request. Only successful
 * verifications are kept, never past the token's `exp` nor longer than `maxAgeMs` (so a key the
 * identity provider withdraws stops working as soon as the JWKS cache notices, give or take that),
 * and the revocation list is still consulted on every request (authMiddleware).
 */
export function rememberVerified(
  inner: TokenVerifier,
  opts: { max?: number; maxAgeMs?: number; now?: () => number } = {},
): TokenVerifier {
  const max = opts.max ?? 5_000;
  const maxAgeMs = opts.maxAgeMs ?? 5 * 60_000;
  const now = opts.now ?? Date.now;
  // insertion order is the eviction order: a hit moves its entry to the end
  const cache = new Map<string, { actor: Actor; untilMs: number }>();
  return {
    async verify(token) {
      const hit = cache.get(token);
      if (hit) {
        cache.delete(token);
        if (hit.untilMs > now()) {
          cache.set(token, hit);
          return hit.actor;
        }
      }
      const actor = await inner.verify(token);
      const { exp } = decodeJwt(token);
      if (typeof exp === 'number') {
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
        cache.set(token, { actor, untilMs: Math.min(exp * 1000, now() + maxAgeMs) });
      }
      return actor;
    },
  };
}

export interface SignerOptions {
  /** where the key pair is kept between restarts (JWK JSON, mode 0600); in memory only when absent */
  keyFile?: string;
  issuer: string;
  audience: string;
}

export interface LocalSigner {
  sign(actor: Actor, ttlSeconds?: number): Promise<string>;
  verifier(): TokenVerifier;
  /** the public key set, as an identity provider would publish it */
  jwks(): { keys: JWK[] };
}

interface StoredKey {
  alg: typeof ALG;
  kid: string;
  privateJwk: JWK;
}

/** Local mode's identity provider: one ES256 key pair per province data folder. */
export async function createLocalSigner(opts: SignerOptions): Promise<LocalSigner> {
  const stored = (opts.keyFile ? await loadKey(opts.keyFile) : undefined) ?? (await newKey());
  if (opts.keyFile) await saveKeyIfAbsent(opts.keyFile, stored);
  // Another process may have won the race to create the file; use whatever is on disk.
  const effective = opts.keyFile ? ((await loadKey(opts.keyFile)) ?? stored) : stored;

  const privateKey = (await importJWK(effective.privateJwk, ALG)) as CryptoKey;
  const { d: _d, ...publicFields } = effective.privateJwk;
  const publicJwk: JWK = { ...publicFields, kid: effective.kid, alg: ALG, use: 'sig' };
  const publicKey = (await importJWK(publicJwk, ALG)) as CryptoKey;

  return {
    async sign(actor, ttlSeconds = DEFAULT_TTL_SECONDS) {
      const now = Math.floor(Date.now() / 1000);
      const claims: Record<string, string | boolean> = { name: actor.name, role: actor.role };
      if (actor.creditCode) claims.creditCode = actor.creditCode;
      if (actor.department) claims.department = actor.department;
      if (actor.unit) claims.unit = actor.unit;
      if (actor.province) claims.province = actor.province;
      if (actor.lead) claims.lead = true;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: ALG, kid: effective.kid, typ: 'JWT' })
        .setSubject(actor.id)
        .setIssuer(opts.issuer)
        .setAudience(opts.audience)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .setJti(randomUUID())
        .sign(privateKey);
    },
    verifier: () => rememberVerified({ verify: (token) => verifyWith(token, publicKey, opts) }),
    jwks: () => ({ keys: [publicJwk] }),
  };
}

async function newKey(): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(privateJwk);
  return { alg: ALG, kid, privateJwk };
}

async function loadKey(file: string): Promise<StoredKey | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<StoredKey>;
  if (parsed.alg !== ALG || !parsed.privateJwk?.d || typeof parsed.kid !== 'string') {
    // Refuse to silently replace a key: every token issued with it would stop working.
    throw new Error(`signing key file ${file} is not an ${ALG} private JWK`);
  }
  return parsed as StoredKey;
}

async function saveKeyIfAbsent(file: string, key: StoredKey): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  try {
    // 'wx': never overwrite a key another process wrote; 0600: it is a private key.
    await writeFile(file, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // A file created by hand or with a loose umask is tightened; failing to do so is not fatal.
  await chmod(file, 0o600).catch(() => undefined);
}

/** Production: tokens of the province's identity provider, keys fetched (and cached) from its JWKS. */
export function createJwksVerifier(opts: {
  jwksUrl: string;
  issuer: string;
  audience: string;
}): TokenVerifier {
  const keys = createRemoteJWKSet(new URL(opts.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 });
  return rememberVerified({ verify: (token) => verifyWith(token, keys, opts) });
}

export interface AuthOptions {
  /** paths served without a token: exact matches, or prefixes written as `/docs/*` */
  publicPaths?: string[];
  /** the revocation list (登录凭证吊销): a verified token whose jti is on it is refused */
  isRevoked?: (jti: string) => Promise<boolean>;
}

const tokenRevoked = () =>
  new DomainError('unauthenticated', 'TOKEN_REVOKED', '登录凭证已被吊销，请重新登录');

const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+) *$/i;

/** Sets `actor` from `Authorization: Bearer <jwt>`; every failure is a 401 problem. */
export function authMiddleware(
  verifier: TokenVerifier,
  options: AuthOptions = {},
): MiddlewareHandler<AppEnv> {
  const exact = new Set((options.publicPaths ?? []).filter((p) => !p.endsWith('*')));
  const prefixes = (options.publicPaths ?? []).filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
  return async (c, next) => {
    const path = c.req.path;
    if (exact.has(path) || prefixes.some((p) => path.startsWith(p))) return next();
    const header = c.req.header('authorization');
    if (!header) throw unauthenticated();
    const match = BEARER.exec(header);
    // A header that is not a bearer JWT at all is treated like no credentials.
    if (!match?.[1]) throw unauthenticated();
    const actor = await verifier.verify(match[1]);
    if (options.isRevoked) {
      // The signature is verified above; the jti is read from the same, now trusted, payload.
      const { jti } = decodeJwt(match[1]);
      if (typeof jti !== 'string' || (await options.isRevoked(jti))) throw tokenRevoked();
    }
    c.set('actor', actor);
    return next();
  };
}

// API Gateway's request ids are base64-like and may end in `=`
const SANE_ID = /^[A-Za-z0-9_.:=-]{1,64}$/;

/**
 * Tags each request with an id for logs and problem bodies: the caller's `X-Request-Id` when sane,
 * else API Gateway's request id (so a log line is found from the API's access log), else a new one.
 * The correlation id follows the work the request starts (outbox events, the workflow execution,
 * partner events): the caller's `X-Correlation-Id` when sane, else the request id. Both are answered.
 */
export function requestIdMiddleware(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const gateway = (c.env as { event?: { requestContext?: { requestId?: unknown } } } | undefined)?.event
      ?.requestContext?.requestId;
    const id =
      given && SANE_ID.test(given)
        ? given
        : typeof gateway === 'string' && SANE_ID.test(gateway)
          ? gateway
          : randomUUID();
    const correlation = c.req.header('x-correlation-id');
    const correlationId = correlation && SANE_ID.test(correlation) ? correlation : id;
    c.set('requestId', id);
    c.set('correlationId', correlationId);
    c.header('X-Request-Id', id);
    c.header('X-Correlation-Id', correlationId);
    return next();
  };
}

/** The service context of a request: who acts, and the correlation id their work carries on. */
export function ctxOf(c: Context<AppEnv>): { actor: Actor; correlationId?: string } {
  const correlationId = c.get('correlationId');
  return { actor: actorOf(c), ...(correlationId ? { correlationId } : {}) };
}

/** The authenticated actor; a route that forgot authentication fails closed. */
export function actorOf(c: Context<AppEnv>): Actor {
  const actor = c.get('actor');
  if (!actor) throw unauthenticated();
  return actor;
}
