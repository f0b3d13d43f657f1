import { z } from '@hono/zod-openapi';
import { readProjectBudget } from '../../../shared/services/project-budget.js';
import { ctxOf } from '../auth.js';
import { expectedVersionFrom } from '../etag.js';
import { json, op } from '../openapi-route.js';
import { paginationQuerySchema } from '../pagination.js';
import * as r from '../response-schemas.js';
import { pageBody, type RouteKit, versioned } from '../route-kit.js';
import * as s from '../schemas.js';

/** Routes of projects, the province catalogue and 准入 (admission). */
export function mountProjectRoutes({ app, services, idem }: RouteKit): void {
  const { deps } = services;
  app.openapi(
    op(
      'get',
      '/catalogue',
      '项目',
      '本省审批事项目录（阶段、事项、部门、材料、时限）',
      {},
      { status: 200, schema: r.catalogueSchema, description: '事项目录' },
    ),
    async (c) => {
      const p = deps.province;
      return c.json(
        {
          province: p.code,
          name: p.name,
          departments: p.departments,
          stages: p.stages,
          items: p.items,
          materials: p.materials,
        },
        200,
      );
    },
  );

  // 项目 and 准入
  app.openapi(
    op(
      'post',
      '/projects',
      '项目',
      '登记项目（校验统一社会信用代码与投资项目代码）',
      { body: { ...json(s.registerProjectBody), required: true } },
      { status: 201, schema: r.projectResponse, description: '已登记' },
      ['Idempotency-Key'],
    ),
    async (c) => {
      const body = c.req.valid('json');
      return idem(c, body, 201, (x) => services.projects.register(x, body));
    },
  );
  app.openapi(
    op(
      'get',
      '/projects',
      '项目',
      '项目列表（申请单位看本单位，工作人员按准入状态）',
      {
        query: paginationQuerySchema.extend({
          status: z.enum(['notApplied', 'pending', 'admitted', 'rejected', 'exited']).optional(),
        }),
      },
      { status: 200, schema: r.projectPage, description: '分页列表' },
    ),
    async (c) => {
      const q = c.req.valid('query');
      const page = await services.projects.list(ctxOf(c), q);
      return c.json(pageBody(page), 200);
    },
  );
  app.openapi(
    op(
      'get',
      '/projects/{projectId}',
      '项目',
      '查看项目',
      { params: s.projectIdParam },
      { status: 200, schema: r.projectResponse, description: '项目' },
    ),
    async (c) => versioned(c, await services.projects.get(ctxOf(c), c.req.valid('param').projectId)),
  );
  app.openapi(
    op(
      'get',
      '/projects/{projectId}/budget',
      '项目',
      '全流程审批时间：预算、已用与剩余工作日、亮灯（国办发〔2019〕11号）',
      { params: s.projectIdParam },
      { status: 200, schema: r.projectBudgetSchema, description: '项目时限' },
    ),
    async (c) => {
      const { projectId } = c.req.valid('param');
      const budget = await readProjectBudget(deps, services.calendar, ctxOf(c), projectId);
      return c.json(budget, 200);
    },
  );
  app.openapi(
    op(
      'post',
      '/projects/{projectId}/admission',
      '准入',
      '申请纳入绿色通道（即时返回准入条件评估）',
      { params: s.projectIdParam },
      { status: 200, schema: r.projectResponse, description: '已申请' },
      ['If-Match', 'Idempotency-Key'],
    ),
    async (c) => {
      const { projectId } = c.req.valid('param');
      const expected = expectedVersionFrom(c);
      return idem(c, { projectId, expected }, 200, (x) =>
        services.projects.applyAdmission(x, projectId, expected),
      );
    },
  );
  app.openapi(
    op(
      'post',
      '/projects/{projectId}/admission/decision',
      '准入',
      '准入决定（专项工作组，须说明理由）',
      { params: s.projectIdParam, body: { ...json(s.admissionDecisionBody), required: true } },
      { status: 200, schema: r.projectResponse, description: '已决定' },
      ['If-Match', 'Idempotency-Key'],
    ),
    async (c) => {
      const { projectId } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = expectedVersionFrom(c);
      return idem(c, body, 200, (x) => services.projects.decideAdmission(x, projectId, expected, body));
    },
  );
}
