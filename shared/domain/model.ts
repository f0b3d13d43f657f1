/**
 * The entities of the green channel. Names follow docs/GLOSSARY.md (Chinese term → code name).
 * Dates without time are `YYYY-MM-DD` in Asia/Shanghai; instants are ISO-8601 UTC strings.
 */

/** A calendar date `YYYY-MM-DD` in Asia/Shanghai. */
export type IsoDate = string;
/** An instant, ISO-8601 in UTC. */
export type Instant = string;

export const STAGES = [
  'projectApproval',
  'worksPermit',
  'constructionPermit',
  'completionAcceptance',
] as const;
export type Stage = (typeof STAGES)[number];

/** The three priorities (三个优先); order in this list is priority order. */
export const PROJECT_CATEGORIES = ['nationalKey', 'provincialKey', 'majorLivelihood', 'emergency'] as const;
export type ProjectCategory = (typeof PROJECT_CATEGORIES)[number];

/** 全流程审批时间 class of a project: standard (≤120 working days) or simple (≤90). */
export const FLOW_CLASSES = ['standard', 'simple'] as const;
export type FlowClass = (typeof FLOW_CLASSES)[number];

export const ROLES = [
  'applicant',
  'windowOfficer',
  'reviewer',
  'supervisor',
  'auditor',
  'admin',
  'partner',
  /** 分管领导: the province leader in charge, told at the last rung of the escalation ladder; reads only */
  'leader',
] as const;
export type Role = (typeof ROLES)[number];

/** Who acts. Applicants act for an organisation (credit code); reviewers for a department. */
export interface Actor {
  id: string;
  name: string;
  role: Role;
  /** applicant: the organisation's unified social credit code */
  creditCode?: string;
  /** reviewer: the department code */
  department?: string;
  /** window officer / supervisor: the unit they belong to (e.g. 省政务服务中心绿色通道专窗) */
  unit?: string;
  /** partner: the province code of the partner deployment */
  province?: string;
  /** reviewer: the department's lead (部门负责人), who receives escalations of level 2 */
  lead?: boolean;
}

export type AdmissionStatus = 'notApplied' | 'pending' | 'admitted' | 'rejected' | 'exited';

export interface EligibilityResult {
  eligible: boolean;
  /** 1 is the highest priority */
  priority?: number;
  /** machine codes of the rules that passed or failed, with Chinese explanations */
  reasons: { code: string; messageZh: string; passed: boolean }[];
}

export interface Admission {
  status: AdmissionStatus;
  priority?: number;
  eligibility?: EligibilityResult;
  appliedAt?: Instant;
  decidedAt?: Instant;
  decidedBy?: string;
  /** the supervisor's reasons for the decision */
  reasons?: string;
}

export interface Project {
  id: string;
  province: string;
  /** 投资项目统一代码 */
  projectCode: string;
  name: string;
  owner: { creditCode: string; name: string };
  category: ProjectCategory;
  /** divisionCode: 行政区划代码 (GB/T 2260, county or prefecture), which places it on 一张图 */
  location: { city: string; district?: string; address?: string; divisionCode?: string };
  /** total investment in 万元 (10,000 RMB) */
  investmentWan: number;
  governmentInvested: boolean;
  partnerProvinces: string[];
  promisedCompletion?: IsoDate;
  /** 全流程审批时间 class (project-budget.ts); standard when absent */
  flowClass?: FlowClass;
  admission: Admission;
  /** 年度评估: one entry per reviewed year; two late years in a row propose exit (退出机制) */
  annualReviews?: {
    year: number;
    late: boolean;
    reasonsZh: string[];
    /** 容错纠错: the delay was objective and recorded as excusable, with evidence */
    excusable?: { reasonZh: string; evidence: string[]; by: string; at: Instant };
    reviewedAt: Instant;
  }[];
  /** a pending exit proposal from the yearly review, for the supervisor to confirm or excuse */
  exitProposal?: {
    year: number;
    at: Instant;
    reasonsZh: string[];
    /** lateYears (two late years, the yearly review) when absent; abuse: 滥用容缺/告知承诺 */
    ground?: 'lateYears' | 'abuse';
  };
  /** 资源共享: materials the applicant shared with the partner provinces (content stays here) */
  sharedMaterials?: {
    materialCode: string;
    sha256: string;
    size: number;
    contentType: string;
    sharedAt: Instant;
  }[];
  /** 专窗代办: registered by the green-channel desk on the owner's behalf */
  agency?: Agency;
  /** 公开同意: the owner agreed to publish the project's progress (信息公开); off when absent */
  publicDisclosure?: import('./public-disclosure.js').PublicDisclosure;
  createdAt: Instant;
  createdBy: string;
}

/** 专窗代办: the desk officer (代办人) who acted, and the enterprise they acted for. */
export interface Agency {
  agent: { id: string; name: string; unit: string };
  onBehalfOf: { creditCode: string; name: string };
  at: Instant;
}

/** 专窗代办 of a stage case: the enterprise's 确认 (or refusal) of what the desk filed for it. */
export interface CaseAgency extends Agency {
  /** material code of the enterprise's signed 授权委托书 among the case's materials */
  authorisationMaterial: string;
  confirmation?: {
    outcome: 'confirmed' | 'declined';
    by: string;
    name: string;
    at: Instant;
    reasonZh?: string;
  };
}

export type CaseStatus =
  | 'submitted' // waiting for acceptance (受理)
  | 'correctionRequested' // 补正: waiting for the applicant
  | 'underReview' // 审查
  | 'approved' // 批准: all items approved
  | 'rejected' // at least one item rejected
  | 'refused' // 不予受理
  | 'terminated'; // e.g. 容缺 not supplemented

/** The six steps of the closed loop. */
export const STEPS = ['apply', 'accept', 'review', 'approve', 'supervise', 'feedback'] as const;
export type Step = (typeof STEPS)[number];

export type AcceptanceOutcome = 'accept' | 'acceptWithDeficiencies' | 'correction' | 'refuse';

export interface MaterialRef {
  /** material code from the catalogue */
  code: string;
  /** content hash (sha256 hex) of the submitted file, if any */
  sha256?: string;
  fileName?: string;
  submittedAt: Instant;
}

export interface PreReviewFinding {
  severity: 'error' | 'warning';
  code: string;
  messageZh: string;
  itemCode?: string;
  materialCode?: string;
}

export type ClockStopKind = 'correction' | 'deficiency' | 'specialProcedure';
/**
 * 特别程序: the first eight are the ones 行政许可法第四十五条 names (听证、招标、拍卖、检验、检测、
 * 检疫、鉴定、专家评审); the rest stop the clock only where a province's config names a basis.
 */
export const SPECIAL_PROCEDURE_TYPES = [
  'hearing',
  'tendering',
  'auction',
  'inspection',
  'testing',
  'quarantine',
  'appraisal',
  'expertReview',
  'siteVisit',
  'publicNotice',
  'jointReview',
] as const;
export type SpecialProcedureType = (typeof SPECIAL_PROCEDURE_TYPES)[number];
export const ART45_PROCEDURE_TYPES: readonly SpecialProcedureType[] = SPECIAL_PROCEDURE_TYPES.slice(0, 8);

/** A person named on a record by id and name (never free text someone typed). */
export interface PersonRef {
  id: string;
  name: string;
}

/** An interval during which an item's clock does not run. `to` absent: still stopped. */
export interface ClockStop {
  kind: ClockStopKind;
  from: IsoDate;
  to?: IsoDate;
  procedureType?: SpecialProcedureType;
  reason?: string;
  /** records before lead approval: the approver as typed (kept readable, never written now) */
  approvedBy?: string;
  /** 特别程序: the reviewer who asked and the department lead who approved (special-procedure.ts) */
  requestedBy?: PersonRef;
  approver?: PersonRef;
  /** expected working days (≤ the type's configured maximum) and the last day of that time */
  expectedDays?: number;
  maxDays?: number;
  latestEnd?: IsoDate;
  /** 特别程序告知书 as sent to the applicant */
  noticeZh?: string;
  /** 联合审查: the meeting this stop belongs to */
  jointReviewId?: string;
  /** the sweeper escalated the overrun (once) */
  overrunEscalatedAt?: Instant;
}

export type ItemStatus =
  | 'inReview'
  | 'correctionRequested'
  | 'specialProcedure'
  | 'approved'
  | 'rejected'
  /** 互认: a partner province's result counts; not reviewed again, its time counts as zero */
  | 'recognised';
export type ItemOutcome = 'approve' | 'reject';
export type Lamp = 'green' | 'yellow' | 'red';

export interface CaseItem {
  code: string;
  name: string;
  department: string;
  statutoryDays: number;
  promisedDays: number;
  status: ItemStatus;
  /** first day of the clock (acceptance date) */
  startDate?: IsoDate;
  clockStops: ClockStop[];
  /** open correction request of this item: what is missing */
  correction?: { requestedAt: Instant; missing: string[]; reason: string };
  decision?: {
    outcome: ItemOutcome;
    by: string;
    at: Instant;
    reasons?: string;
    /** 电子证照 number for approvals */
    resultNo?: string;
    /** sha256 of the canonical decision, for partners to verify */
    resultHash?: string;
    /** 容缺 with policy 'withhold': the result is issued once the missing materials arrive */
    resultWithheld?: boolean;
    /** 互认: where the recognised result came from (origin province, decision, signature, time) */
    recognition?: RecognitionProvenance;
    /** 撤销 (行政许可法第六十九条): the approval was revoked later; the decision stays for the record */
    revoked?: { by: string; at: Instant; reasonZh: string };
    /** 不予批准 only: the department lead who signed off the refusal `by` proposed */
    signedOffBy?: string;
    /** 告知承诺: approved at once on the applicant's signed commitment (pledge-approval.ts) */
    onCommitment?: boolean;
  };
  /** 特别程序申请: a reviewer's request waiting for the department lead's approval */
  specialProcedureRequest?: {
    procedureType: SpecialProcedureType;
    reason: string;
    expectedDays: number;
    by: PersonRef;
    at: Instant;
  };
  /** 拟不予批准: a reviewer's refusal waiting for the department lead's sign-off (签发) */
  proposedRefusal?: { by: string; at: Instant; reasons: string };
  /** refusals the lead sent back (退回), for the record */
  refusalReturns?: { proposedBy: string; reasons: string; by: string; at: Instant; commentZh?: string }[];
  /**
   * 互认撤回: recognitions withdrawn because the origin province revoked its result; the item went
   * back to review. Kept for the record, newest last.
   */
  recognitionWithdrawals?: RecognitionWithdrawal[];
  /** 转办: the reviewer currently holding the item, when one was named */
  assignee?: { id: string; name: string; since: Instant };
  /** every hand-over of the item, for the integrity check of the annual evaluation */
  assignments?: { from?: string; to: string; toName: string; by: string; at: Instant; reasonZh: string }[];
  /**
   * the case version at which this item's reviewable state (status, clock stops, correction,
   * decision, holder) last changed: `If-Match` on an item action is checked against it, so
   * departments deciding other items in parallel never make each other's decisions stale
   */
  changedAtVersion?: number;
  /** the most severe lamp already announced by the sweeper, so it announces each change once */
  lampNotified?: Lamp;
  /** 督办升级: each level of the escalation ladder told about this overdue item, once */
  escalations?: EscalationRecord[];
  /** 延长审查期限 (行政许可法第四十二条): the one extension request of this item and its answer */
  extension?: import('./extension.js').ItemExtension;
  /** 送达 (行政许可法第四十四条): how and when the decision reached the applicant */
  delivery?: import('./delivery.js').ItemDelivery;
  /** the sweeper announced the missed delivery window (once) */
  deliveryOverdueNotifiedAt?: Instant;
  /** 告知承诺: the signed commitment the approval rests on, and its 事后核查 */
  pledge?: ItemPledge;
}

/** 告知承诺书 signed for one item, and the post-approval check (事后核查) it is subject to. */
export interface ItemPledge {
  textZh: string;
  /** sha256 of what the applicant signed (pledge-approval.ts pledgeContent) */
  contentHash: string;
  creditCode: string;
  signedBy: string;
  signerName: string;
  signedAt: Instant;
  check: {
    dueDate: IsoDate;
    status: 'scheduled' | 'passed' | 'failed';
    by?: string;
    at?: Instant;
    reasonsZh?: string;
    /** the sweeper told the department once that the check is due */
    remindedAt?: Instant;
  };
}

/** A recognition withdrawn after the origin revoked the result it rested on. */
export interface RecognitionWithdrawal {
  origin: string;
  resultNo: string;
  reasonZh: string;
  /** when the origin revoked it */
  revokedAt: Instant;
  /** when this province withdrew the recognition */
  at: Instant;
  /** the recognised decision as it was */
  recognition: RecognitionProvenance;
}

/** One rung of the escalation ladder reached by an overdue item: who was told, when, and why. */
export interface EscalationRecord {
  level: number;
  role: 'reviewer' | 'departmentLead' | 'firstReceiver' | 'workingGroup' | 'chairLeader';
  nameZh: string;
  /** the first notification address told (see Notification.address); all of them in `recipients` */
  address: string;
  /** everyone this rung told, with who they are; absent on records written before it was kept */
  recipients?: { address: string; nameZh: string }[];
  at: Instant;
  overdueDays: number;
}

/**
 * An in-app notice. Addresses: `user:<id>`, `role:<role>`, `dept:<code>`, `dept:<code>:lead`,
 * `unit:<unit>` (e.g. the first receiver's window), `org:<creditCode>` (an applicant organisation).
 */
export interface Notification {
  id: string;
  address: string;
  type: string;
  titleZh: string;
  bodyZh: string;
  caseId?: string;
  projectId?: string;
  itemCode?: string;
  createdAt: Instant;
  readAt?: Instant;
}

/** 投诉: an applicant's complaint about a case, tracked to closure. */
export interface Complaint {
  id: string;
  caseId: string;
  projectCode: string;
  creditCode: string;
  textZh: string;
  status: 'open' | 'handling' | 'closed';
  filedAt: Instant;
  filedBy: string;
  handling: { at: Instant; by: string; noteZh: string }[];
  closedAt?: Instant;
  resolutionZh?: string;
}

export interface RecognitionProvenance {
  origin: string;
  eventId: string;
  caseId: string;
  itemCode: string;
  resultNo: string;
  resultHash: string;
  contentHash: string;
  signature: string;
  keyId: string;
  decidedAt: Instant;
  receivedAt: Instant;
}

export interface DeficiencyCommitment {
  materialCode: string;
  itemCode: string;
  /** working days granted to supplement, counted from acceptance */
  grantedDays: number;
  /** last day to supplement */
  deadline: IsoDate;
  provisional: boolean;
  status: 'open' | 'supplemented' | 'overdue';
  supplementedAt?: Instant;
  /** the applicant was reminded before the deadline */
  remindedAt?: Instant;
}

export interface CorrectionRequest {
  round: number;
  requestedAt: Instant;
  requestedBy: string;
  missing: string[];
  reason: string;
  resolvedAt?: Instant;
}

export interface Feedback {
  satisfaction: 1 | 2 | 3 | 4 | 5;
  comment?: string;
  at: Instant;
  by: string;
}

export interface StageCase {
  id: string;
  province: string;
  projectId: string;
  projectCode: string;
  projectName: string;
  applicant: { creditCode: string; name: string };
  /** copied from the project: partners receive this case's signed results */
  partnerProvinces: string[];
  stage: Stage;
  priority?: number;
  status: CaseStatus;
  /** correction rounds so far; each resubmission starts a new acceptance round */
  round: number;
  submittedAt: Instant;
  submittedBy: string;
  /** last day for the acceptance decision (受理时限) */
  acceptDueDate: IsoDate;
  acceptProvisional: boolean;
  /**
   * 视为受理日 (行政许可法第三十二条): the working day after the correction-notice limit of this round;
   * a case still waiting then counts as accepted from that day
   */
  acceptDeemedOn?: IsoDate;
  /** the sweeper announced the missed acceptance deadline */
  acceptOverdueNotified?: boolean;
  materials: MaterialRef[];
  preReview: PreReviewFinding[];
  acceptance?: {
    outcome: AcceptanceOutcome;
    by: string;
    unit: string;
    at: Instant;
    reasons?: string;
    missing?: string[];
    /** 视为受理 (行政许可法第三十二条): nobody acted within the acceptance limit; `at` is the deemed day */
    deemed?: boolean;
  };
  /** 首接负责制: the accepting officer's unit coordinates the case end to end */
  firstReceiver?: { officerId: string; name: string; unit: string; since: Instant };
  items: CaseItem[];
  deficiencies: DeficiencyCommitment[];
  corrections: CorrectionRequest[];
  feedback?: Feedback;
  closedAt?: Instant;
  /** set by the workflow's last task once results and feedback requests went out */
  stageClosedAt?: Instant;
  /** 满意度回访: when the applicant was asked for feedback, and reminded once if silent */
  feedbackRequestedAt?: Instant;
  feedbackRemindedAt?: Instant;
  terminationReason?: string;
  /** 专窗代办: filed by the desk for the applicant, waiting for or carrying its 确认 */
  agency?: CaseAgency;
  /** 联合审查 meetings convened for items of this case (joint-review.ts) */
  jointReviews?: JointReview[];
}

export type JointReviewOpinion = 'pass' | 'revise' | 'fail';
/**
 * 联合审查: a meeting of several departments on items of one case. Its outcome per item is an
 * opinion for the deciding department, never a decision; its minutes are a material of the case.
 */
export interface JointReview {
  id: string;
  itemCodes: string[];
  departments: string[];
  /** meeting time (ISO instant) and where: a place, a video link, or both */
  meetingAt: Instant;
  place?: string;
  videoLink?: string;
  convener: PersonRef & { role: Role };
  convenedAt: Instant;
  /** the province counts joint review as a special procedure: the items' clocks stop until the outcome */
  stopsClock: boolean;
  status: 'convened' | 'recorded';
  minutes?: { sha256: string; fileName: string; recordedAt: Instant; by: PersonRef };
  outcomes?: { itemCode: string; opinion: JointReviewOpinion; commentZh?: string }[];
}

/** An applicant organisation's standing: credit marks bar it from 容缺. */
export interface Organisation {
  creditCode: string;
  name: string;
  creditMarks: { at: Instant; caseId: string; reason: string }[];
}

/** An administrator-loaded year of the holiday arrangement (国务院办公厅 notice). */
export interface CalendarYear {
  year: number;
  holidays: IsoDate[];
  workdays: IsoDate[];
  source?: string;
  loadedAt: Instant;
  loadedBy: string;
}

/** A stored document with its optimistic-concurrency version (1 after creation). */
export interface Versioned<T> {
  value: T;
  version: number;
}

/**
 * 容缺受理承诺书: the applicant's own signed promise, before acceptance, to supplement the listed
 * secondary materials within the days it names. The window relies on it for 容缺受理 (the window
 * still grants the days; the letter stands in for a paper signature at the counter).
 */
export interface CommitmentLetter {
  caseId: string;
  projectCode: string;
  creditCode: string;
  /** what the applicant promises to supplement, and within how many working days after acceptance */
  materials: { itemCode: string; materialCode: string; materialName: string; days: number }[];
  /** the exact text the applicant read and signed */
  textZh: string;
  /** sha256 of the canonical signed content (materials and text), for later verification */
  contentHash: string;
  signedBy: string;
  signerName: string;
  signedAt: Instant;
}
