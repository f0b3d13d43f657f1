import { z } from '@hono/zod-openapi';
import { ctxOf } from '../auth.js';
import { setVersionHeader } from '../etag.js';
import { json, op } from '../openapi-route.js';
import { paginationQuerySchema } from '../pagination.js';
import * as r from '../response-schemas.js';
import { pageBody, type RouteKit, versioned } from '../route-kit.js';
import * as s from '../schemas.js';

/** Routes of 申请 (applying) and of what follows a decision: supplements, feedback, termination. */
export function mountCaseRoutes({ app, services, idem }: RouteKit): void {
  app.openapi(
    op(
      'post',
      '/pre-review',
      '办件',
      '智能预审：检查材料是否齐全，不保存',
      {
        body: { ...json(s.submitCaseBody), required: true },
      },
      { status: 200, schema: r.preReviewResultSchema, description: '预审结果' },
    ),
    async (c) => c.json(await services.cases.preReview(ctxOf(c), c.req.valid('json')), 200),
  );
  app.openapi(
    op(
      'post',
      '/cases',
      '办件',
      '提交阶段申请（返回预审意见）',
      { body: { ...json(s.submitCaseBody), required: true } },
      { status: 201, schema: r.stageCaseResponse, description: '已提交' },
      ['Idempotency-Key'],
    ),
    async (c) => {
      const body = c.req.valid('json');
      return idem(c, body, 201, (x) => services.cases.submit(x, body));
    },
  );
  app.openapi(
    op(
      'get',
      '/cases',
      '办件',
      '办件列表：申请单位看本单位办件，窗口、督查和评估机构按状态查看',
      {
        query: paginationQuerySchema.extend({
          status: z
            .enum([
              'submitted',
              'correctionRequested',
              'underReview',
              'approved',
              'rejected',
              'refused',
              'terminated',
            ])
            .optional(),
        }),
      },
      { status: 200, schema: r.stageCasePage, description: '分页列表' },
    ),
    async (c) => c.json(pageBody(await services.cases.list(ctxOf(c), c.req.valid('query'))), 200),
  );
  app.openapi(
    op(
      'get',
      '/cases/{caseId}',
      '办件',
      '查看办件',
      { params: s.caseIdParam },
      { status: 200, schema: r.stageCaseResponse, description: '办件' },
    ),
    async (c) => versioned(c, await services.cases.get(ctxOf(c), c.req.valid('param').caseId)),
  );
  app.openapi(
    op(
      'get',
      '/cases/{caseId}/progress',
      '办件',
      '办理进度：六步进度、各事项时限、亮灯与时间线',
      { params: s.caseIdParam },
      { status: 200, schema: r.caseProgressViewSchema, description: '进度' },
    ),
    async (c) => {
      const p = await services.cases.progress(ctxOf(c), c.req.valid('param').caseId);
      setVersionHeader(c, p.version);
      return c.json(p, 200);
    },
  );

  // 监督 and 反馈
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/supplements',
      '办件',
      '补交容缺或补正材料',
      { params: s.caseIdParam, body: { ...json(s.materialsBody), required: true } },
      { status: 200, schema: r.stageCaseResponse, description: '已补交' },
      ['Idempotency-Key'],
    ),
    async (c) => {
      const { caseId } = c.req.valid('param');
      const body = c.req.valid('json');
      return idem(c, body, 200, (x) => services.cases.supplement(x, caseId, body.materials));
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/feedback',
      '办件',
      '服务评价（满意度 1–5 分）',
      { params: s.caseIdParam, body: { ...json(s.feedbackBody), required: true } },
      { status: 200, schema: r.stageCaseResponse, description: '已评价' },
      ['Idempotency-Key'],
    ),
    async (c) => {
      const { caseId } = c.req.valid('param');
      const body = c.req.valid('json');
      return idem(c, body, 200, (x) => services.cases.feedback(x, caseId, body));
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/termination',
      '办件',
      '终止办件（专项工作组）',
      { params: s.caseIdParam, body: { ...json(s.terminationBody), required: true } },
      { status: 200, schema: r.stageCaseResponse, description: '已终止' },
      ['Idempotency-Key'],
    ),
    async (c) => {
      const { caseId } = c.req.valid('param');
      const body = c.req.valid('json');
      return idem(c, body, 200, (x) => services.cases.terminate(x, caseId, body.reason, body.creditMark));
    },
  );
}
