import { type OpenAPIHono, z } from '@hono/zod-openapi';
import type { ComplaintService } from '../../../shared/services/complaints.js';
import type { Deps } from '../../../shared/services/deps.js';
import type { ExitReviewService } from '../../../shared/services/exit-review.js';
import { type AppEnv, ctxOf } from '../auth.js';
import { expectedVersionFrom } from '../etag.js';
import { json, op } from '../openapi-route.js';
import { paginationQuerySchema } from '../pagination.js';
import * as r from '../response-schemas.js';
import { idempotent, pageBody, versioned } from '../route-kit.js';
import * as s from '../schemas.js';

/** What these routes need of the province's services. */
export interface ExitAndComplaintServices {
  deps: Deps;
  exitReview: ExitReviewService;
  complaints: ComplaintService;
}

const text = (max: number) => z.string().min(1).max(max);

export const exitDecisionBody = z
  .object({
    decision: z.enum(['exit', 'excuse']).openapi({ description: 'exit 退出绿色通道；excuse 容错纠错' }),
    reasonZh: text(2000),
    evidence: z.array(text(500)).max(50).optional().openapi({ description: '容错纠错的证明材料（必填）' }),
  })
  .strict()
  .openapi('ExitDecision');

export const complaintBody = z
  .object({ textZh: text(2000) })
  .strict()
  .openapi('ComplaintFiling');
export const complaintHandlingBody = z
  .object({ noteZh: text(2000) })
  .strict()
  .openapi('ComplaintHandling');
export const complaintClosureBody = z
  .object({ resolutionZh: text(2000) })
  .strict()
  .openapi('ComplaintClosure');

const yearParam = z.object({
  year: z.coerce.number().int().min(2000).max(2100).openapi({ description: '复核年度', example: 2025 }),
});
const complaintIdParam = z.object({ id: z.string().min(1).max(80) });

/** 投诉与退出: the yearly review, exit / 容错 decisions, and complaints tracked to closure. */
export function mountExitAndComplaintRoutes(
  app: OpenAPIHono<AppEnv>,
  services: ExitAndComplaintServices,
): void {
  const idem = idempotent(services.deps);

  app.openapi(
    op(
      'post',
      '/exit-reviews/{year}',
      '投诉与退出',
      '运行年度准入复核（连续两年未按承诺完成的项目提出退出建议；同一年度重复运行不重复记录）',
      { params: yearParam },
      { status: 200, schema: r.yearlyRunResultSchema, description: '复核结果' },
    ),
    async (c) => {
      const { year } = c.req.valid('param');
      return c.json(await services.exitReview.runYearly(ctxOf(c), year), 200);
    },
  );

  app.openapi(
    op(
      'post',
      '/projects/{projectId}/exit-decision',
      '投诉与退出',
      '对退出建议作出决定：退出绿色通道，或容错纠错（须提供证明材料）',
      { params: s.projectIdParam, body: { ...json(exitDecisionBody), required: true } },
      { status: 200, schema: r.projectResponse, description: '已决定' },
      ['If-Match', 'Idempotency-Key'],
    ),
    async (c) => {
      const { projectId } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = expectedVersionFrom(c);
      return idem(c, body, 200, (x) => services.exitReview.decide(x, projectId, expected, body));
    },
  );

  app.openapi(
    op(
      'post',
      '/cases/{caseId}/complaints',
      '投诉与退出',
      '申请单位对办件投诉',
      { params: s.caseIdParam, body: { ...json(complaintBody), required: true } },
      { status: 201, schema: r.complaintResponse, description: '已受理投诉' },
      ['Idempotency-Key'],
    ),
    async (c) => {
      const { caseId } = c.req.valid('param');
      const body = c.req.valid('json');
      return idem(c, body, 201, (x) => services.complaints.file(x, caseId, body));
    },
  );

  app.openapi(
    op(
      'get',
      '/complaints',
      '投诉与退出',
      '投诉列表（申请单位看本单位，工作人员看全部）',
      {
        query: paginationQuerySchema.extend({
          status: z.enum(['open', 'handling', 'closed']).optional(),
        }),
      },
      { status: 200, schema: r.complaintPage, description: '分页列表' },
    ),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(pageBody(await services.complaints.list(ctxOf(c), q)), 200);
    },
  );

  app.openapi(
    op(
      'get',
      '/complaints/{id}',
      '投诉与退出',
      '查看投诉',
      { params: complaintIdParam },
      { status: 200, schema: r.complaintResponse, description: '投诉' },
    ),
    async (c) => versioned(c, await services.complaints.get(ctxOf(c), c.req.valid('param').id)),
  );

  app.openapi(
    op(
      'post',
      '/complaints/{id}/handling',
      '投诉与退出',
      '办理投诉（记录办理意见）',
      { params: complaintIdParam, body: { ...json(complaintHandlingBody), required: true } },
      { status: 200, schema: r.complaintResponse, description: '已记录' },
      ['If-Match', 'Idempotency-Key'],
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = expectedVersionFrom(c);
      return idem(c, body, 200, (x) => services.complaints.handle(x, id, expected, body));
    },
  );

  app.openapi(
    op(
      'post',
      '/complaints/{id}/closure',
      '投诉与退出',
      '投诉办结（须说明办理结果）',
      { params: complaintIdParam, body: { ...json(complaintClosureBody), required: true } },
      { status: 200, schema: r.complaintResponse, description: '已办结' },
      ['If-Match', 'Idempotency-Key'],
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = expectedVersionFrom(c);
      return idem(c, body, 200, (x) => services.complaints.close(x, id, expected, body));
    },
  );
}
