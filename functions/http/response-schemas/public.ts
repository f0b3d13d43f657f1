import { z } from '@hono/zod-openapi';
import { PROJECT_CATEGORIES, STAGES, STEPS } from '../../../shared/domain/model.js';
import { isoDate, stage } from './common.js';

/**
 * 信息公开: what the public pages answer. Strict objects: a field the domain view gains by mistake
 * fails the response check instead of reaching the public.
 */

export const publicStageStatusSchema = z
  .strictObject({
    stage,
    stageName: z.string(),
    state: z.enum(['notStarted', 'inProgress', 'approved', 'closedNotApproved']).openapi({
      description:
        'notStarted 未申请；inProgress 办理中；approved 已批准；closedNotApproved 已办结（未获批准）',
    }),
    steps: z
      .array(z.strictObject({ step: z.enum(STEPS), done: z.boolean() }))
      .openapi({ description: '六步闭环（申请、受理、审查、批准、监督、反馈）各步是否已完成' }),
    itemsTotal: z.number().int(),
    itemsDone: z.number().int().openapi({ description: '已作出决定（含互认）的事项数' }),
    timing: z.enum(['onTime', 'late', 'withinLimit', 'overLimit']).nullable().openapi({
      description:
        '时限：已办结阶段 onTime 按时 / late 超时；办理中阶段 withinLimit 在时限内 / overLimit 已超时限；null 未开始或无计时事项',
    }),
  })
  .openapi('PublicStageStatus');

export const publicProjectSchema = z
  .strictObject({
    projectCode: z.string().openapi({ description: '投资项目统一代码' }),
    name: z.string(),
    category: z.enum(PROJECT_CATEGORIES),
    city: z.string(),
    currentStage: z.enum(STAGES).nullable().openapi({ description: '当前所处阶段；尚未申请为 null' }),
    stages: z.array(publicStageStatusSchema).length(4),
    asOf: isoDate,
  })
  .openapi('PublicProjectStatus', { description: '项目公开办理进度（经申请单位同意公开）' });

export const publicStatisticsSchema = z
  .strictObject({
    province: z.string(),
    provinceName: z.string(),
    projectsInChannel: z.number().int().openapi({ description: '已纳入绿色通道的项目数' }),
    decidedItems: z.number().int().openapi({ description: '已办结事项数（不含互认事项）' }),
    avgWorkingDaysPerItem: z.number().nullable().openapi({ description: '事项平均用时（工作日，扣除停表）' }),
    avgPromisedDaysPerItem: z.number().nullable().openapi({ description: '事项平均承诺时限（工作日）' }),
    onTimeRate: z.number().nullable().openapi({ description: '按时办结率（0–1）' }),
    satisfactionAvg: z.number().nullable().openapi({ description: '平均满意度（1–5）' }),
    satisfactionCount: z.number().int(),
    asOf: isoDate,
  })
  .openapi('PublicStatistics', { description: '全省绿色通道公开统计（截至统计日）' });

const categoryRef = { category: z.enum(PROJECT_CATEGORIES), nameZh: z.string() };

export const operationGuideSchema = z
  .strictObject({
    province: z.string(),
    provinceName: z.string(),
    windowUnit: z.string().openapi({ description: '申请受理地点（绿色通道专窗）' }),
    admission: z.strictObject({
      categories: z.array(z.strictObject({ ...categoryRef, priority: z.number().int() })),
      minInvestmentWan: z.number().openapi({ description: '总投资下限（万元）' }),
      investmentExemptCategories: z.array(z.strictObject(categoryRef)),
    }),
    acceptance: z.strictObject({ days: z.number().int(), correctionNoticeDays: z.number().int() }),
    flowBudget: z.strictObject({ standard: z.number().int(), simple: z.number().int() }),
    stages: z.array(
      z.strictObject({
        stage,
        name: z.string(),
        leadDepartment: z.string(),
        leadDepartmentName: z.string(),
        promisedDays: z.number().int(),
        items: z.array(
          z.strictObject({
            code: z.string(),
            name: z.string(),
            department: z.string(),
            departmentName: z.string(),
            required: z.boolean(),
            statutoryDays: z.number().int(),
            promisedDays: z.number().int(),
            pledgeAllowed: z.boolean(),
            legalBasis: z.string().optional(),
            materials: z.array(
              z.strictObject({
                code: z.string(),
                name: z.string(),
                core: z.boolean(),
                deficiencyAllowed: z.boolean(),
              }),
            ),
          }),
        ),
      }),
    ),
    deficiency: z.strictObject({
      maxDays: z.number().int(),
      resultPolicy: z.enum(['withhold', 'approveWithDeficiencies']),
      barredAfterCreditMarks: z.number().int(),
    }),
    pledge: z.strictObject({
      checkDays: z.number().int(),
      items: z.array(z.strictObject({ code: z.string(), name: z.string() })),
    }),
  })
  .openapi('OperationGuide', { description: '《工程绿色通道操作指南》：由本省配置生成' });
