/** What each role finds in the menu; the first entry is where they land after signing in. */
export interface NavEntry {
  name: string;
  label: string;
}

export const NAV_BY_ROLE: Record<string, NavEntry[]> = {
  applicant: [
    { name: 'applicantProjects', label: '我的项目' },
    { name: 'applicantCases', label: '我的办件' },
    { name: 'notifications', label: '消息通知' },
  ],
  windowOfficer: [
    { name: 'windowQueue', label: '受理队列' },
    { name: 'windowAgency', label: '专窗代办' },
    { name: 'windowDeficiencies', label: '容缺台账' },
    { name: 'coordinatorCases', label: '首接负责办件' },
    { name: 'notifications', label: '消息通知' },
  ],
  reviewer: [
    { name: 'reviewInbox', label: '部门待审' },
    { name: 'notifications', label: '消息通知' },
  ],
  supervisor: [
    { name: 'dashboard', label: '工作台' },
    { name: 'supervisionProjects', label: '项目与准入' },
    { name: 'supervisionCases', label: '办件总览' },
    { name: 'approvalMap', label: '一张图' },
    { name: 'weeklyDispatch', label: '周调度' },
    { name: 'earlyWarning', label: '风险预警' },
    { name: 'bottlenecks', label: '卡点分析' },
    { name: 'monthlyBulletin', label: '月通报' },
    { name: 'annualEvaluation', label: '年度评估' },
    { name: 'complaints', label: '投诉处理' },
    { name: 'exitReviews', label: '退出复核' },
    { name: 'auditVerification', label: '审计校验' },
    { name: 'notifications', label: '消息通知' },
  ],
  // 分管领导: the last rung of the escalation ladder, reads the dispatch list and the cases escalated
  leader: [
    { name: 'dashboard', label: '工作台' },
    { name: 'weeklyDispatch', label: '周调度' },
    { name: 'approvalMap', label: '一张图' },
    { name: 'earlyWarning', label: '风险预警' },
    { name: 'bottlenecks', label: '卡点分析' },
    { name: 'supervisionCases', label: '办件总览' },
    { name: 'notifications', label: '消息通知' },
  ],
  auditor: [
    { name: 'supervisionCases', label: '办件总览' },
    { name: 'approvalMap', label: '一张图' },
    { name: 'supervisionProjects', label: '项目总览' },
    { name: 'annualEvaluation', label: '年度评估' },
    { name: 'monthlyBulletin', label: '月通报' },
    { name: 'weeklyDispatch', label: '周调度' },
    { name: 'complaints', label: '投诉记录' },
    { name: 'auditVerification', label: '审计校验' },
  ],
  admin: [
    { name: 'supervisionCases', label: '办件总览' },
    { name: 'notifications', label: '消息通知' },
    { name: 'tokenRevocations', label: '登录凭证吊销' },
  ],
};

export function homeOf(role: string | undefined): string {
  return (role && NAV_BY_ROLE[role]?.[0]?.name) || 'signIn';
}
