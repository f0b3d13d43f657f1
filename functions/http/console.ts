import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { compress } from 'hono/compress';
import { ROLES } from '../../shared/domain/model.js';
import type { BlobStore } from '../../shared/ports/blobs.js';
import type { ConsoleAssets } from '../../shared/ports/console-assets.js';
import type { AppEnv } from './auth.js';
import { json } from './openapi-route.js';

/**
 * The console (web/, a Vite single-page app) served at the province's `/`: its static files, the
 * sign-in configuration it starts from, and, on one machine only, the demo users to sign in as.
 */

/** How people sign in: demo users on one machine, OpenID Connect (code + PKCE) on AWS. */
export type SignInConfig =
  | { mode: 'demo' }
  | {
      mode: 'oidc';
      /** the identity provider's issuer; its discovery document names the endpoints */
      issuer: string;
      clientId: string;
      scope: string;
    };

/** A person the local demo lets you sign in as, with the same token `npm start` prints. */
export interface DemoUser {
  id: string;
  name: string;
  role: (typeof ROLES)[number];
  unit?: string;
  department?: string;
  lead?: boolean;
  creditCode?: string;
  /** applicants: the organisation they act for */
  organisation?: string;
  token: string;
}

export interface ConsoleOptions {
  assets: ConsoleAssets;
  signIn: SignInConfig;
  /** only the local runtime passes this; on AWS the route does not exist */
  demoUsers?: () => Promise<DemoUser[]>;
}

/** Paths the console needs before anyone has signed in. */
export const CONSOLE_PUBLIC_PATHS = ['/', '/index.html', '/assets/*', '/favicon.ico', '/console/*'];

const consoleConfigSchema = z
  .object({
    province: z.object({ code: z.string(), name: z.string() }),
    signIn: z.discriminatedUnion('mode', [
      z.object({ mode: z.literal('demo') }),
      z.object({
        mode: z.literal('oidc'),
        issuer: z.string(),
        clientId: z.string(),
        scope: z.string(),
      }),
    ]),
  })
  .openapi('ConsoleConfig');

const demoUserSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    unit: z.string().optional(),
    department: z.string().optional(),
    departmentName: z.string().optional(),
    lead: z.boolean().optional(),
    creditCode: z.string().optional(),
    organisation: z.string().optional().openapi({ description: '申请人所属单位名称' }),
    token: z.string().openapi({ description: '演示登录令牌（仅本地模式提供）' }),
  })
  .openapi('DemoUser');

/** Only plain file names under assets/: no traversal, no hidden files, nothing but the build output. */
const ASSET_PATH = /^assets\/[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;

/** What the console's public routes tell about the province. */
interface ProvinceFacts {
  code: string;
  name: string;
  departments: { code: string; name: string }[];
}

/**
 * The console's Content-Security-Policy. `connect-src` names every origin the console talks to:
 * the API, the identity provider with OIDC, and the material bucket when presigned URLs point there
 * (S3), else the browser refuses the upload and the redirected download. The bucket's origin is
 * known once its client is loaded, so it is read at the first page and kept; a failure to read it
 * leaves it out for that page (uploads then fail, the console still opens) and is retried.
 */
function consolePolicy(options: ConsoleOptions, blobs: Pick<BlobStore, 'directOrigin'> | undefined) {
  let known: string | undefined;
  return async (): Promise<string> => {
    if (known !== undefined) return known;
    let bucket: string | undefined;
    let settled = true;
    try {
      bucket = await blobs?.directOrigin();
    } catch {
      settled = false;
    }
    const connect = [
      "'self'",
      ...(options.signIn.mode === 'oidc' ? [new URL(options.signIn.issuer).origin] : []),
    ];
    if (bucket) connect.push(bucket);
    const policy = [
      "default-src 'self'",
      "script-src 'self'",
      // Element Plus positions popovers with style attributes
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      // reviewers preview a case's PDF in a frame from an object URL (fetched with the token, never in a URL)
      "frame-src 'self' blob:",
      `connect-src ${connect.join(' ')}`,
      "font-src 'self' data:",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; ');
    if (settled) known = policy;
    return policy;
  };
}

export function mountConsole(
  app: OpenAPIHono<AppEnv>,
  province: ProvinceFacts,
  options: ConsoleOptions,
  /** material content: its presigned URLs' origin joins `connect-src` */
  blobs?: Pick<BlobStore, 'directOrigin'>,
) {
  const { assets } = options;
  const policy = consolePolicy(options, blobs);
  const security = async (extra: Record<string, string>) => ({
    'Content-Security-Policy': await policy(),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    ...extra,
  });

  const page = async () => {
    const index = await assets.get('index.html');
    if (!index) {
      return new Response('控制台尚未构建：请运行 npm start（会自动构建）或 npm run build:web', {
        status: 503,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    }
    return new Response(index.bytes, {
      status: 200,
      headers: await security({ 'content-type': index.contentType, 'cache-control': 'no-cache' }),
    });
  };
  // The bundles are text; gzip cuts what a phone on a slow network downloads by about 3×.
  app.use('/assets/*', compress({ encoding: 'gzip' }));
  app.get('/', page);
  app.get('/index.html', page);
  app.get('/assets/:file', async (c) => {
    const path = `assets/${c.req.param('file')}`;
    const found = ASSET_PATH.test(path) ? await assets.get(path) : undefined;
    if (!found) return c.notFound();
    // file names carry a content hash, so a file never changes under its name
    return new Response(found.bytes, {
      status: 200,
      headers: await security({
        'content-type': found.contentType,
        'cache-control': 'public, max-age=31536000, immutable',
      }),
    });
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/console/config',
      tags: ['运维'],
      summary: '控制台启动配置：省份与登录方式（无需登录）',
      security: [],
      responses: { 200: { ...json(consoleConfigSchema), description: '配置' } },
    }),
    (c) => c.json({ province: { code: province.code, name: province.name }, signIn: options.signIn }, 200),
  );

  const { demoUsers } = options;
  if (demoUsers) {
    const departments = new Map(province.departments.map((d) => [d.code, d.name]));
    app.openapi(
      createRoute({
        method: 'get',
        path: '/console/demo-users',
        tags: ['运维'],
        summary: '本地演示用户及其登录令牌（仅本地模式，无需登录）',
        security: [],
        responses: {
          200: { ...json(z.object({ users: z.array(demoUserSchema) })), description: '演示用户' },
        },
      }),
      async (c) => {
        const users = (await demoUsers()).map((u) => ({
          ...u,
          ...(u.department ? { departmentName: departments.get(u.department) ?? u.department } : {}),
        }));
        return c.json({ users }, 200);
      },
    );
  }
}
