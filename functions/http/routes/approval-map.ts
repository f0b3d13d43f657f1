import { type OpenAPIHono, z } from '@hono/zod-openapi';
import { PROJECT_CATEGORIES, STAGES } from '../../../shared/domain/model.js';
import type { ApprovalMapService } from '../../../shared/services/approval-map.js';
import { type AppEnv, ctxOf } from '../auth.js';
import { op } from '../openapi-route.js';
import * as r from '../response-schemas.js';
import * as s from '../schemas.js';

const mapQuery = z.object({
  stage: z.enum(STAGES).optional().openapi({ description: '当前阶段' }),
  priority: z.coerce.number().int().min(1).max(9).optional().openapi({ description: '优先级（1 最高）' }),
  category: z.enum(PROJECT_CATEGORIES).optional().openapi({ description: '项目类别' }),
  department: z.string().max(64).optional().openapi({ description: '参与审批的部门代码' }),
});

/** 一张图: the province view, the project view and the division list the console asks for. */
export function mountApprovalMapRoutes(
  app: OpenAPIHono<AppEnv>,
  services: { approvalMap: ApprovalMapService; deps: { province: { code: string } } },
): void {
  const { approvalMap } = services;
  app.openapi(
    op(
      'get',
      '/map/projects',
      '一张图',
      '一张图（全省）：已纳入项目按区划上图，按最差亮灯着色，可按阶段、优先级、类别、部门筛选',
      { query: mapQuery },
      { status: 200, schema: r.provinceMapSchema, description: '全省一张图' },
    ),
    async (c) => c.json(await approvalMap.provinceMap(ctxOf(c), c.req.valid('query')), 200),
  );
  app.openapi(
    op(
      'get',
      '/map/projects/{projectId}',
      '一张图',
      '一张图（项目）：四个阶段、各阶段事项按部门分组，含合作省份的审批结果',
      { params: s.projectIdParam },
      { status: 200, schema: r.projectMapSchema, description: '项目一张图' },
    ),
    async (c) => c.json(await approvalMap.projectMap(ctxOf(c), c.req.valid('param').projectId), 200),
  );
  app.openapi(
    op(
      'get',
      '/divisions',
      '一张图',
      '本省行政区划代码（地市、区县），供项目登记选择',
      {},
      { status: 200, schema: r.divisionsSchema, description: '区划清单' },
    ),
    async (c) => c.json({ province: services.deps.province.code, divisions: approvalMap.divisions() }, 200),
  );
}
