import { z } from '@hono/zod-openapi';
import { PROJECT_CATEGORIES, STAGES } from '../../../shared/domain/model.js';
import { projectAgencySchema } from './agency.js';
import { escalationRecipientSchema, instant, isoDate, lamp, page, version, withVersion } from './common.js';

/** Projects and 准入, complaints and the yearly review, the catalogue, the calendar and operations. */

export const eligibilityResultSchema = z
  .object({
    eligible: z.boolean(),
    priority: z.number().int().optional().openapi({ description: '优先级，1 最高' }),
    reasons: z.array(
      z.object({
        code: z.string(),
        messageZh: z.string(),
        passed: z.boolean(),
      }),
    ),
  })
  .openapi('EligibilityResult', { description: '准入条件评估：逐条规则是否满足' });

const admissionSchema = z
  .object({
    status: z.enum(['notApplied', 'pending', 'admitted', 'rejected', 'exited']),
    priority: z.number().int().optional(),
    eligibility: eligibilityResultSchema.optional(),
    appliedAt: instant.optional(),
    decidedAt: instant.optional(),
    decidedBy: z.string().optional(),
    reasons: z.string().optional().openapi({ description: '专项工作组的决定理由' }),
  })
  .openapi('Admission', { description: '准入（纳入绿色通道）状态' });

export const sharedMaterialSchema = z
  .object({
    materialCode: z.string(),
    sha256: z.string(),
    size: z.number().int(),
    contentType: z.string(),
    sharedAt: instant,
  })
  .openapi('SharedMaterial', { description: '向合作省份共享的材料（内容保存在本省）' });

export const projectData = z
  .object({
    id: z.string(),
    province: z.string(),
    projectCode: z.string().openapi({ description: '投资项目统一代码' }),
    name: z.string(),
    owner: z.object({ creditCode: z.string(), name: z.string() }),
    category: z.enum(PROJECT_CATEGORIES),
    location: z.object({
      city: z.string(),
      district: z.string().optional(),
      address: z.string().optional(),
      divisionCode: z.string().optional().openapi({ description: '行政区划代码（GB/T 2260）' }),
    }),
    investmentWan: z.number().openapi({ description: '总投资（万元）' }),
    governmentInvested: z.boolean(),
    partnerProvinces: z.array(z.string()),
    promisedCompletion: isoDate.optional(),
    flowClass: z.enum(['standard', 'simple']).optional().openapi({
      description:
        '全流程审批时间类别：standard 一般项目（≤120个工作日），simple 简易项目（≤90）；缺省为一般',
    }),
    admission: admissionSchema,
    annualReviews: z
      .array(
        z.object({
          year: z.number().int(),
          late: z.boolean(),
          reasonsZh: z.array(z.string()),
          excusable: z
            .object({ reasonZh: z.string(), evidence: z.array(z.string()), by: z.string(), at: instant })
            .optional()
            .openapi({ description: '容错纠错：延误属客观原因，附证明材料' }),
          reviewedAt: instant,
        }),
      )
      .optional()
      .openapi({ description: '年度准入复核，每年一条' }),
    exitProposal: z
      .object({
        year: z.number().int(),
        at: instant,
        reasonsZh: z.array(z.string()),
        ground: z.enum(['lateYears', 'abuse']).optional().openapi({
          description: '依据：lateYears 连续两年未按承诺完成（缺省）；abuse 滥用容缺受理或告知承诺',
        }),
      })
      .optional()
      .openapi({ description: '待决定的退出建议' }),
    sharedMaterials: z.array(sharedMaterialSchema).optional(),
    agency: projectAgencySchema.optional(),
    publicDisclosure: z
      .object({ consented: z.boolean(), by: z.string(), at: instant })
      .optional()
      .openapi({ description: '公开同意：申请单位是否同意公开项目办理进度，由谁于何时设定；缺省为不同意' }),
    createdAt: instant,
    createdBy: z.string(),
  })
  .openapi('ProjectData', { description: '项目（不含版本号）' });

export const projectResponse = withVersion(projectData, 'Project', '项目及其版本号');
export const projectPage = page(projectResponse, 'ProjectPage');

export const complaintData = z
  .object({
    id: z.string(),
    caseId: z.string(),
    projectCode: z.string(),
    creditCode: z.string().openapi({ description: '投诉单位的统一社会信用代码' }),
    textZh: z.string(),
    status: z.enum(['open', 'handling', 'closed']),
    filedAt: instant,
    filedBy: z.string(),
    handling: z.array(z.object({ at: instant, by: z.string(), noteZh: z.string() })),
    closedAt: instant.optional(),
    resolutionZh: z.string().optional(),
  })
  .openapi('ComplaintData', { description: '投诉（不含版本号）' });

export const complaintResponse = withVersion(complaintData, 'Complaint', '投诉及其版本号');
export const complaintPage = page(complaintResponse, 'ComplaintPage');

export const yearlyRunResultSchema = z
  .object({
    year: z.number().int(),
    reviewed: z.array(z.string()).openapi({ description: '本次记录了复核结果的项目' }),
    late: z.array(z.string()).openapi({ description: '其中未按承诺完成的项目' }),
    proposed: z.array(z.string()).openapi({ description: '其中提出退出建议的项目' }),
    skipped: z.array(z.string()).openapi({ description: '已复核过或当年之后才纳入的项目' }),
  })
  .openapi('YearlyReviewResult', { description: '年度准入复核结果' });

export const catalogueSchema = z
  .object({
    province: z.string(),
    name: z.string(),
    departments: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        leadTitle: z.string().openapi({ description: '部门负责人职务，如“处长”' }),
      }),
    ),
    stages: z.array(
      z.object({
        stage: z.enum(STAGES),
        name: z.string(),
        leadDepartment: z.string(),
        leadDepartmentGovernmentInvested: z.string().optional(),
        items: z.array(z.object({ code: z.string(), required: z.boolean() })),
        promisedDays: z.number().int().openapi({ description: '阶段总承诺时限（工作日）' }),
      }),
    ),
    items: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        department: z.string(),
        statutoryDays: z.number().int(),
        promisedDays: z.number().int(),
        materials: z.array(z.string()),
        deficiencyAllowed: z.array(z.string()).openapi({ description: '可容缺受理的材料' }),
        pledgeAllowed: z.boolean().openapi({ description: '可告知承诺' }),
        legalBasis: z.string().optional(),
      }),
    ),
    materials: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        core: z.boolean().openapi({ description: '实质性材料，不得容缺' }),
      }),
    ),
  })
  .openapi('Catalogue', { description: '本省审批事项目录' });

export const calendarCoverageSchema = z
  .object({
    coveredYears: z.array(z.number().int()),
    loadedYears: z.array(
      z.object({
        year: z.number().int(),
        source: z.string().optional(),
        loadedAt: instant,
        loadedBy: z.string(),
      }),
    ),
  })
  .openapi('CalendarCoverage', { description: '工作日历覆盖的年份与已加载的节假日安排' });

export const calendarLoadResultSchema = z
  .object({
    year: z.number().int(),
    version,
    recomputedCases: z.number().int().openapi({ description: '重算了暂定时限的办件数' }),
  })
  .openapi('CalendarLoadResult');

export const sweepReportSchema = z
  .object({
    examined: z.number().int().openapi({ description: '检查的办件数' }),
    changed: z.number().int(),
    terminated: z.number().int(),
    lampChanges: z.array(z.object({ caseId: z.string(), itemCode: z.string(), lamp })),
    escalations: z.array(
      z.object({
        caseId: z.string(),
        itemCode: z.string(),
        level: z.number().int(),
        address: z.string(),
        recipients: z.array(escalationRecipientSchema),
      }),
    ),
    notifications: z.number().int().openapi({ description: '本次写入的通知数' }),
    deemed: z
      .number()
      .int()
      .optional()
      .openapi({ description: '本次视为受理的办件数（行政许可法第三十二条）' }),
    reportsSent: z.array(z.string()).optional().openapi({
      description: '本次发给专项工作组的定期报告（周调度、月通报），如 weeklyDispatch:2026-11-23',
    }),
  })
  .openapi('SweepReport', { description: '时限巡检结果' });

export const notificationSchema = z
  .object({
    id: z.string(),
    address: z.string().openapi({ description: '收件地址，如 dept:nrp、org:<统一社会信用代码>' }),
    type: z.string(),
    titleZh: z.string(),
    bodyZh: z.string(),
    caseId: z.string().optional(),
    projectId: z.string().optional(),
    itemCode: z.string().optional(),
    createdAt: instant,
    readAt: instant.optional(),
  })
  .openapi('Notification');

export const notificationInbox = z
  .object({
    items: z.array(notificationSchema),
    unread: z.number().int().openapi({ description: '未读通知数' }),
    nextBefore: z.string().optional().openapi({ description: '存在时表示可能还有更早的通知' }),
  })
  .openapi('NotificationInbox');
