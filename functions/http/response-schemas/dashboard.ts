import { z } from '@hono/zod-openapi';
import { instant, isoDate } from './common.js';
import { dispatchRowSchema } from './reports.js';

/** 工作台 (JSON form). */

const count = z.number().int();

export const departmentLampsSchema = z
  .object({
    department: z.string(),
    departmentName: z.string(),
    green: count.openapi({ description: '绿灯的未决事项数' }),
    yellow: count.openapi({ description: '黄灯（预警）的未决事项数' }),
    red: count.openapi({ description: '红灯（逾期）的未决事项数' }),
    open: count.openapi({ description: '未决事项合计' }),
    clockStopped: count.openapi({ description: '其中计时暂停的（补正、容缺、特别程序）' }),
  })
  .openapi('DepartmentLamps', { description: '部门亮灯：审查中办件的未决事项按灯色计数' });

const bulletinFigures = {
  decidedItems: count.openapi({ description: '本月审查决定的事项数（不含互认）' }),
  onTime: count,
  late: count.openapi({ description: '超过承诺时限的件数' }),
  onTimeRate: z.number().nullable().openapi({ description: '按时办结率（0–1；无审查事项时为 null）' }),
  recognised: count.openapi({ description: '互认（不计时）的事项数' }),
};

export const dashboardBulletinRowSchema = z
  .object({ department: z.string(), departmentName: z.string(), ...bulletinFigures })
  .openapi('DashboardBulletinRow', { description: '本月通报：一个部门的按时办结情况' });

export const dashboardSchema = z
  .object({
    kind: z.literal('dashboard'),
    province: z.string().openapi({ description: '本省代码' }),
    provinceName: z.string(),
    generatedAt: instant.openapi({ description: '生成时间' }),
    asOf: isoDate.openapi({ description: '统计日' }),
    month: z.string().openapi({ description: '本月 YYYY-MM（月通报口径）' }),
    departments: z.array(departmentLampsSchema),
    counts: z
      .object({
        overdueItems: count.openapi({ description: '逾期（红灯）的未决事项' }),
        atRiskItems: count.openapi({ description: '预警（黄灯）的未决事项' }),
        forecastLate: count.openapi({ description: '风险预警预计逾期的未决事项' }),
        forecastLateGreen: count.openapi({ description: '其中仍为绿灯的' }),
        acceptanceOverdue: count.openapi({ description: '受理超期的办件' }),
      })
      .openapi('DashboardCounts'),
    dispatch: z
      .object({
        total: count.openapi({ description: '本周调度清单的行数' }),
        red: count,
        yellow: count,
        rows: z.array(dispatchRowSchema).openapi({ description: '清单前几行（最紧急的在前）' }),
      })
      .openapi('DashboardDispatch'),
    bulletin: z
      .object({
        month: z.string(),
        rows: z.array(dashboardBulletinRowSchema),
        total: z.object(bulletinFigures),
      })
      .openapi('DashboardBulletin'),
    projects: z
      .object({ green: count, yellow: count, red: count, total: count })
      .openapi('DashboardProjectLamps', { description: '纳入项目按最差灯色计数（与一张图一致）' }),
  })
  .openapi('Dashboard', { description: '工作台：督办人员的首页' });
