/**
 * 一张图 (the approval map): where each admitted project sits on the province's map, how it stands
 * (its worst lamp) and, per project, its four stages with their items as nodes. Pure: the service
 * hands in the projects, their cases, the partner views and the calendar.
 */
import type { WorkingCalendar } from './calendar.js';
import type { LampThresholds } from './lamps.js';
import type {
  ClockStopKind,
  IsoDate,
  ItemStatus,
  Lamp,
  Project,
  ProjectCategory,
  Stage,
  StageCase,
} from './model.js';
import { STAGES } from './model.js';
import { caseProgress, itemProgress, worstLamp } from './progress.js';

/** A tile of the schematic map: one prefecture (or, in a municipality, one district). */
export interface GridTile {
  /** 行政区划代码 of the prefecture (XXXX00) or county/district */
  code: string;
  row: number;
  col: number;
}

/**
 * The schematic map of a province: no registry package ships prefecture boundaries, so each
 * prefecture is a tile placed by hand roughly where it lies (north up).
 */
export interface MapGrid {
  province: string;
  /** what a tile stands for: prefectures (省) or districts (直辖市) */
  level: 'prefecture' | 'county';
  tiles: GridTile[];
}

/** An entry of the province's part of GB/T 2260. */
export interface Division {
  code: string;
  name: string;
  level: 'prefecture' | 'county';
  /** the prefecture's code (itself for a prefecture) */
  prefecture: string;
}

export const DIVISION_CODE_RE = /^\d{6}$/;

/** GB/T 2260: digits 1–2 province, 3–4 prefecture, 5–6 county; the prefecture's own code ends in 00. */
export const prefectureOf = (code: string): string => `${code.slice(0, 4)}00`;

/** Why a division code cannot be a location here, or undefined when it can. */
export function divisionCodeProblem(
  code: string,
  regionPrefix: string,
  known: ReadonlySet<string>,
): 'format' | 'province' | 'unknown' | undefined {
  if (!DIVISION_CODE_RE.test(code)) return 'format';
  if (!code.startsWith(regionPrefix)) return 'province';
  // a province code (XX0000) names no place inside the province
  if (!known.has(code)) return 'unknown';
  return undefined;
}

/** The tile of a division code: its own tile where the grid has one (districts), else its prefecture's. */
export function placeOnGrid(grid: MapGrid, divisionCode: string | undefined): GridTile | undefined {
  if (!divisionCode) return undefined;
  return (
    grid.tiles.find((t) => t.code === divisionCode) ??
    grid.tiles.find((t) => t.code === prefectureOf(divisionCode))
  );
}

/** The furthest stage the project has filed a case for; undefined before its first case. */
export function currentStage(cases: Pick<StageCase, 'stage'>[]): Stage | undefined {
  let best = -1;
  for (const c of cases) best = Math.max(best, STAGES.indexOf(c.stage));
  return best < 0 ? undefined : STAGES[best];
}

const OPEN: ReadonlySet<StageCase['status']> = new Set(['submitted', 'correctionRequested', 'underReview']);

export interface ProjectStanding {
  stage?: Stage;
  /** worst of the open cases' items and acceptance, and of the project's budget */
  lamp: Lamp;
  openCases: number;
  redItems: number;
  yellowItems: number;
  /** departments with an item in any of the project's cases */
  departments: string[];
}

/**
 * How a project stands: closed cases no longer light anything (their overruns live in the budget
 * lamp, which counts every accepted case's days); recognised items count zero in both.
 */
export function projectStanding(
  cal: WorkingCalendar,
  cases: StageCase[],
  budgetLamp: Lamp,
  today: IsoDate,
  thresholds: LampThresholds,
  decidedOnOf: (at: string) => IsoDate,
): ProjectStanding {
  const lamps: Lamp[] = [budgetLamp];
  let redItems = 0;
  let yellowItems = 0;
  let openCases = 0;
  for (const c of cases) {
    if (!OPEN.has(c.status)) continue;
    openCases += 1;
    const p = caseProgress(cal, c, today, thresholds, decidedOnOf);
    lamps.push(p.lamp);
    for (const i of p.items) {
      if (i.status === 'approved' || i.status === 'rejected' || i.status === 'recognised') continue;
      if (i.lamp === 'red') redItems += 1;
      else if (i.lamp === 'yellow') yellowItems += 1;
    }
  }
  const stage = currentStage(cases);
  return {
    ...(stage ? { stage } : {}),
    lamp: worstLamp(lamps),
    openCases,
    redItems,
    yellowItems,
    departments: [...new Set(cases.flatMap((c) => c.items.map((i) => i.department)))].sort(),
  };
}

export interface MapFilter {
  stage?: Stage;
  priority?: number;
  category?: ProjectCategory;
  department?: string;
}

/** Whether a placed project passes the supervisor's filters (each absent filter passes all). */
export function matchesFilter(
  project: Pick<Project, 'category' | 'admission'>,
  standing: Pick<ProjectStanding, 'stage' | 'departments'>,
  f: MapFilter,
): boolean {
  if (f.stage && standing.stage !== f.stage) return false;
  if (f.priority !== undefined && project.admission.priority !== f.priority) return false;
  if (f.category && project.category !== f.category) return false;
  if (f.department && !standing.departments.includes(f.department)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// The project view

export interface BoardNode {
  caseId: string;
  code: string;
  name: string;
  department: string;
  status: ItemStatus;
  lamp: Lamp;
  dueDate?: IsoDate;
  elapsedDays: number;
  promisedDays: number;
  clockStopped: boolean;
  clockStops: { kind: ClockStopKind; from: IsoDate; to?: IsoDate }[];
  /** 互认: the result came from a partner province */
  recognisedFrom?: { origin: string; resultNo: string; decidedAt: string };
}

/** A partner province's result for the same project code, as its signed event told this province. */
export interface PartnerNode {
  origin: string;
  stage: string;
  itemCode: string;
  itemName: string;
  department: string;
  resultNo: string;
  decidedAt: string;
  /** the local items it stands for */
  localItems: string[];
  revoked: boolean;
}

export interface BoardStage {
  stage: Stage;
  /** the stage's latest case, whose items are the nodes; earlier rounds stay on their case pages */
  caseId?: string;
  caseStatus?: StageCase['status'];
  lamp?: Lamp;
  departments: { department: string; nodes: BoardNode[] }[];
  partner: PartnerNode[];
}

/** The four stages as columns, the latest case's items grouped by department, partners' results beside. */
export function projectBoard(
  cal: WorkingCalendar,
  cases: StageCase[],
  partnerResults: PartnerNode[],
  today: IsoDate,
  thresholds: LampThresholds,
  decidedOnOf: (at: string) => IsoDate,
): BoardStage[] {
  return STAGES.map((stage) => {
    const latest = cases
      .filter((c) => c.stage === stage)
      .sort((a, b) => (a.submittedAt < b.submittedAt ? -1 : a.submittedAt > b.submittedAt ? 1 : 0))
      .at(-1);
    const partner = partnerResults.filter((r) => r.stage === stage);
    if (!latest) return { stage, departments: [], partner };
    const p = caseProgress(cal, latest, today, thresholds, decidedOnOf);
    const byDept = new Map<string, BoardNode[]>();
    for (const item of latest.items) {
      const ip = itemProgress(
        cal,
        item,
        today,
        thresholds,
        item.decision ? decidedOnOf(item.decision.at) : undefined,
      );
      const rec = item.decision?.recognition;
      const node: BoardNode = {
        caseId: latest.id,
        code: item.code,
        name: item.name,
        department: item.department,
        status: item.status,
        lamp: ip.lamp,
        ...(ip.dueDate ? { dueDate: ip.dueDate } : {}),
        elapsedDays: ip.elapsedDays,
        promisedDays: item.promisedDays,
        clockStopped: ip.clockStopped,
        clockStops: item.clockStops.map((s) => ({
          kind: s.kind,
          from: s.from,
          ...(s.to ? { to: s.to } : {}),
        })),
        ...(rec
          ? { recognisedFrom: { origin: rec.origin, resultNo: rec.resultNo, decidedAt: rec.decidedAt } }
          : {}),
      };
      byDept.set(item.department, [...(byDept.get(item.department) ?? []), node]);
    }
    return {
      stage,
      caseId: latest.id,
      caseStatus: latest.status,
      lamp: p.lamp,
      departments: [...byDept.entries()].map(([department, nodes]) => ({ department, nodes })),
      partner,
    };
  });
}
