import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import { actor } from './auth/session';
import { homeOf } from './lib/navigation';

/**
 * Hash routes: the console is one file at the province's `/`, so no route can collide with an API
 * path, and the same build works behind the API, CloudFront or a plain bucket without rewrites.
 * Pages load on demand; the sign-in page is all a new visitor downloads.
 */
const page = (roles: string[] | undefined, title: string) => ({ roles, title });

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', redirect: () => ({ name: homeOf(actor()?.role) }) },
  {
    path: '/sign-in',
    name: 'signIn',
    component: () => import('./pages/SignIn.vue'),
    meta: { public: true, title: '登录' },
  },
  // 申请人
  {
    path: '/applicant/projects',
    name: 'applicantProjects',
    component: () => import('./pages/applicant/MyProjects.vue'),
    meta: page(['applicant'], '我的项目'),
  },
  {
    path: '/applicant/projects/:projectId',
    name: 'applicantProject',
    component: () => import('./pages/applicant/ProjectDetail.vue'),
    meta: page(['applicant'], '项目详情'),
  },
  {
    path: '/applicant/apply/:projectId/:stage',
    name: 'applicantApply',
    component: () => import('./pages/applicant/ApplyStage.vue'),
    meta: page(['applicant'], '阶段申请'),
  },
  {
    path: '/applicant/cases',
    name: 'applicantCases',
    component: () => import('./pages/applicant/MyCases.vue'),
    meta: page(['applicant'], '我的办件'),
  },
  // every role: one case, its six steps and items
  {
    path: '/cases/:caseId',
    name: 'caseDetail',
    component: () => import('./pages/CaseDetail.vue'),
    meta: page(undefined, '办件详情'),
  },
  {
    path: '/notifications',
    name: 'notifications',
    component: () => import('./pages/Notifications.vue'),
    meta: page(undefined, '消息通知'),
  },
  // 窗口（专窗）
  {
    path: '/window/queue',
    name: 'windowQueue',
    component: () => import('./pages/window/AcceptanceQueue.vue'),
    meta: page(['windowOfficer'], '受理队列'),
  },
  {
    path: '/window/cases/:caseId',
    name: 'windowAccept',
    component: () => import('./pages/window/AcceptCase.vue'),
    meta: page(['windowOfficer'], '受理办件'),
  },
  {
    path: '/window/agency',
    name: 'windowAgency',
    component: () => import('./pages/window/AgencyFiling.vue'),
    meta: page(['windowOfficer'], '专窗代办'),
  },
  {
    path: '/window/deficiencies',
    name: 'windowDeficiencies',
    component: () => import('./pages/window/DeficiencyLedger.vue'),
    meta: page(['windowOfficer'], '容缺台账'),
  },
  {
    path: '/coordinator/cases',
    name: 'coordinatorCases',
    component: () => import('./pages/coordinator/CoordinatedCases.vue'),
    meta: page(['windowOfficer'], '首接负责办件'),
  },
  // 审查
  {
    path: '/review/inbox',
    name: 'reviewInbox',
    component: () => import('./pages/review/DepartmentInbox.vue'),
    meta: page(['reviewer'], '部门待审'),
  },
  {
    path: '/review/cases/:caseId/items/:itemCode',
    name: 'reviewItem',
    component: () => import('./pages/review/ReviewItem.vue'),
    meta: page(['reviewer'], '事项审查'),
  },
  // 监督 / 审计
  // 工作台: the supervisor's and the leader's home page
  {
    path: '/dashboard',
    name: 'dashboard',
    component: () => import('./pages/supervision/Dashboard.vue'),
    meta: page(['supervisor', 'auditor', 'leader'], '工作台'),
  },
  {
    path: '/supervision/projects',
    name: 'supervisionProjects',
    component: () => import('./pages/supervision/Projects.vue'),
    meta: page(['supervisor', 'auditor'], '项目与准入'),
  },
  {
    path: '/supervision/cases',
    name: 'supervisionCases',
    component: () => import('./pages/supervision/Cases.vue'),
    meta: page(['supervisor', 'auditor', 'admin', 'leader'], '办件总览'),
  },
  // 一张图: the province view and each project's view
  {
    path: '/map',
    name: 'approvalMap',
    component: () => import('./pages/supervision/ApprovalMap.vue'),
    meta: page(['supervisor', 'auditor', 'leader'], '一张图'),
  },
  {
    path: '/map/projects/:projectId',
    name: 'projectMap',
    component: () => import('./pages/supervision/ProjectMap.vue'),
    meta: page(['supervisor', 'auditor', 'leader'], '项目一张图'),
  },
  {
    path: '/reports/weekly-dispatch',
    name: 'weeklyDispatch',
    component: () => import('./pages/supervision/WeeklyDispatch.vue'),
    meta: page(['supervisor', 'auditor', 'leader'], '周调度'),
  },
  {
    path: '/reports/analytics',
    name: 'bottlenecks',
    component: () => import('./pages/supervision/Bottlenecks.vue'),
    meta: page(['supervisor', 'auditor', 'leader'], '卡点分析'),
  },
  {
    path: '/reports/forecast',
    name: 'earlyWarning',
    component: () => import('./pages/supervision/EarlyWarning.vue'),
    meta: page(['supervisor', 'auditor', 'leader'], '风险预警'),
  },
  {
    path: '/reports/monthly-bulletin',
    name: 'monthlyBulletin',
    component: () => import('./pages/supervision/MonthlyBulletin.vue'),
    meta: page(['supervisor', 'auditor'], '月通报'),
  },
  {
    path: '/reports/annual-evaluation',
    name: 'annualEvaluation',
    component: () => import('./pages/supervision/AnnualEvaluation.vue'),
    meta: page(['supervisor', 'auditor'], '年度评估'),
  },
  {
    path: '/supervision/complaints',
    name: 'complaints',
    component: () => import('./pages/supervision/Complaints.vue'),
    meta: page(['supervisor', 'auditor'], '投诉'),
  },
  {
    path: '/supervision/exit-reviews',
    name: 'exitReviews',
    component: () => import('./pages/supervision/ExitReviews.vue'),
    meta: page(['supervisor'], '退出复核'),
  },
  {
    path: '/audit',
    name: 'auditVerification',
    component: () => import('./pages/supervision/AuditVerification.vue'),
    meta: page(['supervisor', 'auditor'], '审计校验'),
  },
  // 电子批文: the printable result for those who may read its case, and its public verification
  {
    path: '/results/:resultNo',
    name: 'resultDocument',
    component: () => import('./pages/results/ResultDocument.vue'),
    meta: page(undefined, '电子批文'),
  },
  {
    path: '/verify',
    name: 'verifyResult',
    component: () => import('./pages/results/VerifyResult.vue'),
    meta: { public: true, title: '电子批文核验' },
  },
  // 信息公开: anyone, no sign-in
  {
    path: '/public/projects',
    name: 'publicProject',
    component: () => import('./pages/public/PublicProject.vue'),
    meta: { public: true, title: '项目公开查询' },
  },
  {
    path: '/public/statistics',
    name: 'publicStatistics',
    component: () => import('./pages/public/PublicStatistics.vue'),
    meta: { public: true, title: '统计公开' },
  },
  {
    path: '/public/guide',
    name: 'publicGuide',
    component: () => import('./pages/public/PublicGuide.vue'),
    meta: { public: true, title: '操作指南' },
  },
  // 管理
  {
    path: '/admin/token-revocations',
    name: 'tokenRevocations',
    component: () => import('./pages/admin/TokenRevocations.vue'),
    meta: page(['admin'], '登录凭证吊销'),
  },
  {
    path: '/:rest(.*)',
    name: 'notFound',
    component: () => import('./pages/NotFound.vue'),
    meta: { title: '页面不存在' },
  },
];

export const router = createRouter({ history: createWebHashHistory(), routes });

router.beforeEach((to) => {
  const who = actor();
  if (to.meta.public) return true;
  if (!who) return { name: 'signIn', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
  const roles = to.meta.roles as string[] | undefined;
  if (roles && !roles.includes(who.role)) return { name: homeOf(who.role) };
  return true;
});

router.afterEach((to) => {
  const title = to.meta.title as string | undefined;
  document.title = title ? `${title} · 工程绿色通道` : '工程绿色通道';
});
