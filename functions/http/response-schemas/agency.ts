import { z } from '@hono/zod-openapi';
import { instant } from './common.js';

/** 专窗代办 as the API answers it: who acted (代办人) and for whom, and the enterprise's 确认. */

const agentSchema = z
  .object({ id: z.string(), name: z.string(), unit: z.string() })
  .openapi('Agent', { description: '代办人（绿色通道专窗工作人员）' });
const enterpriseSchema = z
  .object({ creditCode: z.string(), name: z.string() })
  .openapi('OnBehalfOf', { description: '委托代办的企业（统一社会信用代码、名称）' });

export const projectAgencySchema = z
  .object({ agent: agentSchema, onBehalfOf: enterpriseSchema, at: instant })
  .openapi('ProjectAgency', { description: '专窗代办登记：代办人与委托企业' });

export const caseAgencySchema = z
  .object({
    agent: agentSchema,
    onBehalfOf: enterpriseSchema,
    at: instant,
    authorisationMaterial: z.string().openapi({ description: '代办授权委托书的材料代码' }),
    confirmation: z
      .object({
        outcome: z.enum(['confirmed', 'declined']),
        by: z.string(),
        name: z.string(),
        at: instant,
        reasonZh: z.string().optional(),
      })
      .optional()
      .openapi({ description: '申请单位的确认（缺省：待确认，确认前不予受理）' }),
  })
  .openapi('CaseAgency', { description: '专窗代办申请：代办人、委托企业与企业确认' });

/** On a timeline entry: the event was an agent action (代办人 …，代 … 办理). */
export const timelineAgencySchema = z
  .object({ agentName: z.string(), unit: z.string(), onBehalfOf: enterpriseSchema })
  .openapi('TimelineAgency', { description: '代办人及被代办企业' });
