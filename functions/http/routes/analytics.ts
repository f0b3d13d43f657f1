import { type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  ANALYTICS_TABLES,
  analyticsCsv,
  FORECAST_TABLES,
  forecastCsv,
} from '../../../shared/render/analytics-csv.js';
import type { AnalyticsService } from '../../../shared/services/analytics.js';
import { type AppEnv, ctxOf } from '../auth.js';
import { op } from '../openapi-route.js';
import * as r from '../response-schemas/analytics.js';

const format = z.enum(['json', 'csv']).default('json').openapi({
  description: '输出格式：json（默认）；csv（Excel 可直接打开的 UTF-8 表格，由 table 选择哪一张表）',
});
const month = (description: string) =>
  z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM')
    .optional()
    .openapi({ description, example: '2026-03' });

const analyticsQuery = z.object({
  format,
  table: z.enum(ANALYTICS_TABLES).default('heatmap').openapi({
    description:
      'CSV 的表：heatmap 部门×事项；heatmapByMonth 部门×月份；departments 环节用时；trend 月度趋势；headline 核心指标',
  }),
  year: z.coerce
    .number()
    .int()
    .min(2000)
    .max(2100)
    .optional()
    .openapi({ description: '统计年度（与 from/to 二选一；都缺省时为截至本月的近 12 个月）', example: 2026 }),
  from: month('起始月份（按审批决定日期，北京时间）'),
  to: month('截止月份'),
});
const forecastQuery = z.object({
  format,
  table: z
    .enum(FORECAST_TABLES)
    .default('forecast')
    .openapi({ description: 'CSV 的表：forecast 未决事项预测；backtest 回测准确率' }),
});

const csvDownload = {
  'text/csv': {
    schema: z.string().openapi({ description: 'CSV（RFC 4180，UTF-8 带 BOM，CRLF 换行），附件下载' }),
  },
};

function withCsv<R extends { responses: { 200: { content: object; description: string } } }>(route: R) {
  const ok = route.responses[200];
  return {
    ...route,
    responses: { ...route.responses, 200: { ...ok, content: { ...ok.content, ...csvDownload } } },
  };
}

function csv(c: Context<AppEnv>, out: { body: string; fileName: string }) {
  return c.body(out.body, 200, {
    'content-type': 'text/csv; charset=utf-8',
    'cache-control': 'no-store',
    'content-disposition': `attachment; filename="${out.fileName}"`,
  });
}

/** 卡点分析 and 风险预警 for report readers. */
export function mountAnalyticsRoutes(
  app: OpenAPIHono<AppEnv>,
  services: { analytics: AnalyticsService },
): void {
  const { analytics } = services;

  app.openapi(
    withCsv(
      op(
        'get',
        '/reports/analytics',
        '督办通报',
        '卡点分析：部门×事项（及×月份）用时热力图、各部门环节用时、按时办结率与满意度月度趋势、核心指标（按年度与累计）',
        { query: analyticsQuery },
        { status: 200, schema: r.analyticsSchema, description: '卡点分析' },
      ),
    ),
    async (c) => {
      const { format: fmt, table, year, from, to } = c.req.valid('query');
      const report = await analytics.analytics(ctxOf(c), {
        ...(year !== undefined ? { year } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
      });
      if (fmt === 'csv') return csv(c, analyticsCsv(report, table));
      const body: z.output<typeof r.analyticsSchema> = report;
      return c.json(body, 200);
    },
  );

  app.openapi(
    withCsv(
      op(
        'get',
        '/reports/forecast',
        '督办通报',
        '风险预警：按本部门同类事项历史预测每个未决事项是否会超过承诺时限（含尚为绿灯者），并给出对已办结事项的回测准确率',
        { query: forecastQuery },
        { status: 200, schema: r.forecastSchema, description: '风险预警与回测' },
      ),
    ),
    async (c) => {
      const { format: fmt, table } = c.req.valid('query');
      const report = await analytics.forecast(ctxOf(c));
      if (fmt === 'csv') return csv(c, forecastCsv(report, table));
      const body: z.output<typeof r.forecastSchema> = report;
      return c.json(body, 200);
    },
  );
}
