/**
 * The three reports as a CSV download or a printable HTML page.
 */

import type { Report } from '../services/reports.js';
import { toCsv } from './csv.js';
import { type HtmlSection, toHtml } from './html.js';
import {
  type BulletinCsvRow,
  budgetColumns,
  bulletinColumns,
  dispatchColumns,
  evaluationFacts,
  type FactRow,
  factColumns,
  forecastLateColumns,
  pct,
} from './report-columns.js';

export type ReportFormat = 'csv' | 'html';

export interface RenderedReport {
  contentType: string;
  /** ASCII only, for Content-Disposition */
  fileName: string;
  body: string;
}

const OFF_HOURS_REASON_ZH = { nonWorkingDay: '非工作日', outsideHours: '工作时间（8:30–17:30）以外' };

/** A report as a CSV download or a printable page. */
export function renderReport(report: Report, format: ReportFormat): RenderedReport {
  const { title, fileBase, csv, sections, subtitle } = layout(report);
  if (format === 'csv') {
    return { contentType: 'text/csv; charset=utf-8', fileName: `${fileBase}.csv`, body: csv() };
  }
  return {
    contentType: 'text/html; charset=utf-8',
    fileName: `${fileBase}.html`,
    body: toHtml(title, sections, { generatedAt: report.generatedAt, subtitleZh: subtitle }),
  };
}

function layout(report: Report) {
  const prov = report.province.toLowerCase();
  switch (report.kind) {
    case 'weeklyDispatch':
      return {
        title: `${report.provinceName}工程建设项目绿色通道周调度督办清单`,
        subtitle: `统计日：${report.asOf}　红灯 ${report.red} 项，黄灯 ${report.yellow} 项`,
        fileBase: `weekly-dispatch-${prov}-${report.asOf}`,
        csv: () => toCsv(report.rows, dispatchColumns),
        sections: [
          {
            kind: 'table',
            headingZh: '逾期与预警事项（红灯在前，按逾期工作日降序）',
            columns: dispatchColumns,
            rows: report.rows,
            emptyZh: '无逾期或预警事项',
          },
          ...(report.projects
            ? [
                {
                  kind: 'table' as const,
                  headingZh: '全流程审批时间超出或临近预算的项目（国办发〔2019〕11号）',
                  columns: budgetColumns,
                  rows: report.projects,
                  emptyZh: '无超出或临近全流程审批时间的项目',
                },
              ]
            : []),
          ...(report.forecastLate
            ? [
                {
                  kind: 'table' as const,
                  headingZh: '预计逾期事项（尚为绿灯，按本部门同类事项历史预测）',
                  columns: forecastLateColumns,
                  rows: report.forecastLate,
                  emptyZh: '无预计逾期的绿灯事项',
                },
              ]
            : []),
        ] satisfies HtmlSection[],
      };
    case 'monthlyBulletin': {
      const rows: BulletinCsvRow[] = [
        ...report.byDepartment.map((r) => ({ ...r, groupZh: '按部门' })),
        ...report.byItem.map((r) => ({ ...r, groupZh: '按事项' })),
      ];
      const note =
        '按时办结：用时（工作日，扣除补正、容缺等待与特别程序）不超过承诺时限；互认事项单列，不计入时效。';
      return {
        title: `${report.provinceName}工程建设项目绿色通道审批情况月通报（${report.month}）`,
        subtitle: `办结事项 ${report.total.decidedItems} 项，按时办结率 ${pct(report.total.onTimeRate)}`,
        fileBase: `monthly-bulletin-${prov}-${report.month}`,
        csv: () => toCsv(rows, bulletinColumns),
        sections: [
          {
            kind: 'table',
            headingZh: '一、按部门',
            noteZh: note,
            columns: bulletinColumns.filter((c) => c.key !== 'groupZh' && c.key !== 'departmentName'),
            rows: report.byDepartment,
            emptyZh: '本月无办结事项',
          },
          {
            kind: 'table',
            headingZh: '二、按审批事项',
            columns: bulletinColumns.filter((c) => c.key !== 'groupZh'),
            rows: report.byItem,
            emptyZh: '本月无办结事项',
          },
        ] satisfies HtmlSection[],
      };
    }
    case 'annualEvaluation': {
      const groups = evaluationFacts(report);
      const offHours = report.integrityRisk.decisionsOutsideWorkingHours.decisions.map((d) => ({
        ...d,
        reasonZh: OFF_HOURS_REASON_ZH[d.reason],
      }));
      const orgs = report.integrityRisk.repeatedDeficiencyWithoutSupplement.organisations.map((o) => ({
        ...o,
        cases: o.caseIds.join('、'),
      }));
      const factRows: FactRow[] = [
        ...groups.flatMap((g) =>
          g.facts.map(([metricZh, value]) => ({ sectionZh: g.sectionZh, metricZh, value })),
        ),
        ...offHours.map((d) => ({
          sectionZh: '附表一：非工作时间作出的审批决定',
          metricZh: `${d.caseId} ${d.itemCode}（${d.department}，${d.by}）`,
          value: `${d.localTime} ${d.reasonZh}`,
        })),
        ...orgs.map((o) => ({
          sectionZh: '附表二：多次容缺未补正的单位',
          metricZh: `${o.creditCode}${o.name ? ` ${o.name}` : ''}`,
          value: `信用记录${o.marks}次（本年度${o.marksInYear}次）：${o.cases}`,
        })),
      ];
      return {
        title: `${report.provinceName}工程建设项目绿色通道${report.year}年度第三方评估数据`,
        subtitle: `评估年度：${report.year}`,
        fileBase: `annual-evaluation-${prov}-${report.year}`,
        csv: () => toCsv(factRows, factColumns),
        sections: [
          ...groups.map((g): HtmlSection => ({ kind: 'facts', headingZh: g.sectionZh, facts: g.facts })),
          {
            kind: 'table',
            headingZh: '附表一：非工作时间作出的审批决定',
            columns: [
              { key: 'caseId', headerZh: '办件编号' },
              { key: 'itemCode', headerZh: '事项代码' },
              { key: 'department', headerZh: '部门' },
              { key: 'by', headerZh: '决定人' },
              { key: 'localTime', headerZh: '决定时间（北京时间）' },
              { key: 'reasonZh', headerZh: '情形' },
            ],
            rows: offHours,
            emptyZh: '无',
          },
          {
            kind: 'table',
            headingZh: '附表二：多次容缺未补正的单位',
            columns: [
              { key: 'creditCode', headerZh: '统一社会信用代码' },
              { key: 'name', headerZh: '单位名称' },
              { key: 'marks', headerZh: '信用记录次数' },
              { key: 'marksInYear', headerZh: '本年度次数' },
              { key: 'cases', headerZh: '相关办件' },
            ],
            rows: orgs,
            emptyZh: '无',
          },
        ] satisfies HtmlSection[],
      };
    }
  }
}
