import { authorize } from '../domain/authz.js';
import { AgencyService } from './agency.js';
import { AnalyticsService } from './analytics.js';
import { ApprovalMapService } from './approval-map.js';
import { AuditService, writeCheckpoint } from './audit.js';
import { CalendarService } from './calendar.js';
import { CaseService } from './cases.js';
import { CommitmentLetterService } from './commitment-letters.js';
import { ComplaintService } from './complaints.js';
import { type Ctx, SYSTEM_ACTOR } from './context.js';
import { CoordinationService } from './coordination.js';
import { DashboardService } from './dashboard.js';
import type { Deps } from './deps.js';
import { ExitReviewService } from './exit-review.js';
import { ExtensionDeliveryService } from './extension-delivery.js';
import { JointReviewService } from './joint-reviews.js';
import { NotificationService } from './notifications.js';
import { PartnerService } from './partners.js';
import { PledgeApprovalService } from './pledge-approval.js';
import { ProjectService } from './projects.js';
import { PublicDisclosureService } from './public-disclosure.js';
import { deliverScheduledReports } from './report-delivery.js';
import { ReportService } from './reports.js';
import { ResultService } from './results.js';
import { resumeOpenWorkflows } from './resume.js';
import { SpecialProcedureService } from './special-procedures.js';
import { runSweep } from './sweeper.js';
import { TokenRevocationService } from './token-revocations.js';
import { relayOutbox } from './unit-of-work.js';
import { createWorkflowTasks } from './workflow-tasks.js';

/*
 * The pieces below are what createServices is made of; a Lambda function that calls only some of
 * them (workflow tasks, partner events, the relay, the sweeper) composes just those, so its bundle
 * leaves out the services it never calls (functions/aws/compose.ts).
 */

/** The working calendar and the case service every other service builds on. */
export function createCaseServices(deps: Deps) {
  const calendar = new CalendarService(deps);
  return { calendar, cases: new CaseService(deps, calendar) };
}

/** The partner service: a recognised partner project applies its recognitions to open cases. */
export function createPartnerService(deps: Deps, cases: CaseService) {
  return new PartnerService(deps, (projectCode) => cases.applyRecognitionsForProject(projectCode));
}

/** The deadline sweeper: on a schedule as the system, or on demand by a supervisor. */
export function createSweep(
  deps: Deps,
  cases: CaseService,
  calendar: CalendarService,
  reports: ReportService,
) {
  return async (ctx: Ctx = { actor: SYSTEM_ACTOR }) => {
    authorize(ctx.actor, 'sweep.run');
    const report = await runSweep(deps, cases, calendar);
    // the working group's weekly and monthly reports go out with the first sweep after their time
    const reportsSent = await deliverScheduledReports(deps, reports, calendar);
    // Each run also anchors the audit trail: a checkpoint when any stream moved since the last.
    await writeCheckpoint(deps);
    return { ...report, reportsSent };
  };
}

/** The province's use cases, built once per runtime from its ports. */
export function createServices(deps: Deps) {
  const { calendar, cases } = createCaseServices(deps);
  const projects = new ProjectService(deps);
  const partners = createPartnerService(deps, cases);
  const reports = new ReportService(deps, calendar);
  return {
    deps,
    calendar,
    projects,
    cases,
    specialProcedures: new SpecialProcedureService(deps, cases, calendar),
    jointReviews: new JointReviewService(deps, cases, calendar),
    /** 专窗代办: the green-channel desk files for enterprises, which confirm */
    agency: new AgencyService(deps, projects, cases, calendar),
    commitmentLetters: new CommitmentLetterService(deps, cases, calendar),
    coordination: new CoordinationService(deps, calendar),
    audit: new AuditService(deps),
    partners,
    exitReview: new ExitReviewService(deps, calendar),
    /** 延长审查期限 and 送达 (行政许可法第四十二条、第四十四条) */
    extensionDelivery: new ExtensionDeliveryService(deps, cases, calendar),
    pledges: new PledgeApprovalService(deps, cases, calendar),
    complaints: new ComplaintService(deps),
    notifications: new NotificationService(deps),
    tokenRevocations: new TokenRevocationService(deps),
    reports,
    approvalMap: new ApprovalMapService(deps, calendar),
    /** 卡点分析 and 风险预警 */
    analytics: new AnalyticsService(deps, calendar),
    /** 工作台: the supervisor's home page */
    dashboard: new DashboardService(deps, calendar),
    /** 信息公开: the applicant's consent and the public project status, statistics and guide */
    publicDisclosure: new PublicDisclosureService(deps, calendar),
    results: new ResultService(deps),
    /** publishes what the outbox holds (on a schedule; commits also kick it) */
    relayOutbox: () => relayOutbox(deps),
    workflowTasks: createWorkflowTasks(deps, cases),
    resumeWorkflows: () => resumeOpenWorkflows(deps),
    /** the deadline sweeper: on a schedule as the system, or on demand by a supervisor */
    sweep: createSweep(deps, cases, calendar, reports),
    /** 审计检查点 on its own, for a timer or a test */
    auditCheckpoint: () => writeCheckpoint(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
