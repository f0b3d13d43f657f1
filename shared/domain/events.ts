import { z } from 'zod';

/**
 * The audit and domain events, by type (past tense, one name per fact), with the Chinese label a
 * person reads on a timeline. Version 1 of every event's data is what the services write today.
 */
export const EVENT_LABELS_ZH = {
  ProjectRegistered: '项目登记',
  AdmissionApplied: '申请纳入绿色通道',
  ProjectAdmitted: '准予纳入绿色通道',
  AdmissionRejected: '不予纳入绿色通道',
  CaseSubmitted: '提交申请',
  CaseAccepted: '受理',
  CaseAcceptedWithDeficiencies: '容缺受理',
  CommitmentLetterSigned: '申请人签署容缺受理承诺书',
  CorrectionRequested: '一次性告知补正',
  CaseRefused: '不予受理',
  CaseResubmitted: '补正后重新提交',
  ItemApproved: '事项批准',
  ItemRejected: '事项不予批准',
  ItemCorrectionRequested: '审查中告知补正',
  SpecialProcedureStarted: '特别程序开始',
  SpecialProcedureEnded: '特别程序结束',
  SpecialProcedureRequested: '申请特别程序，待部门负责人批准',
  SpecialProcedureDeclined: '部门负责人不予批准特别程序',
  SpecialProcedureOverdue: '特别程序超过预计时间',
  JointReviewConvened: '召集联合审查',
  JointReviewRecorded: '记录联合审查会议纪要和审查意见',
  MaterialsSupplemented: '补交材料',
  StageApproved: '阶段办结（批准）',
  StageRejected: '阶段办结（不予批准）',
  StageClosed: '结果送达并邀请评价',
  FeedbackGiven: '服务评价',
  CaseTerminated: '终止办理',
  CreditMarked: '记入信用记录',
  AgencyConfirmed: '申请单位确认专窗代办申请',
  AgencyDeclined: '申请单位不予确认专窗代办申请',
  AcceptanceOverdue: '受理超时',
  AcceptanceDeemed: '视为受理（逾期未作受理决定）',
  RefusalProposed: '拟不予批准，待部门负责人签发',
  RefusalReturned: '部门负责人退回不予批准意见',
  ExtensionRequested: '申请延长审查期限',
  ExtensionGranted: '部门负责人批准延长审查期限',
  ExtensionRefused: '部门负责人不予延长审查期限',
  DecisionDelivered: '审批决定送达',
  DeliveryOverdue: '审批决定送达超期',
  ItemAtRisk: '黄灯预警',
  ItemOverdue: '红灯超期',
  DeadlinesRecomputed: '按新节假日安排重算时限',
  CalendarYearLoaded: '加载节假日安排',
  ProjectShared: '向合作省份共享项目',
  ResultIssued: '向合作省份发送审批结果',
  MaterialShared: '向合作省份共享材料',
  PartnerProjectShared: '收到合作省份共享的项目',
  PartnerResultReceived: '收到合作省份的审批结果',
  PartnerCheckpointReceived: '收到合作省份的审计检查点',
  PartnerMaterialShared: '收到合作省份共享的材料',
  InboundEventRejected: '拒收合作省份事件',
  TokenRevoked: '吊销登录凭证',
  ItemRecognised: '互认合作省份审批结果',
  AnnualReviewRecorded: '年度准入复核',
  ExitProposed: '建议退出绿色通道',
  PublicDisclosureConsented: '同意公开项目办理进度',
  PublicDisclosureWithdrawn: '撤回公开项目办理进度的同意',
  ReportDelivered: '定期报告已发送专项工作组',
  ProjectExited: '退出绿色通道',
  DelayExcused: '容错纠错（延误免责）',
  ComplaintFiled: '投诉',
  ComplaintHandled: '办理投诉',
  ComplaintClosed: '投诉办结',
  NotificationCreated: '发出通知',
  ItemEscalated: '督办升级',
  DeficiencyReminded: '提醒补齐容缺材料',
  FeedbackReminded: '提醒评价',
  ItemReassigned: '转办',
  DecisionRevoked: '撤销审批决定',
  ResultRevoked: '向合作省份发送撤销决定',
  PartnerResultRevoked: '收到合作省份撤销审批结果',
  RecognitionWithdrawn: '撤回互认（来源省份已撤销），恢复审查',
  RecognitionRefused: '不予互认（项目单位与来源省份共享的不一致）',
  MaterialUploaded: '上传材料文件',
  RequestRefused: '拒绝越权请求',
  ItemApprovedOnCommitment: '告知承诺批准（事后核查）',
  PledgeCheckPassed: '事后核查通过',
  PledgeCheckFailed: '事后核查不通过（承诺不实）',
  PledgeCheckReminded: '提醒事后核查到期',
  AbuseExitDismissed: '驳回滥用退出建议',
} as const;

export type EventType = keyof typeof EVENT_LABELS_ZH;

export const eventLabelZh = (type: string): string =>
  (EVENT_LABELS_ZH as Record<string, string>)[type] ?? type;

/**
 * A domain event as it travels on the bus (the EventBridge `detail`). `version` is the version of
 * `data`'s shape for that type; receivers check it before reading `data`.
 */
export const domainEventSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  version: z.literal(1),
  source: z.string().regex(/^[A-Z]{2}$/),
  time: z.string().min(1).max(40),
  subject: z.string().min(1).max(300),
  data: z.record(z.string(), z.unknown()),
});

/** The data of the events that cross to partner provinces: the addressees and a signed envelope. */
export const crossProvinceEventDataSchema = z.object({
  partnerProvinces: z
    .array(z.string().regex(/^[A-Z]{2}$/))
    .min(1)
    .max(20),
  envelope: z.unknown(),
});

/** An EventBridge event carrying a domain event (as delivered to a target). */
export const busEventSchema = z.object({
  source: z.string().min(1).max(100),
  'detail-type': z.string().min(1).max(100),
  detail: domainEventSchema.extend({ data: crossProvinceEventDataSchema }),
});
