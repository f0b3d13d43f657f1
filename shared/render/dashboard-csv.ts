import type { DashboardReport } from '../services/dashboard.js';
import type { Column } from './column.js';
import { toCsv } from './csv.js';
import { dispatchColumns } from './report-columns.js';

/** 工作台's tables as CSV, one table per file, like the other reports (ASCII file names). */

export const DASHBOARD_TABLES = ['lamps', 'counts', 'dispatch', 'bulletin', 'projects'] as const;
export type DashboardTable = (typeof DASHBOARD_TABLES)[number];

const pct = (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : '');

type Lamps = DashboardReport['departments'][number];
const lampColumns: Column<Lamps>[] = [
  { key: 'departmentName', headerZh: '部门' },
  { key: 'red', headerZh: '红灯（逾期）' },
  { key: 'yellow', headerZh: '黄灯（预警）' },
  { key: 'green', headerZh: '绿灯' },
  { key: 'open', headerZh: '未决事项合计' },
  { key: 'clockStopped', headerZh: '其中计时暂停' },
];

type Counts = DashboardReport['counts'] & { asOf: string };
const countColumns: Column<Counts>[] = [
  { key: 'asOf', headerZh: '统计日' },
  { key: 'overdueItems', headerZh: '逾期事项' },
  { key: 'atRiskItems', headerZh: '预警事项' },
  { key: 'forecastLate', headerZh: '预计逾期事项' },
  { key: 'forecastLateGreen', headerZh: '其中仍为绿灯' },
  { key: 'acceptanceOverdue', headerZh: '受理超期办件' },
];

type Bulletin = DashboardReport['bulletin']['rows'][number];
const bulletinColumns: Column<Bulletin>[] = [
  { key: 'departmentName', headerZh: '部门' },
  { key: 'decidedItems', headerZh: '审查决定事项' },
  { key: 'onTime', headerZh: '按时件数' },
  { key: 'late', headerZh: '超时件数' },
  { key: 'onTimeRate', headerZh: '按时办结率', format: pct },
  { key: 'recognised', headerZh: '互认件数' },
];

type Projects = DashboardReport['projects'];
const projectColumns: Column<Projects>[] = [
  { key: 'red', headerZh: '红灯项目' },
  { key: 'yellow', headerZh: '黄灯项目' },
  { key: 'green', headerZh: '绿灯项目' },
  { key: 'total', headerZh: '纳入项目合计' },
];

export function dashboardCsv(
  report: DashboardReport,
  table: DashboardTable,
): { body: string; fileName: string } {
  const suffix = `${report.province}-${report.asOf}`;
  switch (table) {
    case 'lamps':
      return { body: toCsv(report.departments, lampColumns), fileName: `dashboard-lamps-${suffix}.csv` };
    case 'counts':
      return {
        body: toCsv([{ ...report.counts, asOf: report.asOf }], countColumns),
        fileName: `dashboard-counts-${suffix}.csv`,
      };
    case 'dispatch':
      // the whole week's list lives on 周调度; here the rows the dashboard shows
      return {
        body: toCsv(report.dispatch.rows, dispatchColumns),
        fileName: `dashboard-dispatch-${suffix}.csv`,
      };
    case 'bulletin':
      return {
        body: toCsv(report.bulletin.rows, bulletinColumns),
        fileName: `dashboard-bulletin-${report.province}-${report.month}.csv`,
      };
    case 'projects':
      return { body: toCsv([report.projects], projectColumns), fileName: `dashboard-projects-${suffix}.csv` };
  }
}
