import { z } from '@hono/zod-openapi';
import { ROLES, STAGES } from '../../../shared/domain/model.js';

/**
 * Building blocks of the response schemas. Responses are plain objects (not strict): what they
 * declare is checked against what the handlers send by the response check (response-check.ts),
 * which also refuses fields a schema does not declare.
 */

export const isoDate = z
  .string()
  .openapi({ description: '日期 YYYY-MM-DD（北京时间）', example: '2026-03-02' });
export const instant = z
  .string()
  .openapi({ description: '时间点（ISO 8601，UTC）', example: '2026-03-02T01:30:00.000Z' });
export const version = z.number().int().openapi({ description: '版本号（乐观并发控制，与 ETag 相同）' });

export const stage = z.enum(STAGES).openapi({ description: '阶段：立项、用地规划、工程建设许可、竣工验收' });
export const lamp = z
  .enum(['green', 'yellow', 'red'])
  .openapi({ description: '亮灯：绿灯正常、黄灯预警、红灯超期' });

export const caseStatus = z
  .enum(['submitted', 'correctionRequested', 'underReview', 'approved', 'rejected', 'refused', 'terminated'])
  .openapi({ description: '办件状态：待受理、待补正、审查中、已批准、不予批准、不予受理、已终止' });

export const itemStatus = z
  .enum(['inReview', 'correctionRequested', 'specialProcedure', 'approved', 'rejected', 'recognised'])
  .openapi({ description: '事项状态；recognised 为互认（采用合作省份的审批结果）' });

/** `{ items, nextCursor? }`, named per item type. */
export function page<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z.string().optional().openapi({ description: '存在时表示可能还有下一页' }),
    })
    .openapi(name);
}

/** A stored document as the API answers it: its fields and its version. */
export function withVersion<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
  name: string,
  description: string,
) {
  return schema.extend({ version }).openapi(name, { description });
}

export const actorSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z
      .enum(ROLES)
      .openapi({ description: '角色：申请单位、窗口、审查人员、督查、评估机构、管理员、合作省份' }),
    creditCode: z.string().optional().openapi({ description: '申请单位的统一社会信用代码' }),
    department: z.string().optional().openapi({ description: '审查人员所在部门代码' }),
    unit: z.string().optional().openapi({ description: '窗口人员、督查人员所在单位' }),
    province: z.string().optional().openapi({ description: '合作省份代码' }),
    lead: z.boolean().optional().openapi({ description: '部门负责人（接收二级督办）' }),
  })
  .openapi('Actor', { description: '当前登录用户' });

export const escalationRecipientSchema = z
  .object({
    address: z.string().openapi({ description: '通知地址，如 user:<用户>、dept:nrp:lead、role:leader' }),
    nameZh: z.string().openapi({ description: '告知对象，如“省自然资源厅处长（阶段牵头部门）”' }),
  })
  .openapi('EscalationRecipient', { description: '督办升级告知的一个对象' });

export const escalationRecordSchema = z
  .object({
    level: z.number().int().openapi({ description: '督办级别（1 起）' }),
    role: z.enum(['reviewer', 'departmentLead', 'firstReceiver', 'workingGroup', 'chairLeader']),
    nameZh: z.string().openapi({ description: '督办对象，如“部门负责人”' }),
    address: z.string().openapi({ description: '第一个通知地址，如 dept:nrp:lead（全部见 recipients）' }),
    recipients: z
      .array(escalationRecipientSchema)
      .optional()
      .openapi({ description: '本级告知的全部对象（较早的记录没有）' }),
    at: instant,
    overdueDays: z.number().int().openapi({ description: '督办时逾期的工作日数' }),
  })
  .openapi('EscalationRecord', { description: '逾期事项督办升级的一级：通知了谁、何时、为何' });

export const healthSchema = z
  .object({
    status: z.literal('ok'),
    province: z.string().openapi({ description: '本省代码', example: 'JS' }),
  })
  .openapi('Health');
