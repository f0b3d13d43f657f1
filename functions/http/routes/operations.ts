import { z } from '@hono/zod-openapi';
import { actorOf, ctxOf } from '../auth.js';
import { json, op } from '../openapi-route.js';
import * as r from '../response-schemas.js';
import type { RouteKit } from '../route-kit.js';
import * as s from '../schemas.js';

/** Routes for the signed-in user, the working calendar and the on-demand deadline sweep. */
export function mountOperationsRoutes({ app, services }: RouteKit): void {
  app.openapi(
    op(
      'get',
      '/me',
      '运维',
      '当前登录用户',
      {},
      { status: 200, schema: r.actorSchema, description: '当前用户' },
    ),
    async (c) => c.json(actorOf(c), 200),
  );

  // 日历
  app.openapi(
    op(
      'get',
      '/calendar',
      '日历',
      '工作日历覆盖的年份与已加载的节假日安排',
      {},
      { status: 200, schema: r.calendarCoverageSchema, description: '覆盖情况' },
    ),
    async (c) => c.json(await services.calendar.coverage(), 200),
  );
  app.openapi(
    op(
      'put',
      '/calendar/years/{year}',
      '日历',
      '加载某年节假日与调休安排（管理员），并重算暂定时限',
      {
        params: z.object({ year: z.coerce.number().int().min(2000).max(2100) }),
        body: { ...json(s.calendarYearBody), required: true },
      },
      { status: 200, schema: r.calendarLoadResultSchema, description: '已加载' },
    ),
    async (c) => {
      const { year } = c.req.valid('param');
      const body = c.req.valid('json');
      const loaded = await services.calendar.loadYear(ctxOf(c), { year, ...body });
      const recomputed = await services.cases.recomputeProvisional();
      return c.json({ ...loaded, recomputedCases: recomputed }, 200);
    },
  );

  // 运维
  app.openapi(
    op(
      'post',
      '/sweeps',
      '运维',
      '立即运行时限巡检（亮灯、容缺到期终止）',
      {},
      { status: 200, schema: r.sweepReportSchema, description: '巡检结果' },
    ),
    async (c) => c.json(await services.sweep(ctxOf(c)), 200),
  );
}
