/**
 * The columns and fact lists of the three reports (周调度, 月通报, 年度评估) as people read them.
 */

import type { ForecastRow } from '../domain/forecast.js';
import type { BudgetWatchRow } from '../domain/project-budget.js';
import {
  type DispatchRow,
  type Evaluation,
  type MonthlyBulletin,
  shanghaiDateTime,
} from '../domain/reports.js';
import { type Column, LAMP_NAMES_ZH, valueText } from './column.js';

export const pct = (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : '—');
export const num = (v: unknown) => (typeof v === 'number' ? String(v) : '—');
const ESCALATION_ROLE_ZH: Record<string, string> = {
  reviewer: '审查人员',
  departmentLead: '部门负责人',
  firstReceiver: '首接负责人',
  workingGroup: '专项工作组',
  chairLeader: '分管领导',
};

export const forecastLateColumns: Column<ForecastRow>[] = [
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

export const budgetColumns: Column<BudgetWatchRow>[] = [
  { key: 'lamp', headerZh: '灯色', lamp: true, format: (v) => LAMP_NAMES_ZH[String(v)] ?? valueText(v) },
  { key: 'projectId', headerZh: '项目代码' },
  { key: 'projectName', headerZh: '项目名称' },
  { key: 'budgetDays', headerZh: '全流程审批时间（工作日）', numeric: true },
  { key: 'usedDays', headerZh: '已用工作日', numeric: true },
  { key: 'leftDays', headerZh: '剩余工作日', numeric: true },
  { key: 'overrunDays', headerZh: '超出工作日', numeric: true },
];

export const dispatchColumns: Column<DispatchRow>[] = [
  { key: 'lamp', headerZh: '灯色', lamp: true, format: (v) => LAMP_NAMES_ZH[String(v)] ?? valueText(v) },
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

export type BulletinCsvRow = MonthlyBulletin['byDepartment'][number] & { groupZh: string };
export const bulletinColumns: Column<BulletinCsvRow>[] = [
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

export interface FactRow {
  sectionZh: string;
  metricZh: string;
  value: string;
}
export const factColumns: Column<FactRow>[] = [
  { key: 'sectionZh', headerZh: '类别' },
  { key: 'metricZh', headerZh: '指标' },
  { key: 'value', headerZh: '数值' },
];

export function evaluationFacts(e: Evaluation): { sectionZh: string; facts: [string, string][] }[] {
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
