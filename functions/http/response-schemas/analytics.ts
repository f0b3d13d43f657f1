import { z } from '@hono/zod-openapi';
import { instant, isoDate, lamp, stage } from './common.js';

/** 卡点分析 and 风险预警 (JSON form). */

const header = {
  province: z.string().openapi({ description: '本省代码' }),
  provinceName: z.string(),
  generatedAt: instant.openapi({ description: '生成时间' }),
};
const count = z.number().int();
const nullableNumber = (description: string) =>
  z
    .number()
    .nullable()
    .openapi({ description: `${description}（无数据时为 null）` });

export const heatCellSchema = z
  .object({
    department: z.string(),
    departmentName: z.string(),
    key: z.string().openapi({ description: '事项代码（按事项）或月份 YYYY-MM（按月）' }),
    keyName: z.string(),
    count: count.openapi({ description: '本省审查决定的事项数（不含互认）' }),
    late: count.openapi({ description: '其中超过承诺时限的件数' }),
    avgUsedRatio: nullableNumber('平均用时 / 承诺时限之比，大于 1 即平均超时'),
    avgDaysUsed: nullableNumber('平均用时（工作日）'),
    avgPromisedDays: nullableNumber('平均承诺时限（工作日）'),
    recognised: count.openapi({ description: '互认（不计时）的事项数' }),
  })
  .openapi('HeatCell', { description: '热力图的一格：部门 × 事项（或月份）' });

export const stepBreakdownSchema = z
  .object({
    department: z.string(),
    departmentName: z.string(),
    items: count.openapi({ description: '本省审查决定的事项数' }),
    avgAcceptanceWaitDays: nullableNumber('受理等待：提交至受理的平均工作日'),
    avgReviewDays: nullableNumber('审查：平均计时工作日（不含暂停）'),
    correctionRounds: count.openapi({ description: '补正次数' }),
    avgCorrectionRounds: nullableNumber('每件平均补正次数'),
    correctionStoppedDays: count.openapi({ description: '补正暂停计时的工作日合计' }),
    deficiencyStops: count.openapi({ description: '容缺等待次数' }),
    deficiencyStoppedDays: count,
    specialProcedureStops: count.openapi({ description: '特别程序次数' }),
    specialProcedureStoppedDays: count,
    avgStoppedDays: nullableNumber('每件平均暂停计时工作日'),
    slowestStep: z
      .enum(['acceptanceWait', 'review', 'correction', 'deficiency', 'specialProcedure'])
      .optional()
      .openapi({ description: '每件平均用时最多的环节' }),
  })
  .openapi('StepBreakdown', { description: '部门各环节用时（卡点）' });

export const trendPointSchema = z
  .object({
    month: z.string(),
    decidedItems: count,
    onTime: count,
    onTimeRate: nullableNumber('按时办结率（0–1）'),
    avgDaysUsed: nullableNumber('平均用时（工作日）'),
    satisfactionAvg: nullableNumber('当月办结办件的平均满意度（1–5）'),
    satisfactionRate: nullableNumber('满意率：评价 4–5 分的占比'),
    satisfactionCount: count,
  })
  .openapi('TrendPoint', { description: '月度趋势的一点' });

export const headlineSchema = z
  .object({
    period: z.string().openapi({ description: '年度 YYYY，或 toDate（累计至今）' }),
    projectsAdmitted: count.openapi({ description: '纳入绿色通道的项目数（按准入日期）' }),
    projectsWithCases: count.openapi({ description: '期间提交过阶段申请的项目数' }),
    reviewedItems: count,
    recognisedItems: count,
    daysSavedByReview: z
      .number()
      .int()
      .openapi({ description: '审查事项节省的工作日：Σ（法定时限 − 实际用时）' }),
    daysSavedByRecognition: count.openapi({
      description: '互认事项节省的工作日：Σ 法定时限（本省用时计 0）',
    }),
    workingDaysSaved: z.number().int().openapi({ description: '节省工作日合计' }),
    compressionRatio: nullableNumber('压缩率：1 − Σ实际用时 / Σ法定时限（仅审查事项）'),
    onTimeRate: nullableNumber('按时办结率'),
    satisfactionAvg: nullableNumber('平均满意度'),
    satisfactionRate: nullableNumber('满意率'),
    satisfactionCount: count,
  })
  .openapi('HeadlineFigures', { description: '绿色通道核心指标' });

export const analyticsSchema = z
  .object({
    kind: z.literal('analytics'),
    ...header,
    from: z.string().openapi({ description: '起始月份 YYYY-MM' }),
    to: z.string().openapi({ description: '截止月份 YYYY-MM' }),
    heatmap: z.object({ byItem: z.array(heatCellSchema), byMonth: z.array(heatCellSchema) }),
    departments: z.array(stepBreakdownSchema),
    trend: z.array(trendPointSchema),
    headline: z.array(headlineSchema),
  })
  .openapi('AnalyticsReport', { description: '卡点分析' });

export const forecastRowSchema = z
  .object({
    caseId: z.string(),
    projectCode: z.string(),
    projectName: z.string(),
    stage,
    stageNameZh: z.string(),
    itemCode: z.string(),
    itemName: z.string(),
    department: z.string(),
    departmentName: z.string(),
    lamp,
    daysUsed: count.openapi({ description: '已用工作日（不含暂停）' }),
    promisedDays: count,
    remainingDays: z.number().int(),
    dueDate: isoDate,
    clockStopped: z.boolean(),
    probability: z.number().openapi({ description: '超时概率（0–1）' }),
    forecastLate: z.boolean().openapi({ description: '概率达到阈值：预计逾期' }),
    basis: z
      .enum(['department', 'item', 'prior'])
      .openapi({ description: '依据：本部门同类事项、全省同类事项、默认先验' }),
    historySize: count,
    stillOpen: count.openapi({ description: '历史中用时达到当前已用工作日的件数' }),
    lateInHistory: count.openapi({ description: '其中超时件数' }),
    reasonZh: z.string(),
  })
  .openapi('ForecastRow', { description: '风险预警：未决事项的超时预测' });

export const backtestSchema = z
  .object({
    count: count.openapi({ description: '参与回测的已办结事项数' }),
    truePositive: count,
    falsePositive: count,
    falseNegative: count,
    trueNegative: count,
    precision: nullableNumber('精确率'),
    recall: nullableNumber('召回率'),
    accuracy: nullableNumber('准确率'),
    lateRate: nullableNumber('实际超时占比'),
    threshold: z.number(),
    checkpointZh: z.string(),
  })
  .openapi('BacktestResult', { description: '预测回测' });

export const forecastSchema = z
  .object({
    kind: z.literal('forecast'),
    ...header,
    asOf: isoDate,
    threshold: z.number().openapi({ description: '预计逾期的概率阈值' }),
    openItems: count,
    forecastLate: count,
    forecastLateGreen: count.openapi({ description: '预计逾期但仍为绿灯的事项数' }),
    rows: z.array(forecastRowSchema),
    backtest: backtestSchema,
  })
  .openapi('ForecastReport', { description: '风险预警' });
