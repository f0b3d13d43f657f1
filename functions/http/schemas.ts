import { z } from '@hono/zod-openapi';
import {
  FLOW_CLASSES,
  PROJECT_CATEGORIES,
  SPECIAL_PROCEDURE_TYPES,
  STAGES,
} from '../../shared/domain/model.js';

/** Request shapes of the API; requests are strict, so unknown fields are refused (responses: response-schemas.ts). */

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');

export const materialInput = z
  .object({
    code: z.string().min(1).max(64).openapi({ example: 'feasibilityStudy' }),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional()
      .openapi({ description: '材料文件的 SHA-256 摘要' }),
    fileName: z.string().max(200).optional(),
  })
  .strict()
  .openapi('MaterialInput');

export const registerProjectBody = z
  .object({
    projectCode: z.string().openapi({ example: '2026-320000-48-01-000123', description: '投资项目统一代码' }),
    name: z.string().min(2).max(100).openapi({ example: '沪宁沿江高铁南京段配套工程' }),
    ownerName: z.string().min(2).max(100).openapi({ example: '江苏交通控股有限公司' }),
    category: z.enum(PROJECT_CATEGORIES),
    location: z
      .object({
        city: z.string().min(1).max(50),
        district: z.string().max(50).optional(),
        address: z.string().max(200).optional(),
        divisionCode: z
          .string()
          .regex(/^\d{6}$/, '行政区划代码应为 6 位数字')
          .optional()
          .openapi({
            example: '320115',
            description: '行政区划代码（GB/T 2260，区县或地市），用于“一张图”定位',
          }),
      })
      .strict(),
    investmentWan: z.number().positive().max(1e9).openapi({ description: '总投资（万元）' }),
    governmentInvested: z.boolean(),
    partnerProvinces: z
      .array(z.string().regex(/^[A-Z]{2}$/))
      .max(10)
      .optional(),
    promisedCompletion: isoDate.optional(),
    flowClass: z
      .enum(FLOW_CLASSES)
      .optional()
      .openapi({ description: '全流程审批时间类别：simple 简易项目（≤90个工作日），缺省为一般项目（≤120）' }),
  })
  .strict()
  .openapi('RegisterProject');

/** 专窗代办登记: the project fields, with the enterprise the desk files for instead of the owner name. */
export const agencyProjectBody = registerProjectBody
  .omit({ ownerName: true })
  .extend({
    owner: z
      .object({
        // checked per GB 32100 by the service, so a refusal names this field
        creditCode: z
          .string()
          .max(40)
          .openapi({ example: '91320000134768398X', description: '统一社会信用代码' }),
        name: z.string().max(100).openapi({ example: '江苏城市建设发展集团有限公司' }),
      })
      .strict(),
  })
  .strict()
  .openapi('AgencyProject');

/** 确认 of an agent filing by the enterprise, or 不予确认 with its reason. */
export const agencyConfirmationBody = z
  .object({
    decision: z.enum(['confirm', 'decline']),
    reason: z.string().max(1000).optional().openapi({ description: '不予确认的理由' }),
  })
  .strict()
  .openapi('AgencyConfirmation');

export const admissionDecisionBody = z
  .object({
    admit: z.boolean(),
    reasons: z.string().min(1).max(2000),
    priority: z.number().int().min(1).max(9).optional(),
  })
  .strict()
  .openapi('AdmissionDecision');

export const submitCaseBody = z
  .object({
    projectId: z.string().min(1).max(64),
    stage: z.enum(STAGES),
    itemCodes: z.array(z.string().min(1).max(64)).max(50).optional(),
    materials: z.array(materialInput).max(300),
  })
  .strict()
  .openapi('SubmitCase');

export const acceptanceBody = z
  .discriminatedUnion('outcome', [
    z.object({ outcome: z.literal('accept') }).strict(),
    z
      .object({
        outcome: z.literal('acceptWithDeficiencies'),
        commitmentSigned: z.boolean(),
        deficiencies: z
          .array(
            z
              .object({
                itemCode: z.string().min(1),
                materialCode: z.string().min(1),
                days: z.number().int().min(1).max(60),
              })
              .strict(),
          )
          .min(1),
      })
      .strict(),
    z
      .object({
        outcome: z.literal('correction'),
        missing: z.array(z.string().min(1)).min(1),
        reason: z.string().min(1).max(2000),
      })
      .strict(),
    z.object({ outcome: z.literal('refuse'), reason: z.string().min(1).max(2000) }).strict(),
  ])
  .openapi('AcceptanceDecision');

export const materialsBody = z
  .object({ materials: z.array(materialInput).min(1).max(300) })
  .strict()
  .openapi('Materials');

export const itemDecisionBody = z
  .object({ outcome: z.enum(['approve', 'reject']), reasons: z.string().max(2000).optional() })
  .strict()
  .openapi('ItemDecision');

export const refusalSignOffBody = z
  .object({ action: z.enum(['sign', 'return']), commentZh: z.string().max(2000).optional() })
  .strict()
  .openapi('RefusalSignOff');

export const extensionRequestBody = z
  .object({
    days: z
      .number()
      .int()
      .min(1)
      .max(10)
      .openapi({ description: '申请延长的工作日数（行政许可法第四十二条：至多10个）' }),
    reasonZh: z.string().trim().min(1).max(2000).openapi({ description: '延期理由（告知申请人）' }),
  })
  .strict()
  .openapi('ExtensionRequest');

export const extensionDecisionBody = z
  .object({ action: z.enum(['approve', 'refuse']), commentZh: z.string().max(2000).optional() })
  .strict()
  .openapi('ExtensionDecision');

export const deliveryBody = z
  .object({
    method: z.enum(['electronic', 'direct', 'post']).openapi({ description: '电子送达、直接送达或邮寄送达' }),
    deliveredOn: isoDate
      .refine((d) => {
        const t = Date.parse(`${d}T00:00:00Z`);
        return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
      }, '不是有效的日期')
      .openapi({ description: '送达日期' }),
  })
  .strict()
  .openapi('Delivery');

export const itemCorrectionBody = z
  .object({ missing: z.array(z.string().min(1)).min(1), reason: z.string().min(1).max(2000) })
  .strict()
  .openapi('ItemCorrection');

const procedureFields = {
  procedureType: z.enum(SPECIAL_PROCEDURE_TYPES),
  reason: z.string().trim().min(1).max(2000),
  expectedDays: z
    .number()
    .int()
    .min(1)
    .max(365)
    .openapi({ description: '预计工作日数（不超过本省该类型的上限）' }),
};

// request: a reviewer asks the department lead; start: the lead starts one directly. The approver
// is the signed-in lead, never a name typed into the request.
export const specialProcedureBody = z
  .discriminatedUnion('action', [
    z.object({ action: z.literal('request'), ...procedureFields }).strict(),
    z.object({ action: z.literal('start'), ...procedureFields }).strict(),
    z.object({ action: z.literal('approve') }).strict(),
    z.object({ action: z.literal('decline'), commentZh: z.string().max(2000).optional() }).strict(),
    z.object({ action: z.literal('end') }).strict(),
  ])
  .openapi('SpecialProcedure');

export const feedbackBody = z
  .object({
    satisfaction: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]),
    comment: z.string().max(1000).optional(),
  })
  .strict()
  .openapi('Feedback');

export const terminationBody = z
  .object({ reason: z.string().min(1).max(2000), creditMark: z.boolean() })
  .strict()
  .openapi('Termination');

export const calendarYearBody = z
  .object({
    holidays: z.array(isoDate).max(60),
    workdays: z.array(isoDate).max(30),
    source: z.string().max(200).optional(),
  })
  .strict()
  .openapi('CalendarYear');

export const caseIdParam = z.object({ caseId: z.string().min(1).max(80) });
export const itemParams = z.object({
  caseId: z.string().min(1).max(80),
  itemCode: z.string().min(1).max(64),
});
export const projectIdParam = z.object({ projectId: z.string().min(1).max(64) });

export const shareMaterialBody = z
  .object({
    materialCode: z.string().min(1).max(64),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, '应为 64 位小写十六进制 SHA-256 摘要'),
  })
  .strict()
  .openapi('ShareMaterial');

export const assignmentBody = z
  .object({
    assigneeId: z.string().min(1).max(100),
    assigneeName: z.string().min(1).max(100),
    reasonZh: z.string().min(1).max(2000),
  })
  .strict()
  .openapi('Assignment');

export const revocationBody = z
  .object({ reasonZh: z.string().min(1).max(2000) })
  .strict()
  .openapi('Revocation');

export const jointReviewParams = z.object({
  caseId: z.string().min(1).max(80),
  reviewId: z.string().min(1).max(80),
});

export const conveneJointReviewBody = z
  .object({
    itemCodes: z.array(z.string().min(1).max(64)).min(2).max(50),
    meetingAt: z.iso.datetime({ offset: true }).openapi({ example: '2026-03-10T09:30:00+08:00' }),
    place: z.string().trim().max(200).optional(),
    videoLink: z
      .url({ protocol: /^https?$/ })
      .max(500)
      .optional(),
  })
  .strict()
  .openapi('ConveneJointReview');

export const recordJointReviewBody = z
  .object({
    minutesZh: z.string().trim().min(1).max(20000),
    outcomes: z
      .array(
        z
          .object({
            itemCode: z.string().min(1).max(64),
            opinion: z.enum(['pass', 'revise', 'fail']),
            commentZh: z.string().max(2000).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(50),
  })
  .strict()
  .openapi('RecordJointReview');
