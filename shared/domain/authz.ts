import { DomainError } from './errors.js';
import type { Actor, Role } from './model.js';

/** Every action a person or partner can take; the HTTP API maps each operation to one. */
export const ACTIONS = [
  'project.register',
  'project.read',
  'admission.apply',
  'admission.decide',
  'case.submit',
  'case.read',
  'case.accept',
  'case.resubmit',
  'case.supplement',
  'case.feedback',
  'case.terminate',
  'item.decide',
  'item.correction',
  'item.specialProcedure',
  'item.approveSpecialProcedure',
  'jointReview.convene',
  'inbox.read',
  'acceptanceQueue.read',
  'audit.read',
  'calendar.read',
  'calendar.manage',
  'sweep.run',
  'project.share',
  'project.disclose',
  'partnerProject.read',
  'partnerMaterial.read',
  'report.read',
  'map.read',
  'exitReview.run',
  'exitReview.decide',
  'complaint.file',
  'complaint.read',
  'complaint.handle',
  'item.assign',
  'item.signOffRefusal',
  'item.requestExtension',
  'item.decideExtension',
  'item.recordDelivery',
  'item.signForDelivery',
  'item.revoke',
  'item.pledge',
  'item.pledgeCheck',
  'caseMaterial.read',
  'coordination.read',
  'token.revoke',
  'agency.file',
  'agency.confirm',
] as const;
export type Action = (typeof ACTIONS)[number];

/** What the rule needs to know about the thing acted on. */
export interface ResourceScope {
  /** credit code of the organisation that owns the project or case */
  ownerCreditCode?: string;
  /** departments holding items of the case (for reviewers reading a case) */
  departments?: string[];
  /** the department of the single item acted on */
  itemDepartment?: string;
  /** the reviewer currently holding that item, if one was named */
  itemAssignee?: string;
  /** the unit of the case's first receiver (首接负责), once accepted */
  firstReceiverUnit?: string;
  /** the province's green-channel desk (专窗代办 is its officers' alone) */
  windowUnit?: string;
}

type Rule = (actor: Actor, scope: ResourceScope) => boolean;

const owner: Rule = (a, s) => a.role === 'applicant' && !!a.creditCode && a.creditCode === s.ownerCreditCode;
const role =
  (...roles: Role[]): Rule =>
  (a) =>
    roles.includes(a.role);
const reviewerOfItem: Rule = (a, s) =>
  a.role === 'reviewer' && !!a.department && a.department === s.itemDepartment;
const reviewerOfCase: Rule = (a, s) =>
  a.role === 'reviewer' && !!a.department && (s.departments ?? []).includes(a.department);
const anyOf =
  (...rules: Rule[]): Rule =>
  (a, s) =>
    rules.some((r) => r(a, s));

/** Staff who may read everything in the province; auditors are read-only by construction. */
const staffReader = role('windowOfficer', 'supervisor', 'auditor', 'admin');

const RULES: Record<Action, Rule> = {
  'project.register': owner,
  'project.read': anyOf(owner, staffReader, role('reviewer', 'leader')),
  'admission.apply': owner,
  'admission.decide': role('supervisor'),
  'case.submit': owner,
  // 分管领导 follows the cases escalated to them, read-only like a supervisor
  'case.read': anyOf(owner, staffReader, role('leader'), reviewerOfCase),
  'case.accept': role('windowOfficer'),
  'case.resubmit': owner,
  'case.supplement': owner,
  'case.feedback': owner,
  'case.terminate': role('supervisor'),
  'item.decide': reviewerOfItem,
  'item.correction': reviewerOfItem,
  'item.specialProcedure': reviewerOfItem,
  // 特别程序须经批准: the department lead approves (or starts) the clock stop, not the reviewer asking
  'item.approveSpecialProcedure': (a, s) => reviewerOfItem(a, s) && a.lead === true,
  // 联合审查: a reviewer of one of the case's departments, or the 首接负责 window that coordinates it
  'jointReview.convene': anyOf(
    reviewerOfCase,
    (a, s) => a.role === 'windowOfficer' && !!a.unit && a.unit === s.firstReceiverUnit,
  ),
  'inbox.read': role('reviewer'),
  'acceptanceQueue.read': role('windowOfficer', 'supervisor'),
  'audit.read': anyOf(owner, role('supervisor', 'auditor', 'admin')),
  'calendar.read': () => true,
  'calendar.manage': role('admin'),
  'sweep.run': role('admin', 'supervisor'),
  'project.share': owner,
  // 公开同意: only the applicant decides whether its project's progress is published
  'project.disclose': owner,
  // a partner's project is read by the staff who may handle it here, and by its own applicant
  'partnerProject.read': anyOf(owner, staffReader, role('reviewer')),
  // shared content only for the reviewers handling a local case of that project
  'partnerMaterial.read': reviewerOfCase,
  // dispatch lists, bulletins and the annual evaluation: supervisors, auditors and the leader (read-only), the window
  'report.read': role('supervisor', 'auditor', 'admin', 'windowOfficer', 'leader'),
  // 一张图 shows every project's standing: those who supervise or evaluate, not the desk
  'map.read': role('supervisor', 'auditor', 'leader'),
  'exitReview.run': role('supervisor', 'admin'),
  'exitReview.decide': role('supervisor'),
  'complaint.file': owner,
  'complaint.read': anyOf(owner, staffReader),
  'complaint.handle': role('supervisor'),
  // 转办 within the department: by its lead, or handed on by the reviewer who holds the item
  'item.assign': (a, s) => reviewerOfItem(a, s) && (a.lead === true || a.id === s.itemAssignee),
  // 拒绝须上一级签发: a refusal takes effect with the department lead's signature (not the proposer's)
  'item.signOffRefusal': (a, s) => reviewerOfItem(a, s) && a.lead === true,
  // 延长审查期限 (行政许可法第四十二条): a reviewer of the item asks, the department's lead approves
  'item.requestExtension': reviewerOfItem,
  'item.decideExtension': (a, s) => reviewerOfItem(a, s) && a.lead === true,
  // 送达 (行政许可法第四十四条): the window delivers, or the applicant signs for it in the console
  'item.recordDelivery': role('windowOfficer'),
  'item.signForDelivery': owner,
  'item.revoke': role('supervisor'),
  // 告知承诺: only the applicant organisation commits; the item's department checks afterwards
  'item.pledge': owner,
  'item.pledgeCheck': reviewerOfItem,
  // 登录凭证吊销: the province's administrator withdraws a leaked or misissued token
  'token.revoke': role('admin'),
  // the content of a case's materials: its applicant, the window that checks them, its reviewers, supervisors
  'caseMaterial.read': anyOf(owner, role('windowOfficer', 'supervisor', 'leader'), reviewerOfCase),
  // 首接负责 and the 容缺 ledger are the window unit's own cases; an officer without a unit has none
  'coordination.read': (a) => a.role === 'windowOfficer' && !!a.unit,
  // 专窗代办: an officer of the province's own green-channel desk files for an enterprise
  'agency.file': (a, s) => a.role === 'windowOfficer' && !!a.unit && a.unit === s.windowUnit,
  // 确认: only the enterprise filed for adopts (or disowns) the filing
  'agency.confirm': owner,
};

export function can(actor: Actor, action: Action, scope: ResourceScope = {}): boolean {
  return RULES[action](actor, scope);
}

/** Throws a 403 DomainError naming the action when the actor may not do it. */
export function authorize(actor: Actor, action: Action, scope: ResourceScope = {}): void {
  if (!can(actor, action, scope)) {
    throw new DomainError('forbidden', 'FORBIDDEN', `当前用户无权执行此操作（${ACTION_NAMES_ZH[action]}）`, {
      action,
    });
  }
}

export const ACTION_NAMES_ZH: Record<Action, string> = {
  'project.register': '登记项目',
  'project.read': '查看项目',
  'admission.apply': '申请纳入绿色通道',
  'admission.decide': '决定准入',
  'case.submit': '提交阶段申请',
  'case.read': '查看办件',
  'case.accept': '受理办件',
  'case.resubmit': '补正后重新提交',
  'case.supplement': '补交材料',
  'case.feedback': '评价服务',
  'case.terminate': '终止办件',
  'item.decide': '审批事项决定',
  'item.correction': '要求补正',
  'item.specialProcedure': '特别程序',
  'item.approveSpecialProcedure': '批准特别程序',
  'jointReview.convene': '召集联合审查',
  'inbox.read': '查看待办',
  'acceptanceQueue.read': '查看待受理',
  'audit.read': '查看审计记录',
  'calendar.read': '查看工作日历',
  'calendar.manage': '维护工作日历',
  'sweep.run': '运行时限巡检',
  'project.share': '共享材料',
  'project.disclose': '同意公开项目办理进度',
  'partnerProject.read': '查看合作省份项目',
  'partnerMaterial.read': '查看合作省份共享材料',
  'report.read': '查看督办与通报',
  'map.read': '查看一张图',
  'exitReview.run': '运行年度准入复核',
  'exitReview.decide': '决定退出或容错',
  'complaint.file': '投诉',
  'complaint.read': '查看投诉',
  'complaint.handle': '办理投诉',
  'item.assign': '转办审批事项',
  'item.signOffRefusal': '签发或退回不予批准意见',
  'item.requestExtension': '申请延长审查期限',
  'item.decideExtension': '审批延长审查期限',
  'item.recordDelivery': '记录送达',
  'item.signForDelivery': '签收审批决定',
  'item.revoke': '撤销审批决定',
  'item.pledge': '签署告知承诺书',
  'item.pledgeCheck': '记录事后核查',
  'caseMaterial.read': '查看办件材料',
  'coordination.read': '查看首接负责办件',
  'token.revoke': '吊销登录凭证',
  'agency.file': '专窗代办',
  'agency.confirm': '确认专窗代办申请',
};
