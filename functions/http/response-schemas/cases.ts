import { z } from '@hono/zod-openapi';
import { SPECIAL_PROCEDURE_TYPES, STEPS } from '../../../shared/domain/model.js';
import { caseAgencySchema, timelineAgencySchema } from './agency.js';
import {
  caseStatus,
  escalationRecordSchema,
  instant,
  isoDate,
  itemStatus,
  lamp,
  page,
  stage,
  version,
  withVersion,
} from './common.js';

/** 办件 (stage case) as the API answers it, with its progress view, inbox rows and audit trail. */

export const recognitionProvenanceSchema = z
  .object({
    origin: z.string().openapi({ description: '作出结果的合作省份代码' }),
    eventId: z.string(),
    caseId: z.string().openapi({ description: '合作省份的办件编号' }),
    itemCode: z.string().openapi({ description: '合作省份的事项代码' }),
    resultNo: z.string().openapi({ description: '电子证照编号' }),
    resultHash: z.string().openapi({ description: '审批结果的 SHA-256 摘要' }),
    contentHash: z.string(),
    signature: z.string().openapi({ description: '合作省份对结果的签名' }),
    keyId: z.string(),
    decidedAt: instant,
    receivedAt: instant,
  })
  .openapi('RecognitionProvenance', {
    description: '互认结果的来源：来源省份、决定、签名与时间，可据此重新核验',
  });

const personRefSchema = z.object({ id: z.string(), name: z.string() });

export const clockStopSchema = z
  .object({
    kind: z.enum(['correction', 'deficiency', 'specialProcedure']),
    from: isoDate,
    to: isoDate.optional().openapi({ description: '缺省表示仍在暂停' }),
    procedureType: z.enum(SPECIAL_PROCEDURE_TYPES).optional(),
    reason: z.string().optional(),
    approvedBy: z
      .string()
      .optional()
      .openapi({ description: '旧记录：手填的批准人（现由部门负责人在系统中批准）' }),
    requestedBy: personRefSchema.optional().openapi({ description: '申请特别程序的审查人员' }),
    approver: personRefSchema.optional().openapi({ description: '批准特别程序的部门负责人' }),
    expectedDays: z.number().int().optional().openapi({ description: '预计工作日数' }),
    maxDays: z.number().int().optional().openapi({ description: '本省该类型的最长工作日数' }),
    latestEnd: isoDate.optional().openapi({ description: '预计最迟结束日' }),
    noticeZh: z.string().optional().openapi({ description: '特别程序告知书（已送申请单位）' }),
    jointReviewId: z.string().optional().openapi({ description: '联合审查暂停计时时的会议编号' }),
    overrunEscalatedAt: instant.optional().openapi({ description: '超过预计时间已督办' }),
  })
  .openapi('ClockStop', { description: '不计时区间（补正、容缺、特别程序）' });

const jointReviewSchema = z
  .object({
    id: z.string(),
    itemCodes: z.array(z.string()),
    departments: z.array(z.string()),
    meetingAt: instant,
    place: z.string().optional(),
    videoLink: z.string().optional(),
    convener: personRefSchema.extend({ role: z.string() }),
    convenedAt: instant,
    stopsClock: z
      .boolean()
      .openapi({ description: '本省将联合审查计入特别程序：会议至记录意见期间暂停计时' }),
    status: z.enum(['convened', 'recorded']),
    minutes: z
      .object({ sha256: z.string(), fileName: z.string(), recordedAt: instant, by: personRefSchema })
      .optional()
      .openapi({ description: '会议纪要（办件材料）' }),
    outcomes: z
      .array(
        z.object({
          itemCode: z.string(),
          opinion: z.enum(['pass', 'revise', 'fail']),
          commentZh: z.string().optional(),
        }),
      )
      .optional()
      .openapi({ description: '各事项的审查意见（通过／需修改／不通过），不代替事项决定' }),
  })
  .openapi('JointReview', { description: '联合审查会议' });

const itemPledgeSchema = z
  .object({
    textZh: z.string().openapi({ description: '已签署的告知承诺书全文' }),
    contentHash: z.string().openapi({ description: '签署内容的 SHA-256 摘要' }),
    creditCode: z.string(),
    signedBy: z.string(),
    signerName: z.string(),
    signedAt: instant,
    check: z.object({
      dueDate: isoDate.openapi({ description: '事后核查期限' }),
      status: z.enum(['scheduled', 'passed', 'failed']).openapi({ description: '待核查／通过／不通过' }),
      by: z.string().optional(),
      at: instant.optional(),
      reasonsZh: z.string().optional().openapi({ description: '核查意见（不通过的情形）' }),
      remindedAt: instant.optional().openapi({ description: '已提醒部门核查到期' }),
    }),
  })
  .openapi('ItemPledge', { description: '告知承诺书及其事后核查' });

const itemDecision = z
  .object({
    outcome: z.enum(['approve', 'reject']),
    by: z.string(),
    at: instant,
    reasons: z.string().optional(),
    resultNo: z.string().optional().openapi({ description: '电子证照编号（批准时）' }),
    resultHash: z.string().optional().openapi({ description: '决定的 SHA-256 摘要，供合作省份核验' }),
    resultWithheld: z.boolean().optional().openapi({ description: '容缺未补齐，结果暂缓出具' }),
    recognition: recognitionProvenanceSchema.optional(),
    revoked: z
      .object({ by: z.string(), at: instant, reasonZh: z.string() })
      .optional()
      .openapi({ description: '批准决定已被撤销（决定本身保留备查）' }),
    signedOffBy: z.string().optional().openapi({ description: '签发不予批准的部门负责人（by 为拟办人）' }),
    onCommitment: z.boolean().optional().openapi({ description: '告知承诺批准（以承诺代替证明，事后核查）' }),
  })
  .openapi('ItemDecisionRecord', { description: '事项审批决定' });

export const caseItemSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    department: z.string(),
    statutoryDays: z.number().int().openapi({ description: '法定时限（工作日）' }),
    promisedDays: z.number().int().openapi({ description: '承诺时限（工作日）' }),
    status: itemStatus,
    startDate: isoDate.optional().openapi({ description: '计时起点（受理日）' }),
    clockStops: z.array(clockStopSchema),
    correction: z
      .object({ requestedAt: instant, missing: z.array(z.string()), reason: z.string() })
      .optional()
      .openapi({ description: '未结的补正要求' }),
    decision: itemDecision.optional(),
    proposedRefusal: z
      .object({ by: z.string(), at: instant, reasons: z.string() })
      .optional()
      .openapi({ description: '拟不予批准，待部门负责人签发' }),
    specialProcedureRequest: z
      .object({
        procedureType: z.enum(SPECIAL_PROCEDURE_TYPES),
        reason: z.string(),
        expectedDays: z.number().int(),
        by: personRefSchema,
        at: instant,
      })
      .optional()
      .openapi({ description: '特别程序申请，待部门负责人批准' }),
    refusalReturns: z
      .array(
        z.object({
          proposedBy: z.string(),
          reasons: z.string(),
          by: z.string(),
          at: instant,
          commentZh: z.string().optional(),
        }),
      )
      .optional()
      .openapi({ description: '部门负责人退回的不予批准意见' }),
    assignee: z
      .object({ id: z.string(), name: z.string(), since: instant })
      .optional()
      .openapi({ description: '当前承办人（转办后）' }),
    assignments: z
      .array(
        z.object({
          from: z.string().optional(),
          to: z.string(),
          toName: z.string(),
          by: z.string(),
          at: instant,
          reasonZh: z.string(),
        }),
      )
      .optional()
      .openapi({ description: '历次转办' }),
    changedAtVersion: z
      .number()
      .int()
      .optional()
      .openapi({ description: '本事项可审查状态最后一次变化时的办件版本号（事项操作的 If-Match 据此校验）' }),
    lampNotified: lamp.optional().openapi({ description: '已通报的最严重亮灯' }),
    escalations: z.array(escalationRecordSchema).optional(),
    extension: z
      .object({
        status: z.enum(['requested', 'granted', 'refused']),
        requestedBy: z.string(),
        requestedAt: instant,
        reasonZh: z.string(),
        days: z.number().int(),
        decidedBy: z.string().optional(),
        decidedAt: instant.optional(),
        commentZh: z.string().optional(),
        originalPromisedDays: z.number().int().optional(),
        originalStatutoryDays: z.number().int().optional(),
        grantedDays: z.number().int().optional(),
        newDueDate: isoDate.optional(),
      })
      .optional()
      .openapi({ description: '延长审查期限（行政许可法第四十二条）：申请、部门负责人审批与延长前的时限' }),
    delivery: z
      .object({
        method: z.enum(['electronic', 'direct', 'post']),
        deliveredOn: isoDate,
        by: z.string(),
        at: instant,
        signedByApplicant: z.boolean().optional(),
      })
      .optional()
      .openapi({
        description: '送达（行政许可法第四十四条）：方式与日期，申请人签收时 signedByApplicant 为 true',
      }),
    deliveryOverdueNotifiedAt: instant.optional().openapi({ description: '已通报送达超期的时间' }),
    recognitionWithdrawals: z
      .array(
        z.object({
          origin: z.string(),
          resultNo: z.string(),
          reasonZh: z.string().openapi({ description: '来源省份撤销的理由' }),
          revokedAt: instant,
          at: instant.openapi({ description: '本省撤回互认、恢复审查的时间' }),
          recognition: recognitionProvenanceSchema,
        }),
      )
      .optional()
      .openapi({ description: '因来源省份撤销而撤回的互认（事项恢复审查）' }),
    pledge: itemPledgeSchema.optional(),
  })
  .openapi('CaseItem', { description: '办件中的一个审批事项' });

export const materialRefSchema = z
  .object({
    code: z.string().openapi({ description: '材料代码' }),
    sha256: z.string().optional(),
    fileName: z.string().optional(),
    submittedAt: instant,
  })
  .openapi('MaterialRef', { description: '已提交的材料' });

export const preReviewFindingSchema = z
  .object({
    severity: z.enum(['error', 'warning']),
    code: z.string(),
    messageZh: z.string(),
    itemCode: z.string().optional(),
    materialCode: z.string().optional(),
  })
  .openapi('PreReviewFinding', { description: '智能预审意见' });

export const deficiencyCommitmentSchema = z
  .object({
    materialCode: z.string(),
    itemCode: z.string(),
    grantedDays: z.number().int().openapi({ description: '补齐期限（工作日，自受理起算）' }),
    deadline: isoDate.openapi({ description: '最后补齐日' }),
    provisional: z.boolean().openapi({ description: '期限落在尚未公布节假日安排的年份，为暂定' }),
    status: z.enum(['open', 'supplemented', 'overdue']),
    supplementedAt: instant.optional(),
    remindedAt: instant.optional(),
  })
  .openapi('DeficiencyCommitment', { description: '容缺承诺：缺少的材料及补齐期限' });

export const correctionRequestSchema = z
  .object({
    round: z.number().int(),
    requestedAt: instant,
    requestedBy: z.string(),
    missing: z.array(z.string()),
    reason: z.string(),
    resolvedAt: instant.optional(),
  })
  .openapi('CorrectionRequest', { description: '一次性告知补正' });

export const feedbackRecordSchema = z
  .object({
    satisfaction: z.number().int().min(1).max(5).openapi({ description: '满意度 1–5 分' }),
    comment: z.string().optional(),
    at: instant,
    by: z.string(),
  })
  .openapi('FeedbackRecord', { description: '服务评价' });

export const stageCaseData = z
  .object({
    id: z.string(),
    province: z.string(),
    projectId: z.string(),
    projectCode: z.string().openapi({ description: '投资项目统一代码' }),
    projectName: z.string(),
    applicant: z.object({ creditCode: z.string(), name: z.string() }),
    partnerProvinces: z.array(z.string()),
    stage,
    priority: z.number().int().optional().openapi({ description: '优先级，1 最高' }),
    status: caseStatus,
    round: z.number().int().openapi({ description: '补正轮次' }),
    submittedAt: instant,
    submittedBy: z.string(),
    acceptDueDate: isoDate.openapi({ description: '受理时限最后一日' }),
    acceptProvisional: z.boolean(),
    acceptOverdueNotified: z.boolean().optional(),
    acceptDeemedOn: isoDate
      .optional()
      .openapi({ description: '视为受理日（行政许可法第三十二条：届时仍未作受理决定即视为受理）' }),
    materials: z.array(materialRefSchema),
    preReview: z.array(preReviewFindingSchema),
    acceptance: z
      .object({
        outcome: z.enum(['accept', 'acceptWithDeficiencies', 'correction', 'refuse']),
        by: z.string(),
        unit: z.string(),
        at: instant,
        reasons: z.string().optional(),
        missing: z.array(z.string()).optional(),
        deemed: z
          .boolean()
          .optional()
          .openapi({ description: '视为受理（行政许可法第三十二条：逾期未作受理决定）' }),
      })
      .optional()
      .openapi({ description: '受理决定' }),
    firstReceiver: z
      .object({ officerId: z.string(), name: z.string(), unit: z.string(), since: instant })
      .optional()
      .openapi({ description: '首接负责单位' }),
    items: z.array(caseItemSchema),
    deficiencies: z.array(deficiencyCommitmentSchema),
    corrections: z.array(correctionRequestSchema),
    feedback: feedbackRecordSchema.optional(),
    closedAt: instant.optional(),
    stageClosedAt: instant.optional(),
    feedbackRequestedAt: instant.optional(),
    feedbackRemindedAt: instant.optional(),
    terminationReason: z.string().optional(),
    agency: caseAgencySchema.optional(),
    jointReviews: z.array(jointReviewSchema).optional(),
  })
  .openapi('StageCaseData', { description: '阶段办件（不含版本号）' });

export const stageCaseResponse = withVersion(stageCaseData, 'StageCase', '阶段办件及其版本号');
export const stageCasePage = page(stageCaseResponse, 'StageCasePage');

export const preReviewResultSchema = z
  .object({
    findings: z.array(preReviewFindingSchema),
    items: z.array(z.string()).openapi({ description: '本阶段将办理的事项代码' }),
  })
  .openapi('PreReviewResult', { description: '智能预审结果（不保存）' });

export const itemProgressSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    department: z.string(),
    status: itemStatus,
    promisedDays: z.number().int(),
    statutoryDays: z.number().int(),
    startDate: isoDate.optional(),
    elapsedDays: z.number().int().openapi({ description: '已用工作日（不计暂停）' }),
    remainingDays: z.number().int().optional().openapi({ description: '剩余工作日，负数为逾期' }),
    dueDate: isoDate.optional().openapi({ description: '承诺时限到期日' }),
    provisional: z.boolean().openapi({ description: '到期日为暂定（节假日安排未公布）' }),
    statutoryDueDate: isoDate.optional(),
    lamp,
    clockStopped: z.boolean(),
    stoppedDays: z.number().int(),
    procedureOverrun: z
      .object({
        procedureType: z.enum(SPECIAL_PROCEDURE_TYPES),
        from: isoDate,
        expectedDays: z.number().int(),
        latestEnd: isoDate,
        overrunDays: z.number().int(),
      })
      .optional()
      .openapi({ description: '特别程序超过预计时间（亮红灯）及超出的工作日数' }),
    deliveryDueDate: isoDate.optional().openapi({ description: '送达期限（决定之日起10个工作日）' }),
    deliveredOn: isoDate.optional(),
    deliveryMethod: z.enum(['electronic', 'direct', 'post']).optional(),
    deliverySigned: z.boolean().optional().openapi({ description: '申请人已在线签收' }),
    deliveryLamp: lamp.optional().openapi({ description: '送达亮灯' }),
    revocation: z
      .object({
        reasonZh: z.string(),
        at: instant,
        origin: z.string().optional().openapi({ description: '撤销结果的来源省份（互认撤回时）' }),
        resultNo: z.string().optional(),
      })
      .optional()
      .openapi({ description: '审批决定已撤销（本省撤销，或互认所依据的合作省份结果被撤销），含理由' }),
    pledge: z
      .object({
        signedAt: instant,
        contentHash: z.string(),
        checkDueDate: isoDate,
        checkStatus: z.enum(['scheduled', 'passed', 'failed']),
        checkOverdue: z.boolean().openapi({ description: '事后核查已过期限仍未记录' }),
        checkReasonsZh: z.string().optional(),
      })
      .optional()
      .openapi({ description: '告知承诺批准：事后核查状态与期限' }),
  })
  .openapi('ItemProgress', { description: '事项的时限、亮灯与计时状态' });

export const stageBudgetSchema = z
  .object({
    stage,
    caseId: z.string(),
    status: caseStatus,
    promisedDays: z.number().int().openapi({ description: '阶段承诺时限（工作日）' }),
    startDate: isoDate.optional().openapi({ description: '阶段计时起点（受理日）' }),
    usedDays: z.number().int().openapi({ description: '已用工作日（扣除计时中止，互认事项不计）' }),
    remainingDays: z.number().int().openapi({ description: '剩余工作日，超期为负数' }),
    stoppedDays: z.number().int().openapi({ description: '全部在办事项均中止计时的工作日' }),
    deadline: isoDate.optional().openapi({ description: '阶段办结期限（按当前中止情况推算）' }),
    provisional: z.boolean(),
    lamp,
    closed: z.boolean(),
  })
  .openapi('StageBudget', { description: '阶段时限：承诺时限、已用与剩余工作日、期限与亮灯' });

const projectBudgetFields = {
  projectId: z.string(),
  flowClass: z.enum(['standard', 'simple']).openapi({ description: '一般项目或简易项目' }),
  budgetDays: z
    .number()
    .int()
    .openapi({ description: '全流程审批时间（工作日；国办发〔2019〕11号：≤120，简易项目≤90）' }),
  usedDays: z.number().int().openapi({ description: '各阶段已用工作日之和' }),
  leftDays: z.number().int().openapi({ description: '剩余工作日（不小于0）' }),
  overrunDays: z.number().int().openapi({ description: '超出全流程审批时间的工作日' }),
  lamp,
};

export const projectBudgetSchema = z
  .object({ ...projectBudgetFields, stages: z.array(stageBudgetSchema) })
  .openapi('ProjectBudget', { description: '项目全流程审批时间：预算、已用、剩余、亮灯与各阶段' });

export const caseProgressSchema = z
  .object({
    caseId: z.string(),
    status: caseStatus,
    step: z.enum(STEPS).openapi({ description: '当前步骤：申请、受理、审查、批准、监督、反馈' }),
    steps: z.array(z.object({ step: z.enum(STEPS), state: z.enum(['done', 'current', 'pending']) })),
    lamp,
    acceptDueDate: isoDate,
    acceptOverdue: z.boolean(),
    items: z.array(itemProgressSchema),
    deficiencies: z.array(deficiencyCommitmentSchema.extend({ overdue: z.boolean() })),
    stageClock: stageBudgetSchema.optional(),
    projectBudget: z
      .object(projectBudgetFields)
      .optional()
      .openapi({ description: '所属项目的全流程审批时间（已用与剩余工作日、亮灯）' }),
    rejection: z
      .object({
        items: z.array(z.object({ code: z.string(), name: z.string(), reasonsZh: z.string() })),
        remedyZh: z.string(),
      })
      .optional()
      .openapi({ description: '不予批准：各事项的理由，以及申请人可以依法采取的救济途径' }),
  })
  .openapi('CaseProgress', { description: '六步进度、各事项时限与亮灯' });

export const caseProgressViewSchema = z
  .object({
    case: stageCaseData,
    version,
    progress: caseProgressSchema,
    timeline: z.array(
      z.object({
        seq: z.number().int(),
        type: z.string(),
        labelZh: z.string().openapi({ description: '事件的中文名称' }),
        at: instant,
        actor: z.string(),
        agency: timelineAgencySchema.optional(),
      }),
    ),
  })
  .openapi('CaseProgressView', { description: '办件、进度与时间线（来自审计记录）' });

export const inboxItemSchema = z
  .object({
    caseId: z.string(),
    caseVersion: version,
    projectCode: z.string(),
    projectName: z.string(),
    stage,
    priority: z.number().int().optional(),
    item: itemProgressSchema,
    proposedRefusal: z
      .object({ by: z.string(), at: instant, reasons: z.string() })
      .optional()
      .openapi({ description: '拟不予批准，待部门负责人签发' }),
  })
  .openapi('InboxItem', { description: '部门待审的一个事项' });
export const inboxPage = page(inboxItemSchema, 'InboxPage');

export const auditEventSchema = z
  .object({
    eventId: z.string().optional(),
    stream: z.string().openapi({ description: '审计流，如 stageCase/C-1' }),
    seq: z.number().int(),
    prevHash: z.string(),
    hash: z.string().openapi({ description: 'SHA-256，覆盖流、序号、前一哈希与内容' }),
    type: z.string(),
    actor: z.string(),
    at: instant,
    data: z
      .record(z.string(), z.unknown())
      .openapi({ description: '事件内容，随事件类型而定（按事件类型的第 1 版结构）' }),
  })
  .openapi('AuditEvent', { description: '审计记录中的一个事件（哈希链，只增不改）' });

export const unreadableAuditEventSchema = z
  .object({
    stream: z.string(),
    seq: z.number().int(),
    unreadable: z.string().openapi({ description: '该事件无法读取的原因（存储内容损坏）' }),
  })
  .openapi('UnreadableAuditEvent', { description: '存储已损坏、无法读取的审计事件：只给出位置与原因' });

export const auditTrailSchema = z
  .object({ events: z.array(z.union([auditEventSchema, unreadableAuditEventSchema])) })
  .openapi('AuditTrail');

export const chainBreakSchema = z
  .enum([
    'unreadable',
    'hashMismatch',
    'prevHashMismatch',
    'seqGap',
    'truncated',
    'headMismatch',
    'checkpointMismatch',
  ])
  .openapi('ChainBreak', {
    description:
      '断裂原因：unreadable 事件损坏无法读取；hashMismatch 内容被改；prevHashMismatch/seqGap 链接断开；truncated 链尾被删（短于存储的链头）；headMismatch 与链头不符；checkpointMismatch 与已签名的审计检查点不符（整链重算式改写）',
  });

export const chainVerificationSchema = z
  .object({
    valid: z.boolean(),
    length: z.number().int(),
    firstBrokenSeq: z.number().int().optional().openapi({ description: '第一个校验不通过的事件序号' }),
    reason: chainBreakSchema.optional(),
    headHash: z.string(),
    checkpointId: z.string().optional().openapi({ description: '据以校验的最近审计检查点' }),
  })
  .openapi('ChainVerification', { description: '审计哈希链校验结果' });
