/**
 * 动态调整与退出机制: the yearly review of admitted projects. A project is late in a year when an
 * item of its stage cases ran past its promised limit in that year, or when it missed its promised
 * completion. Two late years in a row propose exit, unless a year was recorded as excusable
 * (容错纠错: an objective delay, with evidence), which then never counts.
 */
import type { WorkingCalendar } from './calendar.js';
import { shanghaiDate } from './calendar.js';
import { conflict, invalid } from './errors.js';
import type { Instant, IsoDate, Project, Stage, StageCase } from './model.js';
import { elapsedWorkingDays } from './time-limits.js';

export type AnnualReview = NonNullable<Project['annualReviews']>[number];
export type ExitProposal = NonNullable<Project['exitProposal']>;

export interface Lateness {
  late: boolean;
  /** why, in Chinese, one line per finding */
  reasonsZh: string[];
}

const STAGE_NAMES_ZH: Record<Stage, string> = {
  projectApproval: '立项用地规划许可',
  worksPermit: '工程建设许可',
  constructionPermit: '施工许可',
  completionAcceptance: '竣工验收',
};

const yearEnd = (year: number): IsoDate => `${year}-12-31`;
const yearStart = (year: number): IsoDate => `${year}-01-01`;

/** The day the completion-acceptance stage was approved, if it was. */
function completionApprovedOn(cases: StageCase[]): IsoDate | undefined {
  const days = cases
    .filter((c) => c.stage === 'completionAcceptance' && c.status === 'approved' && c.closedAt)
    .map((c) => shanghaiDate(c.closedAt!))
    .sort();
  return days[0];
}

/**
 * Whether the project was late in `year`, and why. An item counts in the year it was decided after
 * its promised limit, and in every year at whose end it was still undecided and overdue (clock
 * stops excluded; items recognised from a partner took no time here). The promised completion counts
 * in every year from the promise until the completion acceptance was approved.
 */
export function lateInYear(
  project: Project,
  cases: StageCase[],
  year: number,
  cal: WorkingCalendar,
): Lateness {
  const end = yearEnd(year);
  const start = yearStart(year);
  const reasonsZh: string[] = [];
  for (const c of [...cases].sort((a, b) => (a.submittedAt < b.submittedAt ? -1 : 1))) {
    if (c.projectId !== project.id) continue;
    const closedOn = c.closedAt ? shanghaiDate(c.closedAt) : undefined;
    for (const item of c.items) {
      if (!item.startDate || item.startDate > end || item.decision?.recognition) continue;
      const decidedOn = item.decision ? shanghaiDate(item.decision.at) : undefined;
      const label = `${STAGE_NAMES_ZH[c.stage]}办件 ${c.id} 的事项「${item.name}」`;
      if (decidedOn !== undefined && decidedOn >= start && decidedOn <= end) {
        const used = elapsedWorkingDays(cal, item.startDate, item.clockStops, decidedOn);
        if (used > item.promisedDays) {
          reasonsZh.push(
            `${label}于 ${decidedOn} 作出决定，用时 ${used} 个工作日，超过承诺时限 ${item.promisedDays} 个工作日`,
          );
        }
      } else if ((decidedOn === undefined || decidedOn > end) && (closedOn === undefined || closedOn > end)) {
        const used = elapsedWorkingDays(cal, item.startDate, item.clockStops, end);
        if (used > item.promisedDays) {
          reasonsZh.push(
            `${label}截至 ${end} 尚未作出决定，已用 ${used} 个工作日，超过承诺时限 ${item.promisedDays} 个工作日`,
          );
        }
      }
    }
  }
  const promised = project.promisedCompletion;
  if (promised && promised <= end) {
    const approvedOn = completionApprovedOn(cases.filter((c) => c.projectId === project.id));
    const missed = approvedOn === undefined || approvedOn > promised;
    const stillOpenInYear = approvedOn === undefined || approvedOn >= start;
    if (missed && stillOpenInYear) {
      reasonsZh.push(
        approvedOn === undefined || approvedOn > end
          ? `项目承诺于 ${promised} 竣工，截至 ${end} 竣工验收尚未通过`
          : `项目承诺于 ${promised} 竣工，竣工验收于 ${approvedOn} 方才通过，晚于承诺`,
      );
    }
  }
  return { late: reasonsZh.length > 0, reasonsZh };
}

/** A year counts towards exit when it was reviewed late and not recorded as excusable. */
const counts = (r: AnnualReview | undefined): r is AnnualReview => !!r && r.late && !r.excusable;

/**
 * 退出机制: late in `year` and in `year - 1`, both reviewed and neither excused, proposes exit.
 * Returns undefined when the rule does not apply.
 */
export function proposeExit(
  reviews: readonly AnnualReview[],
  year: number,
): Omit<ExitProposal, 'at'> | undefined {
  const current = reviews.find((r) => r.year === year);
  const previous = reviews.find((r) => r.year === year - 1);
  if (!counts(current) || !counts(previous)) return undefined;
  return {
    year,
    reasonsZh: [
      `连续两个年度（${year - 1}、${year} 年）未按承诺完成，依退出机制建议退出绿色通道`,
      ...previous.reasonsZh.map((r) => `${year - 1} 年度：${r}`),
      ...current.reasonsZh.map((r) => `${year} 年度：${r}`),
    ],
  };
}

/**
 * Records the year's review on an admitted project (once per year) and, when the two-years rule
 * applies, the exit proposal. Returns the project unchanged when the year was already reviewed.
 */
export function recordAnnualReview(
  project: Project,
  year: number,
  lateness: Lateness,
  at: Instant,
): { next: Project; review?: AnnualReview; proposal?: ExitProposal } {
  if (project.admission.status !== 'admitted') {
    throw conflict('PROJECT_NOT_ADMITTED', '项目不在绿色通道内，不进行年度复核');
  }
  const reviews = project.annualReviews ?? [];
  if (reviews.some((r) => r.year === year)) return { next: project };
  const review: AnnualReview = { year, late: lateness.late, reasonsZh: lateness.reasonsZh, reviewedAt: at };
  const annualReviews = [...reviews, review].sort((a, b) => a.year - b.year);
  const proposed = proposeExit(annualReviews, year);
  const proposal = proposed ? { ...proposed, at } : undefined;
  return {
    next: { ...project, annualReviews, ...(proposal ? { exitProposal: proposal } : {}) },
    review,
    ...(proposal ? { proposal } : {}),
  };
}

export interface ExitDecision {
  decision: 'exit' | 'excuse';
  reasonZh: string;
  /** required for 容错纠错: what shows the delay was objective */
  evidence?: string[];
}

/**
 * The supervisor's decision on a pending exit proposal: exit (the project loses green-channel status
 * and priority) or excuse the proposal's year as 容错纠错 (it never counts again).
 */
export function decideExit(
  project: Project,
  d: ExitDecision,
  by: string,
  at: Instant,
): { next: Project; proposal: ExitProposal } {
  const reasonZh = d.reasonZh.trim();
  if (!reasonZh) throw invalid('REASONS_REQUIRED', '退出或容错决定须说明理由');
  if (project.admission.status !== 'admitted') {
    throw conflict('PROJECT_NOT_ADMITTED', '项目不在绿色通道内，不能作出退出或容错决定');
  }
  const proposal = project.exitProposal;
  if (!proposal) throw conflict('EXIT_NOT_PROPOSED', '项目没有待决定的退出建议');
  const { exitProposal: _cleared, ...rest } = project;
  if (d.decision === 'exit') {
    const { priority: _dropped, ...admission } = project.admission;
    return {
      next: {
        ...rest,
        admission: { ...admission, status: 'exited', decidedAt: at, decidedBy: by, reasons: reasonZh },
      },
      proposal,
    };
  }
  // 滥用: no year of lateness to excuse; the supervisor dismisses the proposal with reasons
  if (proposal.ground === 'abuse') return { next: rest, proposal };
  const evidence = (d.evidence ?? []).map((e) => e.trim()).filter(Boolean);
  if (evidence.length === 0) {
    throw invalid('EVIDENCE_REQUIRED', '容错纠错须提供说明延误属客观原因的证明材料');
  }
  const reviews = project.annualReviews ?? [];
  if (!reviews.some((r) => r.year === proposal.year)) {
    throw conflict('ANNUAL_REVIEW_MISSING', '退出建议所依据的年度复核记录不存在');
  }
  return {
    next: {
      ...rest,
      annualReviews: reviews.map((r) =>
        r.year === proposal.year ? { ...r, excusable: { reasonZh, evidence, by, at } } : r,
      ),
    },
    proposal,
  };
}
