/**
 * 信息公开: what the public may see without signing in. Pure mappings; the service loads, the edge
 * caches and renders.
 *
 * - A project's public status exists only while its applicant (the owner organisation) consents
 *   (公开同意); without consent it is as unknown as a code never registered.
 * - The view names the project and where it stands, never who (credit code, people), why (reasons,
 *   corrections, opinions), what (materials) or how much (investment is left out on purpose: it is
 *   the owner's business figure, not a measure of the service).
 * - Timing follows reports.ts: an item is on time when its working days used (clock stops
 *   excluded) do not exceed its promised limit; items recognised from a partner (互认) spent no time
 *   here and never count against a stage.
 */
import type { ProvinceConfig } from '../config/province-config.js';
import { shanghaiDate, type WorkingCalendar } from './calendar.js';
import {
  type Instant,
  type IsoDate,
  PROJECT_CATEGORIES,
  type Project,
  type ProjectCategory,
  STAGES,
  STEPS,
  type Stage,
  type StageCase,
  type Step,
} from './model.js';
import { decidedItemsIn, STAGE_NAMES_ZH } from './reports.js';
import { elapsedWorkingDays } from './time-limits.js';

/** The applicant's consent to publish its project's progress, with who changed it and when. */
export interface PublicDisclosure {
  consented: boolean;
  by: string;
  at: Instant;
}

export const isPublished = (p: Pick<Project, 'publicDisclosure'>): boolean =>
  p.publicDisclosure?.consented === true;

export const PUBLIC_STAGE_STATES = ['notStarted', 'inProgress', 'approved', 'closedNotApproved'] as const;
export type PublicStageState = (typeof PUBLIC_STAGE_STATES)[number];

/**
 * onTime / late: a finished stage, every timed item within its promised limit or not.
 * withinLimit / overLimit: the open stage so far (acceptance within its limit, every item's clock
 * within its promised limit). null: nothing started or nothing timed (only recognised items).
 */
export const PUBLIC_TIMINGS = ['onTime', 'late', 'withinLimit', 'overLimit'] as const;
export type PublicTiming = (typeof PUBLIC_TIMINGS)[number];

export interface PublicStageStatus {
  stage: Stage;
  stageName: string;
  state: PublicStageState;
  /** the six steps of the closed loop for this stage's latest case, each done or not */
  steps: { step: Step; done: boolean }[];
  itemsTotal: number;
  itemsDone: number;
  timing: PublicTiming | null;
}

export interface PublicProjectView {
  projectCode: string;
  name: string;
  category: ProjectCategory;
  city: string;
  /** the furthest stage with a case; null before the first application */
  currentStage: Stage | null;
  stages: PublicStageStatus[];
  asOf: IsoDate;
}

const OPEN: readonly StageCase['status'][] = ['submitted', 'correctionRequested', 'underReview'];

function stateOf(c: StageCase | undefined): PublicStageState {
  if (!c) return 'notStarted';
  if (OPEN.includes(c.status)) return 'inProgress';
  return c.status === 'approved' ? 'approved' : 'closedNotApproved';
}

function stepsOf(c: StageCase | undefined): { step: Step; done: boolean }[] {
  const accepted =
    !!c?.acceptance &&
    (c.acceptance.outcome === 'accept' || c.acceptance.outcome === 'acceptWithDeficiencies');
  const reviewed = !!c && accepted && c.items.length > 0 && c.items.every((i) => !!i.decision);
  const done: Record<Step, boolean> = {
    apply: !!c,
    accept: accepted,
    review: reviewed,
    approve: c?.status === 'approved',
    // 监督: the workflow's last task sent results and feedback requests out
    supervise: !!c?.stageClosedAt,
    feedback: !!c?.feedback,
  };
  return STEPS.map((step) => ({ step, done: done[step] }));
}

function timingOf(cal: WorkingCalendar, c: StageCase | undefined, asOf: IsoDate): PublicTiming | null {
  if (!c) return null;
  const open = OPEN.includes(c.status);
  const timed = c.items.filter((i) => !i.decision?.recognition && i.startDate);
  if (open) {
    if (c.status === 'submitted' && !c.acceptance)
      return asOf <= c.acceptDueDate ? 'withinLimit' : 'overLimit';
    if (timed.length === 0) return c.status === 'underReview' ? null : 'withinLimit';
    const over = timed.some((i) => {
      const until = i.decision ? shanghaiDate(i.decision.at) : asOf;
      return elapsedWorkingDays(cal, i.startDate!, i.clockStops, until) > i.promisedDays;
    });
    return over ? 'overLimit' : 'withinLimit';
  }
  const decided = decidedItemsIn([c], '', cal).filter((d) => !d.recognised);
  if (decided.length === 0) return null;
  return decided.every((d) => d.onTime) ? 'onTime' : 'late';
}

/** The stage's latest case (a refused application may be followed by a new one). */
function latestOf(cases: readonly StageCase[], stage: Stage): StageCase | undefined {
  return cases
    .filter((c) => c.stage === stage)
    .sort((a, b) => a.submittedAt.localeCompare(b.submittedAt) || a.id.localeCompare(b.id))
    .at(-1);
}

/** The public status of a consented project; undefined when it must not be shown (no consent). */
export function publicProjectView(
  project: Project,
  cases: readonly StageCase[],
  cal: WorkingCalendar,
  asOf: IsoDate,
): PublicProjectView | undefined {
  if (!isPublished(project)) return undefined;
  const own = cases.filter((c) => c.projectId === project.id);
  const stages = STAGES.map((stage): PublicStageStatus => {
    const c = latestOf(own, stage);
    return {
      stage,
      stageName: STAGE_NAMES_ZH[stage],
      state: stateOf(c),
      steps: stepsOf(c),
      itemsTotal: c?.items.length ?? 0,
      itemsDone: c?.items.filter((i) => !!i.decision).length ?? 0,
      timing: timingOf(cal, c, asOf),
    };
  });
  const started = stages.filter((s) => s.state !== 'notStarted');
  return {
    projectCode: project.projectCode,
    name: project.name,
    category: project.category,
    city: project.location.city,
    currentStage: started.at(-1)?.stage ?? null,
    stages,
    asOf,
  };
}

// ------------------------------------------------------------------------------------------------
// 公开统计

export interface PublicStatistics {
  /** admitted projects now in the channel */
  projectsInChannel: number;
  /** items decided here (recognised ones excluded), to date */
  decidedItems: number;
  avgWorkingDaysPerItem: number | null;
  avgPromisedDaysPerItem: number | null;
  onTimeRate: number | null;
  /** average 1–5 feedback of rated cases, and how many were rated */
  satisfactionAvg: number | null;
  satisfactionCount: number;
  asOf: IsoDate;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const avg = (xs: number[]) => (xs.length === 0 ? null : round(xs.reduce((s, x) => s + x, 0) / xs.length, 2));

/** The province's headline figures to date, with the conventions of reports.ts (null, never 0, when empty). */
export function publicStatistics(
  /** admitted projects, as the store's status list counts them */
  projectsInChannel: number,
  cases: readonly StageCase[],
  cal: WorkingCalendar,
  asOf: IsoDate,
): PublicStatistics {
  const timed = decidedItemsIn(cases, '', cal).filter((d) => !d.recognised);
  const seen = new Set<string>();
  const rated: number[] = [];
  for (const c of cases) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    if (c.feedback) rated.push(c.feedback.satisfaction);
  }
  return {
    projectsInChannel,
    decidedItems: timed.length,
    avgWorkingDaysPerItem: avg(timed.map((d) => d.daysUsed)),
    avgPromisedDaysPerItem: avg(timed.map((d) => d.item.promisedDays)),
    onTimeRate: timed.length === 0 ? null : round(timed.filter((d) => d.onTime).length / timed.length, 4),
    satisfactionAvg: avg(rated),
    satisfactionCount: rated.length,
    asOf,
  };
}

// ------------------------------------------------------------------------------------------------
// 《工程绿色通道操作指南》

export const CATEGORY_NAMES_ZH: Readonly<Record<ProjectCategory, string>> = {
  nationalKey: '国家重点项目',
  provincialKey: '省重点项目',
  majorLivelihood: '重大民生项目',
  emergency: '突发事件应急工程',
};

export interface GuideMaterial {
  code: string;
  name: string;
  /** 实质性材料: never accepted under 容缺 */
  core: boolean;
  /** 容缺: may be supplemented after acceptance */
  deficiencyAllowed: boolean;
}

export interface GuideItem {
  code: string;
  name: string;
  department: string;
  departmentName: string;
  required: boolean;
  statutoryDays: number;
  promisedDays: number;
  pledgeAllowed: boolean;
  legalBasis?: string;
  materials: GuideMaterial[];
}

export interface OperationGuide {
  province: string;
  provinceName: string;
  windowUnit: string;
  admission: {
    categories: { category: ProjectCategory; nameZh: string; priority: number }[];
    minInvestmentWan: number;
    investmentExemptCategories: { category: ProjectCategory; nameZh: string }[];
  };
  acceptance: { days: number; correctionNoticeDays: number };
  flowBudget: { standard: number; simple: number };
  stages: {
    stage: Stage;
    name: string;
    leadDepartment: string;
    leadDepartmentName: string;
    promisedDays: number;
    items: GuideItem[];
  }[];
  deficiency: {
    maxDays: number;
    resultPolicy: 'withhold' | 'approveWithDeficiencies';
    /** applicants with this many credit marks or more may not use 容缺 */
    barredAfterCreditMarks: number;
  };
  pledge: { checkDays: number; items: { code: string; name: string }[] };
}

/** The guide of the province's configuration, as it stands: nothing is written by hand. */
export function operationGuide(cfg: ProvinceConfig): OperationGuide {
  const dept = new Map(cfg.departments.map((d) => [d.code, d.name]));
  const materials = new Map(cfg.materials.map((m) => [m.code, m]));
  const items = new Map(cfg.items.map((i) => [i.code, i]));
  const order = (c: ProjectCategory) => PROJECT_CATEGORIES.indexOf(c);
  return {
    province: cfg.code,
    provinceName: cfg.name,
    windowUnit: cfg.windowUnit,
    admission: {
      categories: [...cfg.admission.categories]
        .sort((a, b) => a.priority - b.priority || order(a.category) - order(b.category))
        .map((c) => ({ category: c.category, nameZh: CATEGORY_NAMES_ZH[c.category], priority: c.priority })),
      minInvestmentWan: cfg.admission.minInvestmentWan,
      investmentExemptCategories: cfg.admission.investmentExemptCategories.map((category) => ({
        category,
        nameZh: CATEGORY_NAMES_ZH[category],
      })),
    },
    acceptance: { ...cfg.acceptance },
    flowBudget: { ...cfg.flowBudget },
    stages: [...cfg.stages]
      .sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage))
      .map((s) => ({
        stage: s.stage,
        name: s.name,
        leadDepartment: s.leadDepartment,
        leadDepartmentName: dept.get(s.leadDepartment) ?? s.leadDepartment,
        promisedDays: s.promisedDays,
        items: s.items.flatMap((ref): GuideItem[] => {
          const item = items.get(ref.code);
          if (!item) return [];
          return [
            {
              code: item.code,
              name: item.name,
              department: item.department,
              departmentName: dept.get(item.department) ?? item.department,
              required: ref.required,
              statutoryDays: item.statutoryDays,
              promisedDays: item.promisedDays,
              pledgeAllowed: item.pledgeAllowed,
              ...(item.legalBasis ? { legalBasis: item.legalBasis } : {}),
              materials: item.materials.map((code) => ({
                code,
                name: materials.get(code)?.name ?? code,
                core: materials.get(code)?.core ?? true,
                deficiencyAllowed: item.deficiencyAllowed.includes(code),
              })),
            },
          ];
        }),
      })),
    deficiency: { ...cfg.deficiency },
    pledge: {
      checkDays: cfg.pledge.checkDays,
      items: cfg.items.filter((i) => i.pledgeAllowed).map((i) => ({ code: i.code, name: i.name })),
    },
  };
}
