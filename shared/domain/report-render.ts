/**
 * Rendering of reports for people: CSV that Excel opens with Chinese intact (RFC 4180 quoting, UTF-8
 * byte order mark, CRLF) and a self-contained, printable HTML page in Chinese (A4 landscape, no
 * external assets, every text escaped). Pure: the caller passes the generation time.
 */

import type { ForecastRow } from './forecast.js';
import type { Instant } from './model.js';
import type { BudgetWatchRow } from './project-budget.js';
import { type DispatchRow, type Evaluation, type MonthlyBulletin, shanghaiDateTime } from './reports.js';

export interface Column<R> {
  key: keyof R & string;
  headerZh: string;
  /** text of the cell; default: the value as text ('' for null and undefined) */
  format?: (value: unknown, row: R) => string;
  /** the cell is a lamp: coloured in HTML */
  lamp?: boolean;
  /** numbers are right-aligned in HTML */
  numeric?: boolean;
}

const BOM = '\uFEFF';

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

function cellText<R>(row: R, col: Column<R>): string {
  const value = row[col.key];
  return col.format ? col.format(value, row) : text(value);
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, quotes doubled. Text that
 * a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe; numbers do not.
 */
export function csvField(value: string, isNumber = false): string {
  const safe = !isNumber && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv<R>(rows: readonly R[], columns: readonly Column<R>[]): string {
  const lines = [columns.map((c) => csvField(c.headerZh)).join(',')];
  for (const row of rows) {
    lines.push(
      columns.map((c) => csvField(cellText(row, c), !c.format && typeof row[c.key] === 'number')).join(','),
    );
  }
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export const LAMP_NAMES_ZH: Readonly<Record<string, string>> = {
  red: '红灯（逾期）',
  yellow: '黄灯（预警）',
  green: '绿灯',
};

export type HtmlSection =
  | {
      kind: 'table';
      headingZh: string;
      noteZh?: string;
      // biome-ignore lint/suspicious/noExplicitAny: rows of any report shape, typed by their columns
      columns: readonly Column<any>[];
      rows: readonly unknown[];
      emptyZh?: string;
    }
  | { kind: 'facts'; headingZh: string; noteZh?: string; facts: readonly [string, string][] };

const STYLE = `
@page { size: A4 landscape; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", SimSun, sans-serif;
  font-size: 10.5pt; color: #111; margin: 16px; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 4px; }
h2 { font-size: 13pt; margin: 18px 0 6px; border-left: 4px solid #b40000; padding-left: 6px; }
.meta { text-align: center; color: #444; margin-bottom: 12px; }
.note { color: #444; margin: 2px 0 6px; }
table { border-collapse: collapse; width: 100%; margin-bottom: 8px; }
th, td { border: 1px solid #333; padding: 3px 5px; vertical-align: top; }
th { background: #eee; font-weight: bold; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.empty { text-align: center; color: #666; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
.lamp-red { background: #f8d0d0; color: #900; font-weight: bold; }
.lamp-yellow { background: #fff1b8; color: #7a5a00; font-weight: bold; }
.lamp-green { background: #d8f0d8; color: #14621a; }
table.facts th { width: 40%; text-align: left; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media print { body { margin: 0; } }
`;

function tableHtml(s: Extract<HtmlSection, { kind: 'table' }>): string {
  const head = s.columns.map((c) => `<th>${escapeHtml(c.headerZh)}</th>`).join('');
  const body =
    s.rows.length === 0
      ? `<tr><td class="empty" colspan="${s.columns.length}">${escapeHtml(s.emptyZh ?? '无')}</td></tr>`
      : s.rows
          .map((row) => {
            const cells = s.columns.map((c) => {
              const raw = (row as Record<string, unknown>)[c.key];
              if (c.lamp && typeof raw === 'string') {
                return `<td class="lamp-${escapeHtml(raw)}">${escapeHtml(LAMP_NAMES_ZH[raw] ?? raw)}</td>`;
              }
              const numeric = c.numeric || (!c.format && typeof raw === 'number');
              return `<td${numeric ? ' class="num"' : ''}>${escapeHtml(cellText(row, c)).replace(/\n/g, '<br>')}</td>`;
            });
            return `<tr>${cells.join('')}</tr>`;
          })
          .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function factsHtml(s: Extract<HtmlSection, { kind: 'facts' }>): string {
  const rows = s.facts.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`);
  return `<table class="facts"><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

/** A printable, self-contained HTML page in Chinese. */
export function toHtml(
  titleZh: string,
  sections: readonly HtmlSection[],
  options: { generatedAt?: Instant; subtitleZh?: string } = {},
): string {
  const meta = [
    options.subtitleZh,
    options.generatedAt ? `生成时间：${shanghaiDateTime(options.generatedAt)}（北京时间）` : undefined,
  ].filter((x): x is string => !!x);
  const parts = sections.map((s) => {
    const note = s.noteZh ? `<p class="note">${escapeHtml(s.noteZh)}</p>` : '';
    return `<section>\n<h2>${escapeHtml(s.headingZh)}</h2>\n${note}${s.kind === 'table' ? tableHtml(s) : factsHtml(s)}\n</section>`;
  });
  return [
    '<!DOCTYPE html>',
    '<html lang="zh-CN">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(titleZh)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(titleZh)}</h1>`,
    ...meta.map((m) => `<p class="meta">${escapeHtml(m)}</p>`),
    ...parts,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

// ------------------------------------------------------------------------------------------------
// the three reports as people read them

export type ReportFormat = 'csv' | 'html';

export interface RenderedReport {
  contentType: string;
  /** ASCII only, for Content-Disposition */
  fileName: string;
  body: string;
}

export interface WeeklyDispatchReport {
  kind: 'weeklyDispatch';
  province: string;
  provinceName: string;
  asOf: string;
  generatedAt: Instant;
  red: number;
  yellow: number;
  rows: DispatchRow[];
  /** projects over or near their 全流程审批时间 (project-budget.ts) */
  projects?: BudgetWatchRow[];
  /** 风险预警: items still green that the forecast expects to run late (forecast.ts) */
  forecastLate?: ForecastRow[];
}

export interface MonthlyBulletinReport extends MonthlyBulletin {
  kind: 'monthlyBulletin';
  province: string;
  provinceName: string;
  generatedAt: Instant;
}

export interface AnnualEvaluationReport extends Evaluation {
  kind: 'annualEvaluation';
  province: string;
  provinceName: string;
  generatedAt: Instant;
}

export type Report = WeeklyDispatchReport | MonthlyBulletinReport | AnnualEvaluationReport;

const pct = (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : '—');
const num = (v: unknown) => (typeof v === 'number' ? String(v) : '—');
const ESCALATION_ROLE_ZH: Record<string, string> = {
  reviewer: '审查人员',
  departmentLead: '部门负责人',
  firstReceiver: '首接负责人',
  workingGroup: '专项工作组',
  chairLeader: '分管领导',
};

const forecastLateColumns: Column<ForecastRow>[] = [
  { key: 'caseId', headerZh: '办件编号' },
  { key: 'projectName', headerZh: '项目名称' },
  { key: 'itemName', headerZh: '审批事项' },
  { key: 'departmentName', headerZh: '承办部门' },
  { key: 'dueDate', headerZh: '承诺办结日' },
  { key: 'daysUsed', headerZh: '已用工作日', numeric: true },
  { key: 'promisedDays', headerZh: '承诺时限', numeric: true },
  { key: 'probability', headerZh: '超时概率', numeric: true, format: pct },
  { key: 'reasonZh', headerZh: '理由' },
];

const budgetColumns: Column<BudgetWatchRow>[] = [
  { key: 'lamp', headerZh: '灯色', lamp: true, format: (v) => LAMP_NAMES_ZH[String(v)] ?? text(v) },
  { key: 'projectId', headerZh: '项目代码' },
  { key: 'projectName', headerZh: '项目名称' },
  { key: 'budgetDays', headerZh: '全流程审批时间（工作日）', numeric: true },
  { key: 'usedDays', headerZh: '已用工作日', numeric: true },
  { key: 'leftDays', headerZh: '剩余工作日', numeric: true },
  { key: 'overrunDays', headerZh: '超出工作日', numeric: true },
];

export const dispatchColumns: Column<DispatchRow>[] = [
  { key: 'lamp', headerZh: '灯色', lamp: true, format: (v) => LAMP_NAMES_ZH[String(v)] ?? text(v) },
  { key: 'caseId', headerZh: '办件编号' },
  { key: 'projectCode', headerZh: '项目代码' },
  { key: 'projectName', headerZh: '项目名称' },
  { key: 'stageNameZh', headerZh: '阶段' },
  { key: 'itemName', headerZh: '审批事项' },
  { key: 'departmentName', headerZh: '承办部门' },
  { key: 'firstReceiver', headerZh: '首接负责单位' },
  { key: 'dueDate', headerZh: '承诺办结日' },
  { key: 'daysOver', headerZh: '逾期工作日' },
  { key: 'remainingDays', headerZh: '剩余工作日' },
  { key: 'clockStopped', headerZh: '计时暂停' },
  { key: 'escalationLevel', headerZh: '督办升级级别' },
  {
    key: 'history',
    headerZh: '督办记录',
    format: (_v, r) =>
      r.history
        .map(
          (e) =>
            `${e.level}级 ${e.nameZh || ESCALATION_ROLE_ZH[e.role] || e.role}（${e.recipients?.map((r) => r.nameZh).join('、') || e.address}）${shanghaiDateTime(e.at)} 逾期${e.overdueDays}日`,
        )
        .join('\n'),
  },
];

type BulletinCsvRow = MonthlyBulletin['byDepartment'][number] & { groupZh: string };
const bulletinColumns: Column<BulletinCsvRow>[] = [
  { key: 'groupZh', headerZh: '统计口径' },
  { key: 'rank', headerZh: '排名' },
  { key: 'code', headerZh: '代码' },
  { key: 'nameZh', headerZh: '名称' },
  { key: 'departmentName', headerZh: '所属部门' },
  { key: 'casesHandled', headerZh: '办件数' },
  { key: 'decidedItems', headerZh: '办结事项数' },
  { key: 'approved', headerZh: '批准' },
  { key: 'rejected', headerZh: '不予批准' },
  { key: 'onTime', headerZh: '按时办结' },
  { key: 'overdue', headerZh: '超时办结' },
  { key: 'onTimeRate', headerZh: '按时办结率', format: pct, numeric: true },
  { key: 'avgDaysUsed', headerZh: '平均用时（工作日）', format: num, numeric: true },
  { key: 'avgPromisedDays', headerZh: '平均承诺时限', format: num, numeric: true },
  { key: 'avgStatutoryDays', headerZh: '平均法定时限', format: num, numeric: true },
  { key: 'satisfactionAvg', headerZh: '满意度（1–5）', format: num, numeric: true },
  { key: 'satisfactionCount', headerZh: '评价数' },
  { key: 'recognised', headerZh: '互认事项数' },
];

interface FactRow {
  sectionZh: string;
  metricZh: string;
  value: string;
}
const factColumns: Column<FactRow>[] = [
  { key: 'sectionZh', headerZh: '类别' },
  { key: 'metricZh', headerZh: '指标' },
  { key: 'value', headerZh: '数值' },
];

function evaluationFacts(e: Evaluation): { sectionZh: string; facts: [string, string][] }[] {
  const t = e.timeliness;
  const s = e.serviceQuality.satisfaction;
  const c = e.serviceQuality.complaints;
  const r = e.integrityRisk;
  return [
    {
      sectionZh: '一、办理时效',
      facts: [
        ['评估范围内办件数', String(e.scope.cases)],
        ['办结事项数（不含互认）', String(t.decidedItems)],
        ['按时办结 / 超时办结', `${t.onTime} / ${t.overdue}`],
        ['按时办结率', pct(t.onTimeRate)],
        ['平均用时（工作日）', num(t.avgDaysUsed)],
        ['平均承诺时限（工作日）', num(t.avgPromisedDays)],
        ['平均法定时限（工作日）', num(t.avgStatutoryDays)],
        ['较法定时限压缩比例', pct(t.compressionRatio)],
        ['较法定时限节省工作日合计', String(t.workingDaysSavedVsStatutory)],
        ['互认事项数（不计入时效）', String(t.recognised)],
      ],
    },
    {
      sectionZh: '二、服务质量',
      facts: [
        ['本年办结办件数', String(s.closedCases)],
        ['评价数 / 回访响应率', `${s.responses} / ${pct(s.responseRate)}`],
        ['平均满意度（1–5）', num(s.average)],
        [
          '满意度分布（1–5分）',
          (['1', '2', '3', '4', '5'] as const).map((k) => `${k}分：${s.distribution[k]}`).join('；'),
        ],
        ['投诉件数 / 已办结 / 未办结', `${c.filed} / ${c.closed} / ${c.open}`],
        ['投诉平均办结用时（工作日）', num(c.avgWorkingDaysToClose)],
      ],
    },
    {
      sectionZh: '三、廉政风险',
      facts: [
        ['非工作时间作出的审批决定', String(r.decisionsOutsideWorkingHours.count)],
        ['多次容缺未补正的单位（信用记录≥2次）', String(r.repeatedDeficiencyWithoutSupplement.count)],
        [
          `频繁转办（同一事项年内转办超过 ${r.frequentReassignment.threshold} 次）`,
          r.frequentReassignment.items.length === 0
            ? '0'
            : r.frequentReassignment.items
                .map((i) => `${i.caseId}/${i.itemCode}：${i.reassignments} 次`)
                .join('；'),
        ],
        [
          '撤销的审批决定（决定反转）',
          r.reversedDecisions.decisions.length === 0
            ? '0'
            : r.reversedDecisions.decisions.map((d) => `${d.caseId}/${d.itemCode}：${d.reasonZh}`).join('；'),
        ],
      ],
    },
    {
      sectionZh: '四、审计记录校验',
      facts: [
        ['校验办件数', String(e.auditTrail.casesChecked)],
        ['哈希链完整', String(e.auditTrail.valid)],
        [
          '哈希链断裂',
          e.auditTrail.broken.length === 0
            ? '0'
            : e.auditTrail.broken.map((b) => `${b.caseId}（第${b.firstBrokenSeq ?? '?'}条起）`).join('；'),
        ],
      ],
    },
  ];
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
