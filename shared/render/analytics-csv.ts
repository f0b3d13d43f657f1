import type { HeadlineFigures } from '../domain/analytics.js';
import type { AnalyticsReport, ForecastReport } from '../services/analytics.js';
import { type Column, LAMP_NAMES_ZH } from './column.js';
import { toCsv } from './csv.js';

/**
 * 卡点分析 and 风险预警 as CSV, one table per file, the way the other reports download (ASCII file
 * names: they travel in a header).
 */

const pct = (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : '');
const num = (v: unknown) => (typeof v === 'number' ? String(v) : '');

export const ANALYTICS_TABLES = ['heatmap', 'heatmapByMonth', 'departments', 'trend', 'headline'] as const;
export const FORECAST_TABLES = ['forecast', 'backtest'] as const;

const STEP_ZH: Record<string, string> = {
  acceptanceWait: '受理等待',
  review: '审查',
  correction: '补正',
  deficiency: '容缺等待',
  specialProcedure: '特别程序',
};
const BASIS_ZH: Record<string, string> = {
  department: '本部门同类事项',
  item: '全省同类事项',
  prior: '默认先验',
};

type Cell = AnalyticsReport['heatmap']['byItem'][number];
const cellColumns = (keyZh: string): Column<Cell>[] => [
  { key: 'departmentName', headerZh: '部门' },
  { key: 'keyName', headerZh: keyZh },
  { key: 'count', headerZh: '审查件数' },
  { key: 'late', headerZh: '超时件数' },
  { key: 'avgUsedRatio', headerZh: '用时/承诺时限', format: pct },
  { key: 'avgDaysUsed', headerZh: '平均用时（工作日）', format: num },
  { key: 'avgPromisedDays', headerZh: '平均承诺时限', format: num },
  { key: 'recognised', headerZh: '互认件数' },
];

type Step = AnalyticsReport['departments'][number];
const stepColumns: Column<Step>[] = [
  { key: 'departmentName', headerZh: '部门' },
  { key: 'items', headerZh: '审查件数' },
  { key: 'avgAcceptanceWaitDays', headerZh: '平均受理等待（工作日）', format: num },
  { key: 'avgReviewDays', headerZh: '平均审查用时（工作日）', format: num },
  { key: 'correctionRounds', headerZh: '补正次数' },
  { key: 'correctionStoppedDays', headerZh: '补正暂停（工作日）' },
  { key: 'deficiencyStops', headerZh: '容缺等待次数' },
  { key: 'deficiencyStoppedDays', headerZh: '容缺暂停（工作日）' },
  { key: 'specialProcedureStops', headerZh: '特别程序次数' },
  { key: 'specialProcedureStoppedDays', headerZh: '特别程序暂停（工作日）' },
  { key: 'avgStoppedDays', headerZh: '平均暂停（工作日）', format: num },
  { key: 'slowestStep', headerZh: '最慢环节', format: (v) => STEP_ZH[String(v)] ?? '' },
];

type Trend = AnalyticsReport['trend'][number];
const trendColumns: Column<Trend>[] = [
  { key: 'month', headerZh: '月份' },
  { key: 'decidedItems', headerZh: '审查件数' },
  { key: 'onTime', headerZh: '按时件数' },
  { key: 'onTimeRate', headerZh: '按时办结率', format: pct },
  { key: 'avgDaysUsed', headerZh: '平均用时（工作日）', format: num },
  { key: 'satisfactionAvg', headerZh: '平均满意度', format: num },
  { key: 'satisfactionRate', headerZh: '满意率', format: pct },
  { key: 'satisfactionCount', headerZh: '评价数' },
];

const headlineColumns: Column<HeadlineFigures>[] = [
  { key: 'period', headerZh: '期间', format: (v) => (v === 'toDate' ? '累计至今' : `${String(v)}年`) },
  { key: 'projectsAdmitted', headerZh: '纳入项目数' },
  { key: 'projectsWithCases', headerZh: '申报项目数' },
  { key: 'reviewedItems', headerZh: '审查事项数' },
  { key: 'recognisedItems', headerZh: '互认事项数' },
  { key: 'daysSavedByReview', headerZh: '审查节省工作日' },
  { key: 'daysSavedByRecognition', headerZh: '互认节省工作日' },
  { key: 'workingDaysSaved', headerZh: '节省工作日合计' },
  { key: 'compressionRatio', headerZh: '压缩率', format: pct },
  { key: 'onTimeRate', headerZh: '按时办结率', format: pct },
  { key: 'satisfactionRate', headerZh: '满意率', format: pct },
  { key: 'satisfactionAvg', headerZh: '平均满意度', format: num },
];

type Row = ForecastReport['rows'][number];
const forecastColumns: Column<Row>[] = [
  { key: 'projectName', headerZh: '项目名称' },
  { key: 'caseId', headerZh: '办件编号' },
  { key: 'itemName', headerZh: '审批事项' },
  { key: 'departmentName', headerZh: '承办部门' },
  { key: 'lamp', headerZh: '灯色', format: (v) => LAMP_NAMES_ZH[String(v)] ?? '' },
  { key: 'daysUsed', headerZh: '已用工作日' },
  { key: 'promisedDays', headerZh: '承诺时限' },
  { key: 'dueDate', headerZh: '承诺办结日' },
  { key: 'probability', headerZh: '超时概率', format: pct },
  { key: 'forecastLate', headerZh: '预计逾期' },
  { key: 'basis', headerZh: '预测依据', format: (v) => BASIS_ZH[String(v)] ?? '' },
  { key: 'reasonZh', headerZh: '理由' },
];

type Backtest = ForecastReport['backtest'];
const backtestColumns: Column<Backtest>[] = [
  { key: 'count', headerZh: '回测事项数' },
  { key: 'truePositive', headerZh: '预测逾期且逾期' },
  { key: 'falsePositive', headerZh: '预测逾期但按时' },
  { key: 'falseNegative', headerZh: '未预测但逾期' },
  { key: 'trueNegative', headerZh: '未预测且按时' },
  { key: 'precision', headerZh: '精确率', format: pct },
  { key: 'recall', headerZh: '召回率', format: pct },
  { key: 'accuracy', headerZh: '准确率', format: pct },
  { key: 'threshold', headerZh: '概率阈值', format: pct },
  { key: 'checkpointZh', headerZh: '回测方法' },
];

export function analyticsCsv(
  report: AnalyticsReport,
  table: (typeof ANALYTICS_TABLES)[number],
): { body: string; fileName: string } {
  const period = `${report.province}-${report.from}-${report.to}`;
  switch (table) {
    case 'heatmap':
      return {
        body: toCsv(report.heatmap.byItem, cellColumns('审批事项')),
        fileName: `bottleneck-heatmap-${period}.csv`,
      };
    case 'heatmapByMonth':
      return {
        body: toCsv(report.heatmap.byMonth, cellColumns('月份')),
        fileName: `bottleneck-heatmap-monthly-${period}.csv`,
      };
    case 'departments':
      return {
        body: toCsv(report.departments, stepColumns),
        fileName: `bottleneck-departments-${period}.csv`,
      };
    case 'trend':
      return { body: toCsv(report.trend, trendColumns), fileName: `bottleneck-trend-${period}.csv` };
    case 'headline':
      return {
        body: toCsv(report.headline, headlineColumns),
        fileName: `headline-figures-${report.province}.csv`,
      };
  }
}

export function forecastCsv(
  report: ForecastReport,
  table: (typeof FORECAST_TABLES)[number],
): { body: string; fileName: string } {
  return table === 'forecast'
    ? {
        body: toCsv(report.rows, forecastColumns),
        fileName: `forecast-${report.province}-${report.asOf}.csv`,
      }
    : {
        body: toCsv([report.backtest], backtestColumns),
        fileName: `forecast-backtest-${report.province}-${report.asOf}.csv`,
      };
}
