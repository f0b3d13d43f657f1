import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { DomainError } from '../../../shared/domain/errors.js';
import type { Services } from '../../../shared/services/index.js';
import type { AppEnv } from '../auth.js';
import { expectedVersionFrom } from '../etag.js';
import type { Limits } from '../limits.js';
import { SenderRateLimiter } from '../limits.js';
import { json, op } from '../openapi-route.js';
import { HttpProblem, problemResponses } from '../problem.js';
import { TtlCache } from '../public-cache.js';
import * as r from '../response-schemas.js';
import type { RouteKit } from '../route-kit.js';
import * as s from '../schemas.js';

/**
 * 信息公开 (no token, see PUBLIC_PATHS in app.ts). What /public/projects/{projectCode} shows, and
 * only with the applicant's consent (公开同意): the project's code, name, category and city; its
 * current stage; per stage (all four) its state, which of the six steps are done, how many items
 * are decided of how many, and whether it finished on time (or, while open, is within its limit),
 * and the day of the answer. Never the owner or its credit code, people, investment, reasons,
 * opinions, materials or dates of individual acts.
 */
export const PUBLIC_PROJECT_FIELDS_ZH =
  '公开内容（仅限申请单位同意公开的项目）：投资项目统一代码、项目名称、项目类别、所在城市、当前阶段；四个阶段各自的办理状态、六步闭环各步是否完成、已决定事项数/事项总数、是否按时办结（办理中的阶段：是否仍在时限内），以及统计日。' +
  '不公开：建设单位及其统一社会信用代码、经办人员、总投资、审查意见与理由、补正与容缺内容、申请材料、各环节的具体日期。' +
  '项目不存在与未同意公开的回答完全相同（404 PUBLIC_PROJECT_NOT_FOUND）。';

const projectCode = z
  .string()
  .regex(/^[0-9A-Za-z-]{1,64}$/)
  .openapi({ description: '投资项目统一代码', example: '2026-320000-48-01-000001' });

const limited = {
  429: {
    content: problemResponses[404].content,
    description: '请求过于频繁（按客户端地址限流），Retry-After 给出等待秒数',
  },
};

const publicProjectRoute = createRoute({
  method: 'get',
  path: '/public/projects/{projectCode}',
  tags: ['信息公开'],
  summary: '项目公开办理进度（无需登录）',
  description: PUBLIC_PROJECT_FIELDS_ZH,
  security: [],
  request: { params: z.object({ projectCode }) },
  responses: {
    200: { ...json(r.publicProjectSchema), description: '项目公开办理进度' },
    400: problemResponses[400],
    404: { ...problemResponses[404], description: '项目不存在或申请单位未同意公开（两者不可区分）' },
    ...limited,
    500: problemResponses[500],
  },
});

const statisticsRoute = createRoute({
  method: 'get',
  path: '/public/statistics',
  tags: ['信息公开'],
  summary: '全省绿色通道公开统计（无需登录）',
  description:
    '纳入绿色通道的项目数、已办结事项数、事项平均用时（工作日，扣除停表，互认事项不计）、按时办结率、平均满意度，截至今日。',
  security: [],
  responses: {
    200: { ...json(r.publicStatisticsSchema), description: '公开统计' },
    ...limited,
    500: problemResponses[500],
  },
});

const guideRoute = createRoute({
  method: 'get',
  path: '/public/guide',
  tags: ['信息公开'],
  summary: '《工程绿色通道操作指南》（无需登录）',
  description:
    '由本省配置生成：准入条件、四个阶段及其牵头部门、各阶段事项与主管部门、每个事项的申请材料、法定与承诺时限、容缺规则（可容缺材料、补齐期限、不得容缺的情形）、告知承诺事项、申请受理地点。控制台“操作指南”页面可打印。',
  security: [],
  responses: {
    200: { ...json(r.operationGuideSchema), description: '操作指南' },
    ...limited,
    500: problemResponses[500],
  },
});

/**
 * The client's address for the per-address limit: the socket's peer locally (@hono/node-server),
 * API Gateway's source IP on Lambda. Never X-Forwarded-For, which the caller writes itself.
 */
export function clientAddress(c: Context<AppEnv>): string {
  const env = c.env as
    | {
        incoming?: { socket?: { remoteAddress?: string } };
        requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } };
      }
    | undefined;
  return (
    env?.incoming?.socket?.remoteAddress ??
    env?.requestContext?.http?.sourceIp ??
    env?.requestContext?.identity?.sourceIp ??
    'unknown'
  );
}

type Public = Services['publicDisclosure'];
type ProjectAnswer = { found: Awaited<ReturnType<Public['projectStatus']>> } | { missing: DomainError };

/** 信息公开: the public pages' answers, and the applicant's consent switch that governs them. */
export function mountPublicRoutes({ app, services, idem }: RouteKit, limits: Limits): void {
  const rate = new SenderRateLimiter(limits.publicRate);
  const ttlMs = limits.publicCacheSeconds * 1000;
  const projects = new TtlCache<ProjectAnswer>(ttlMs);
  const statistics = new TtlCache<Awaited<ReturnType<Public['statistics']>>>(ttlMs);
  const guide = new TtlCache<ReturnType<Public['guide']>>(ttlMs);
  const cacheControl =
    limits.publicCacheSeconds > 0 ? `public, max-age=${limits.publicCacheSeconds}` : 'no-store';

  app.use('/public/*', async (c, next) => {
    rate.take(clientAddress(c));
    await next();
  });

  app.openapi(publicProjectRoute, async (c) => {
    const code = c.req.valid('param').projectCode;
    const answer = await projects.get(code, async () => {
      try {
        return { found: await services.publicDisclosure.projectStatus(code) };
      } catch (err) {
        // the "not published" answer is cached like a found one: no timing tells them apart
        if (err instanceof DomainError && err.kind === 'notFound') return { missing: err };
        throw err;
      }
    });
    if ('missing' in answer) {
      throw new HttpProblem(404, answer.missing.code, answer.missing.messageZh, {
        'cache-control': cacheControl,
      });
    }
    c.header('Cache-Control', cacheControl);
    return c.json(answer.found, 200);
  });

  app.openapi(statisticsRoute, async (c) => {
    const body = await statistics.get('statistics', () => services.publicDisclosure.statistics());
    c.header('Cache-Control', cacheControl);
    return c.json(body, 200);
  });

  app.openapi(guideRoute, async (c) => {
    const body = await guide.get('guide', async () => services.publicDisclosure.guide());
    c.header('Cache-Control', cacheControl);
    return c.json(body, 200);
  });

  app.openapi(
    op(
      'put',
      '/projects/{projectId}/public-disclosure',
      '信息公开',
      '公开同意：申请单位同意（或撤回同意）公开本项目办理进度',
      {
        params: s.projectIdParam,
        body: {
          ...json(z.object({ consented: z.boolean().openapi({ description: '是否同意公开' }) })),
          required: true,
        },
      },
      { status: 200, schema: r.projectResponse, description: '已设定' },
      ['If-Match', 'Idempotency-Key'],
    ),
    async (c) => {
      const { projectId } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = expectedVersionFrom(c);
      const answer = await idem(c, body, 200, (x) =>
        services.publicDisclosure.setConsent(x, projectId, body.consented, expected),
      );
      // the project id is its code: this process shows the change at once, other Lambda
      // environments within max-age
      projects.delete(projectId);
      return answer;
    },
  );
}
