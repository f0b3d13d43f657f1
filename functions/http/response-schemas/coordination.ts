import { z } from '@hono/zod-openapi';
import { itemProgressSchema } from './cases.js';
import { caseStatus, escalationRecordSchema, instant, isoDate, stage } from './common.js';

/** 首接负责 (the cases a window unit coordinates) and 容缺台账 (their deficiency commitments). */

export const deficiencyStatus = z
  .enum(['open', 'supplemented', 'overdue'])
  .openapi({ description: '容缺承诺状态：待补齐、已补齐、逾期未补' });

/** The item's clock as in progress (one schema, so a field added there is never refused here). */
const coordinatedItemSchema = itemProgressSchema.extend({
  departmentName: z.string(),
  holder: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('assignee'), id: z.string(), name: z.string(), since: instant }),
      z.object({ kind: z.literal('department'), name: z.string() }),
    ])
    .openapi({ description: '当前承办：转办指定的审查人员，否则为承办部门' }),
  decided: z.boolean(),
  escalations: z.array(escalationRecordSchema),
});

export const coordinatedCasePage = z
  .object({
    items: z.array(
      z.object({
        caseId: z.string(),
        version: z.number().int(),
        projectCode: z.string(),
        projectName: z.string(),
        applicantName: z.string(),
        stage,
        status: caseStatus,
        firstReceiver: z.object({
          officerId: z.string(),
          name: z.string(),
          unit: z.string(),
          since: instant,
        }),
        items: z.array(coordinatedItemSchema),
        openDeficiencies: z.number().int(),
      }),
    ),
    nextCursor: z.string().optional().openapi({ description: '存在时表示可能还有下一页' }),
  })
  .openapi('CoordinatedCasePage', {
    description: '本单位首接负责的办件（各事项承办、时限、亮灯与督办记录）',
  });

export const deficiencyLedgerSchema = z
  .object({
    items: z.array(
      z.object({
        caseId: z.string(),
        caseVersion: z.number().int(),
        projectCode: z.string(),
        projectName: z.string(),
        applicantName: z.string(),
        caseStatus,
        itemCode: z.string(),
        itemName: z.string(),
        materialCode: z.string(),
        materialName: z.string(),
        grantedDays: z.number().int(),
        deadline: isoDate,
        provisional: z.boolean(),
        status: deficiencyStatus,
        supplementedAt: instant.optional(),
        remindedAt: instant.optional(),
      }),
    ),
    truncated: z.boolean().openapi({ description: '办件过多，仅列出前 2000 件的承诺' }),
  })
  .openapi('DeficiencyLedger', { description: '容缺台账：本单位首接办件的全部容缺承诺，按补齐期限排序' });
