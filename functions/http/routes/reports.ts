import { type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { renderReport } from '../../../shared/render/report.js';
import type { Report, ReportService } from '../../../shared/services/reports.js';
import { type AppEnv, ctxOf } from '../auth.js';
import { op } from '../openapi-route.js';
import * as r from '../response-schemas.js';

const format = z.enum(['json', 'csv', 'html']).default('json').openapi({
  description:
    '输出格式：json（默认）；csv（Excel 可直接打开的 UTF-8 表格，作为附件下载）；html（可打印页面）',
});

const weeklyQuery = z.object({
  format,
  asOf: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
    .optional()
    .openapi({ description: '统计日（默认今天，北京时间）', example: '2026-03-02' }),
});
const monthlyQuery = z.object({
  format,
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM')
    .openapi({ description: '通报月份（按审批决定日期，北京时间）', example: '2026-03' }),
});
const annualQuery = z.object({
  format,
  year: z.coerce.number().int().min(2000).max(2100).openapi({ description: '评估年度', example: 2025 }),
});

const downloads = {
  'text/csv': {
    schema: z.string().openapi({ description: 'CSV（RFC 4180，UTF-8 带 BOM，CRLF 换行），附件下载' }),
  },
  'text/html': { schema: z.string().openapi({ description: '可打印的 HTML 页面（A4 横向）' }) },
};

/** The JSON answer is documented by op(); CSV and HTML are the same report for people. */
function withDownloads<R extends { responses: { 200: { content: object; description: string } } }>(route: R) {
  const ok = route.responses[200];
  return {
    ...route,
    responses: { ...route.responses, 200: { ...ok, content: { ...ok.content, ...downloads } } },
  };
}

/**
 * The JSON form of a report, its body checked at compile time against the route's schema: a route
 * that also answers CSV and HTML accepts any Response from its handler, so the check is made here.
 */
function jsonReport<S extends z.ZodType>(c: Context<AppEnv>, _schema: S, report: z.output<S>) {
  return c.json(report, 200);
}

/** 督办通报: the weekly dispatch list, the monthly bulletin and the annual evaluation. */
export function mountReportRoutes(app: OpenAPIHono<AppEnv>, services: { reports: ReportService }): void {
  const { reports } = services;
  const download = (c: Context<AppEnv>, report: Report, fmt: 'csv' | 'html') => {
    const out = renderReport(report, fmt);
    return c.body(out.body, 200, {
      'content-type': out.contentType,
      'cache-control': 'no-store',
      ...(fmt === 'csv' ? { 'content-disposition': `attachment; filename="${out.fileName}"` } : {}),
    });
  };

  app.openapi(
    withDownloads(
      op(
        'get',
        '/reports/weekly-dispatch',
        '督办通报',
        '周调度督办清单：逾期（红灯）与预警（黄灯）事项、受理超期办件及其督办升级记录',
        { query: weeklyQuery },
        {
          status: 200,
          schema: r.weeklyDispatchSchema,
          description: '周调度清单（红灯在前，按逾期工作日降序）',
        },
      ),
    ),
    async (c) => {
      const { format: fmt, asOf } = c.req.valid('query');
      const report = await reports.weeklyDispatch(ctxOf(c), asOf);
      return fmt === 'json' ? jsonReport(c, r.weeklyDispatchSchema, report) : download(c, report, fmt);
    },
  );

  app.openapi(
    withDownloads(
      op(
        'get',
        '/reports/monthly-bulletin',
        '督办通报',
        '月通报：按部门、按事项的办件数、按时办结率、平均用时与承诺/法定时限、超时数、满意度与排名',
        { query: monthlyQuery },
        { status: 200, schema: r.monthlyBulletinSchema, description: '月通报' },
      ),
    ),
    async (c) => {
      const { format: fmt, month } = c.req.valid('query');
      const report = await reports.monthlyBulletin(ctxOf(c), month);
      return fmt === 'json' ? jsonReport(c, r.monthlyBulletinSchema, report) : download(c, report, fmt);
    },
  );

  app.openapi(
    withDownloads(
      op(
        'get',
        '/reports/annual-evaluation',
        '督办通报',
        '年度第三方评估数据：办理时效、服务质量（满意度、投诉）、廉政风险与审计记录校验',
        { query: annualQuery },
        { status: 200, schema: r.annualEvaluationSchema, description: '年度评估数据' },
      ),
    ),
    async (c) => {
      const { format: fmt, year } = c.req.valid('query');
      const report = await reports.annualEvaluation(ctxOf(c), year);
      return fmt === 'json' ? jsonReport(c, r.annualEvaluationSchema, report) : download(c, report, fmt);
    },
  );
}
