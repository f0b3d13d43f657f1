import { z } from '@hono/zod-openapi';
import { forecastRowSchema } from './analytics.js';
import { chainBreakSchema } from './cases.js';
import { escalationRecordSchema, instant, isoDate, stage } from './common.js';

/** 督办通报: the weekly dispatch list, the monthly bulletin and the annual evaluation (JSON form). */

const reportHeader = {
  province: z.string().openapi({ description: '本省代码' }),
  provinceName: z.string(),
  generatedAt: instant.openapi({ description: '生成时间' }),
};

/** A share 0–1, or null when there was nothing to divide by. */
const rate = (description: string) => z.number().nullable().openapi({ description });
const avg = (description: string) =>
  z
    .number()
    .nullable()
    .openapi({ description: `${description}（无数据时为 null）` });

export const dispatchRowSchema = z
  .object({
    kind: z.enum(['item', 'acceptance']).openapi({ description: 'item 未决事项；acceptance 受理超期的办件' }),
    caseId: z.string(),
    projectCode: z.string(),
    projectName: z.string(),
    stage,
    stageNameZh: z.string(),
    itemCode: z.string().optional(),
    itemName: z.string(),
    department: z.string().optional().openapi({ description: '承办部门；受理超期时缺省（由窗口承办）' }),
    departmentName: z.string().optional(),
    firstReceiver: z.string().optional().openapi({ description: '首接负责单位' }),
    lamp: z.enum(['red', 'yellow']),
    dueDate: isoDate,
    daysOver: z.number().int().openapi({ description: '逾期工作日；预警为 0' }),
    remainingDays: z.number().int().openapi({ description: '剩余工作日，逾期为负数' }),
    clockStopped: z.boolean(),
    escalationLevel: z.number().int().openapi({ description: '已达到的最高督办级别（0 为尚未督办）' }),
    history: z.array(escalationRecordSchema),
  })
  .openapi('DispatchRow', { description: '周调度清单的一行' });

export const budgetWatchRowSchema = z
  .object({
    projectId: z.string(),
    projectName: z.string(),
    flowClass: z.enum(['standard', 'simple']),
    budgetDays: z.number().int().openapi({ description: '全流程审批时间（工作日）' }),
    usedDays: z.number().int(),
    leftDays: z.number().int(),
    overrunDays: z.number().int(),
    lamp: z.enum(['red', 'yellow']),
  })
  .openapi('BudgetWatchRow', { description: '周调度：全流程审批时间超出或临近预算的项目' });

export const weeklyDispatchSchema = z
  .object({
    kind: z.literal('weeklyDispatch'),
    ...reportHeader,
    asOf: isoDate.openapi({ description: '统计日' }),
    red: z.number().int(),
    yellow: z.number().int(),
    rows: z.array(dispatchRowSchema),
    projects: z
      .array(budgetWatchRowSchema)
      .optional()
      .openapi({ description: '全流程审批时间超出（红灯）或临近（黄灯）预算的项目' }),
    forecastLate: z
      .array(forecastRowSchema)
      .optional()
      .openapi({ description: '风险预警：尚为绿灯但预计逾期的事项' }),
  })
  .openapi('WeeklyDispatchReport', { description: '周调度督办清单（红灯在前，按逾期工作日降序）' });

const timeliness = {
  decidedItems: z.number().int().openapi({ description: '本省审查决定的事项数（不含互认）' }),
  approved: z.number().int(),
  rejected: z.number().int(),
  onTime: z.number().int(),
  overdue: z.number().int(),
  onTimeRate: rate('按时办结率（0–1）'),
  avgDaysUsed: avg('平均用时（工作日）'),
  avgPromisedDays: avg('平均承诺时限'),
  avgStatutoryDays: avg('平均法定时限'),
  recognised: z.number().int().openapi({ description: '互认（不计时）的事项数' }),
};

const bulletinFigures = {
  ...timeliness,
  department: z.string().optional().openapi({ description: '按事项统计时：事项所属部门' }),
  departmentName: z.string().optional(),
  casesHandled: z.number().int().openapi({ description: '涉及的办件数' }),
  satisfactionAvg: avg('平均满意度'),
  satisfactionCount: z.number().int(),
};

export const bulletinRowSchema = z
  .object({
    code: z.string().openapi({ description: '部门代码或事项代码' }),
    nameZh: z.string(),
    ...bulletinFigures,
    rank: z
      .number()
      .int()
      .optional()
      .openapi({ description: '排名（按时办结率，其次平均用时）；无审查事项时缺省' }),
  })
  .openapi('BulletinRow', { description: '月通报的一行（部门或事项）' });

export const monthlyBulletinSchema = z
  .object({
    kind: z.literal('monthlyBulletin'),
    ...reportHeader,
    month: z.string().openapi({ description: '通报月份 YYYY-MM', example: '2026-03' }),
    byDepartment: z.array(bulletinRowSchema),
    byItem: z.array(bulletinRowSchema),
    total: z.object(bulletinFigures).openapi('BulletinTotal', { description: '全省合计' }),
  })
  .openapi('MonthlyBulletinReport', { description: '月通报' });

const count = z.number().int();

export const annualEvaluationSchema = z
  .object({
    kind: z.literal('annualEvaluation'),
    ...reportHeader,
    year: z.number().int(),
    scope: z.object({ cases: count, closedCases: count }),
    timeliness: z.object({
      ...timeliness,
      compressionRatio: rate('时限压缩率：1 − 平均用时 / 平均法定时限'),
      workingDaysSavedVsStatutory: z.number().int().openapi({ description: '较法定时限节省的工作日合计' }),
    }),
    serviceQuality: z.object({
      satisfaction: z.object({
        average: avg('平均满意度'),
        distribution: z
          .object({ '1': count, '2': count, '3': count, '4': count, '5': count })
          .openapi({ description: '各分值的评价数' }),
        responses: count,
        closedCases: count,
        responseRate: rate('评价率'),
      }),
      complaints: z.object({
        filed: count,
        closed: count,
        open: count,
        avgWorkingDaysToClose: avg('投诉办结平均工作日'),
      }),
    }),
    integrityRisk: z
      .object({
        decisionsOutsideWorkingHours: z.object({
          count,
          decisions: z.array(
            z.object({
              caseId: z.string(),
              itemCode: z.string(),
              department: z.string(),
              by: z.string(),
              at: instant,
              localTime: z.string().openapi({ description: '北京时间 YYYY-MM-DD HH:mm' }),
              reason: z.enum(['nonWorkingDay', 'outsideHours']),
            }),
          ),
        }),
        repeatedDeficiencyWithoutSupplement: z.object({
          count,
          organisations: z.array(
            z.object({
              creditCode: z.string(),
              name: z.string().optional(),
              marks: count,
              marksInYear: count,
              caseIds: z.array(z.string()),
            }),
          ),
        }),
        frequentReassignment: z.object({
          count,
          threshold: count,
          items: z.array(
            z.object({
              caseId: z.string(),
              itemCode: z.string(),
              department: z.string(),
              reassignments: count,
            }),
          ),
        }),
        reversedDecisions: z.object({
          count,
          decisions: z.array(
            z.object({
              caseId: z.string(),
              itemCode: z.string(),
              department: z.string(),
              decidedAt: instant,
              revokedAt: instant,
              revokedBy: z.string(),
              reasonZh: z.string(),
            }),
          ),
        }),
      })
      .openapi({ description: '廉政风险：非工作时间决定、多次容缺未补、频繁转办、决定撤销' }),
    auditTrail: z.object({
      casesChecked: count,
      valid: count,
      broken: z.array(
        z.object({
          caseId: z.string(),
          firstBrokenSeq: count.optional(),
          reason: chainBreakSchema.optional(),
        }),
      ),
    }),
  })
  .openapi('AnnualEvaluationReport', { description: '年度第三方评估数据' });
