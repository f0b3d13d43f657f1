import { type OpenAPIHono, z } from '@hono/zod-openapi';
import { DASHBOARD_TABLES, dashboardCsv } from '../../../shared/render/dashboard-csv.js';
import type { DashboardService } from '../../../shared/services/dashboard.js';
import { type AppEnv, ctxOf } from '../auth.js';
import { op } from '../openapi-route.js';
import * as r from '../response-schemas/dashboard.js';

const query = z.object({
  format: z.enum(['json', 'csv']).default('json').openapi({
    description: '输出格式：json（默认）；csv（Excel 可直接打开的 UTF-8 表格，由 table 选择哪一张表）',
  }),
  table: z.enum(DASHBOARD_TABLES).default('lamps').openapi({
    description:
      'CSV 的表：lamps 部门亮灯；counts 逾期与预警计数；dispatch 本周调度前几行；bulletin 本月各部门按时办结率；projects 项目灯色计数',
  }),
});

/** 工作台 for report readers. */
export function mountDashboardRoutes(
  app: OpenAPIHono<AppEnv>,
  services: { dashboard: DashboardService },
): void {
  const { dashboard } = services;
  const route = op(
    'get',
    '/reports/dashboard',
    '督办通报',
    '工作台：各部门亮灯、逾期与预计逾期计数、受理超期、本周调度前几行、本月各部门按时办结率、项目灯色计数（一张图入口）',
    { query },
    { status: 200, schema: r.dashboardSchema, description: '工作台' },
  );
  app.openapi(
    {
      ...route,
      responses: {
        ...route.responses,
        200: {
          ...route.responses[200],
          content: {
            ...route.responses[200].content,
            'text/csv': {
              schema: z
                .string()
                .openapi({ description: 'CSV（RFC 4180，UTF-8 带 BOM，CRLF 换行），附件下载' }),
            },
          },
        },
      },
    },
    async (c) => {
      const { format, table } = c.req.valid('query');
      const report = await dashboard.dashboard(ctxOf(c));
      if (format === 'csv') {
        const out = dashboardCsv(report, table);
        return c.body(out.body, 200, {
          'content-type': 'text/csv; charset=utf-8',
          'cache-control': 'no-store',
          'content-disposition': `attachment; filename="${out.fileName}"`,
        });
      }
      const body: z.output<typeof r.dashboardSchema> = report;
      return c.json(body, 200);
    },
  );
}
