import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { secureHeaders } from 'hono/secure-headers';
import type { Logger } from '../../shared/ports/telemetry.js';
import type { Services } from '../../shared/services/index.js';
import { accessLog } from './access-log.js';
import { type AppEnv, authMiddleware, requestIdMiddleware, type TokenVerifier } from './auth.js';
import { CONSOLE_PUBLIC_PATHS, type ConsoleOptions, mountConsole } from './console.js';
import { mountDocs } from './docs.js';
import { bodyLimit, DEFAULT_LIMITS, type Limits, SenderRateLimiter } from './limits.js';
import { errorHandler, HttpProblem, notFoundHandler, problemContent, validationHook } from './problem.js';
import { responseCheck } from './response-check.js';
import { healthSchema } from './response-schemas.js';
import { idempotent, type RouteKit } from './route-kit.js';
import { mountAcceptanceRoutes } from './routes/acceptance.js';
import { mountAgencyRoutes } from './routes/agency.js';
import { mountAnalyticsRoutes } from './routes/analytics.js';
import { mountApprovalMapRoutes } from './routes/approval-map.js';
import { mountAuditRoutes } from './routes/audit.js';
import { mountCaseRoutes } from './routes/cases.js';
import { mountCommitmentLetterRoutes } from './routes/commitment-letters.js';
import { mountCoordinationRoutes } from './routes/coordination.js';
import { mountDashboardRoutes } from './routes/dashboard.js';
import { mountExitAndComplaintRoutes } from './routes/exit-and-complaints.js';
import { mountExtensionDeliveryRoutes } from './routes/extension-delivery.js';
import { mountJointReviewRoutes } from './routes/joint-review.js';
import { mountMaterialUploadRoutes } from './routes/material-uploads.js';
import { mountNotificationRoutes } from './routes/notifications.js';
import { mountOperationsRoutes } from './routes/operations.js';
import { mountPartnerRoutes } from './routes/partners.js';
import { mountPledgeRoutes } from './routes/pledge.js';
import { mountProjectRoutes } from './routes/projects.js';
import { mountPublicRoutes } from './routes/public.js';
import { mountReportRoutes } from './routes/reports.js';
import { mountResultRoutes } from './routes/results.js';
import { mountReviewRoutes } from './routes/review.js';
import { mountTokenRevocationRoutes } from './routes/token-revocations.js';

export interface AppOptions {
  /** verifies bearer tokens: the local signing key locally, the province's JWKS on AWS */
  verifier: TokenVerifier;
  /** serves the console at `/` (its files, sign-in configuration and, locally, the demo users) */
  console?: ConsoleOptions;
  /**
   * Parse every JSON answer against its documented response schema and answer 500
   * RESPONSE_SCHEMA_MISMATCH when it does not match (response-check.ts). For tests and local runs;
   * when not given, on if the environment has GC_CHECK_RESPONSES=1.
   */
  checkResponses?: boolean;
  /** body ceilings and the partner rate limit (limits.ts); defaults in DEFAULT_LIMITS */
  limits?: Partial<Limits>;
  /** writes one structured line per request (access-log.ts); none when not given */
  logger?: Logger;
}

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['运维'],
  summary: '健康检查（无需登录）',
  security: [],
  responses: { 200: { content: { 'application/json': { schema: healthSchema } }, description: '服务正常' } },
});

const readyRoute = createRoute({
  method: 'get',
  path: '/health/ready',
  tags: ['运维'],
  summary: '就绪检查（无需登录）：能读到数据存储才算就绪',
  security: [],
  responses: {
    200: { content: { 'application/json': { schema: healthSchema } }, description: '已就绪，数据存储可读' },
    503: problemContent('数据存储不可用（STORE_UNAVAILABLE）'),
  },
});

/**
 * Province-to-province endpoints authenticate by signature (payload or request), not by bearer token;
 * `/verify/*` is the public verification of 电子批文, for anyone holding a result; `/public/*` the
 * public pages (信息公开: consented project status, statistics, the guide), rate limited and cached.
 */
const PUBLIC_PATHS = [
  '/health',
  '/health/ready',
  '/openapi.json',
  '/docs',
  '/partner/*',
  '/verify/*',
  '/public/*',
  // the file store's presigned URLs (routes/material-uploads.ts): the signed token is the credential
  '/blobs/*',
];

/**
 * The province's HTTP API. Handlers only translate: parse, call one service, shape the answer.
 * The same app is served by the local Node server and by API Gateway → Lambda.
 */
export function createApp(services: Services, options: AppOptions): OpenAPIHono<AppEnv> {
  const { deps } = services;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.onError(errorHandler);
  app.notFound(notFoundHandler);
  app.use('*', requestIdMiddleware());
  if (options.logger) app.use('*', accessLog(options.logger));
  // HSTS, nosniff, frame and referrer policies on every answer; the console adds its own CSP
  app.use('*', secureHeaders({ crossOriginResourcePolicy: 'same-site' }));
  app.use(
    '*',
    authMiddleware(options.verifier, {
      publicPaths: options.console ? [...PUBLIC_PATHS, ...CONSOLE_PUBLIC_PATHS] : PUBLIC_PATHS,
      isRevoked: (jti) => services.tokenRevocations.isRevoked(jti),
    }),
  );
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  // After authentication, so an anonymous caller's body on a token route is never read; every
  // public path (partner links, public verification) is limited all the same.
  app.use('*', bodyLimit(limits));
  if (options.checkResponses ?? process.env.GC_CHECK_RESPONSES === '1') app.use('*', responseCheck(app));
  mountDocs(app, {
    title: `工程绿色通道 API（${deps.province.name}）`,
    version: '1.0.0',
    description: '重点项目审批绿色通道：申请、受理、审查、批准、监督、反馈六步闭环。',
  });

  const kit: RouteKit = {
    app,
    services,
    idem: idempotent(deps),
    partnerRate: new SenderRateLimiter(limits.partnerRate),
    limits,
  };
  app.openapi(healthRoute, (c) => c.json({ status: 'ok' as const, province: deps.province.code }, 200));
  app.openapi(readyRoute, async (c) => {
    try {
      // a read that reaches the store (a key nobody writes): the process alone being up is not enough
      await deps.store.get('project', '__readiness_probe__');
    } catch {
      throw new HttpProblem(503, 'STORE_UNAVAILABLE', '数据存储不可用，服务暂未就绪', { 'retry-after': '5' });
    }
    return c.json({ status: 'ok' as const, province: deps.province.code }, 200);
  });
  mountProjectRoutes(kit);
  mountPublicRoutes(kit, limits);
  mountCaseRoutes(kit);
  mountCommitmentLetterRoutes(kit);
  mountAcceptanceRoutes(kit);
  mountAgencyRoutes(kit);
  mountReviewRoutes(kit);
  mountJointReviewRoutes(kit);
  mountPledgeRoutes(kit);
  mountExtensionDeliveryRoutes(kit);
  mountCoordinationRoutes(kit);
  mountAuditRoutes(kit);
  mountPartnerRoutes(kit);
  mountOperationsRoutes(kit);
  mountResultRoutes(kit);
  mountTokenRevocationRoutes(kit);
  mountExitAndComplaintRoutes(app, services);
  mountNotificationRoutes(app, services);
  mountMaterialUploadRoutes(kit);
  mountReportRoutes(app, services);
  mountAnalyticsRoutes(app, services);
  mountDashboardRoutes(app, services);
  mountApprovalMapRoutes(app, services);
  if (options.console) mountConsole(app, deps.province, options.console, deps.blobs);
  return app;
}
