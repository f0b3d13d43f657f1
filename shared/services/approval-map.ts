import { divisionsOf } from '../config/divisions.js';
import { mapGridOf } from '../config/map-grids/index.js';
import {
  type BoardStage,
  type Division,
  divisionCodeProblem,
  type GridTile,
  type MapFilter,
  matchesFilter,
  type PartnerNode,
  type ProjectStanding,
  placeOnGrid,
  prefectureOf,
  projectBoard,
  projectStanding,
} from '../domain/approval-map.js';
import { authorize } from '../domain/authz.js';
import { shanghaiDate, type WorkingCalendar } from '../domain/calendar.js';
import { invalid, notFound } from '../domain/errors.js';
import type { CaseStatus, IsoDate, Project, Stage, StageCase } from '../domain/model.js';
import { projectBudget } from '../domain/project-budget.js';
import type { CalendarService } from './calendar.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { partnerViewsOf } from './partners.js';
import { allIds, loadValues } from './store-reads.js';
import { nowIso, today } from './unit-of-work.js';

/**
 * Every status a case can be in, so reading these lists reads every case once: cheaper than one
 * projectCases query per project (a page of 200 ids per query against one query per project).
 */
const CASE_STATUSES = {
  submitted: true,
  correctionRequested: true,
  underReview: true,
  approved: true,
  rejected: true,
  refused: true,
  terminated: true,
} satisfies Record<CaseStatus, true>;

const REASON_ZH = {
  format: '行政区划代码应为 6 位数字（GB/T 2260）',
  province: '行政区划代码不属于本省',
  unknown: '行政区划代码不在本省区划清单中',
} as const;

let knownCache: { prefix: string; codes: Set<string> } | undefined;

/** A new project's 行政区划代码, when given, names a prefecture or county of this province. */
export function assertDivisionCode(regionPrefix: string, code: string | undefined): void {
  if (code === undefined) return;
  if (knownCache?.prefix !== regionPrefix) {
    knownCache = { prefix: regionPrefix, codes: new Set(divisionsOf(regionPrefix).map((d) => d.code)) };
  }
  const problem = divisionCodeProblem(code, regionPrefix, knownCache.codes);
  if (problem)
    throw invalid('DIVISION_CODE_INVALID', REASON_ZH[problem], { field: 'location.divisionCode', code });
}

export interface MapTile extends GridTile {
  name: string;
}

export interface MapProject extends ProjectStanding {
  projectId: string;
  projectCode: string;
  name: string;
  category: Project['category'];
  priority?: number;
  investmentWan: number;
  partnerProvinces: string[];
  divisionCode?: string;
  /** the tile the project sits on (its county's, else its prefecture's); absent: no code, not placed */
  tile?: string;
  prefectureName?: string;
  countyName?: string;
  budgetUsedDays: number;
  budgetDays: number;
}

export interface ProvinceMap {
  province: string;
  provinceName: string;
  asOf: IsoDate;
  generatedAt: string;
  grid: { level: 'prefecture' | 'county'; rows: number; cols: number; tiles: MapTile[] };
  departments: { code: string; name: string }[];
  projects: MapProject[];
  /** admitted projects before filtering, and those without a division code (listed, not placed) */
  admitted: number;
  unplaced: number;
}

export interface ProjectMap {
  province: string;
  asOf: IsoDate;
  project: MapProject;
  departments: { code: string; name: string }[];
  stages: BoardStage[];
}

/**
 * 一张图: the province view (every admitted project on the schematic map) and the project view
 * (its four stages, items as nodes, partners' results beside). Read-only.
 */
export class ApprovalMapService {
  constructor(
    private readonly deps: Deps,
    private readonly calendar: CalendarService,
  ) {}

  /** The province's prefectures and counties, for the registration form and the map's labels. */
  divisions(): Division[] {
    return divisionsOf(this.deps.province.regionPrefix);
  }

  async provinceMap(ctx: Ctx, filter: MapFilter): Promise<ProvinceMap> {
    authorize(ctx.actor, 'map.read');
    const { province } = this.deps;
    if (filter.department && !province.departments.some((d) => d.code === filter.department)) {
      throw invalid('DEPARTMENT_UNKNOWN', '本省没有该部门', { department: filter.department });
    }
    const day = today(this.deps);
    const projectIds = await allIds(this.deps.store, 'status', 'project:admitted');
    const projects = (await loadValues<Project>(this.deps.store, 'project', projectIds)).filter(
      (p) => p.admission.status === 'admitted',
    );
    const wanted = new Set(projects.map((p) => p.id));
    const caseIds: string[] = [];
    for (const status of Object.keys(CASE_STATUSES)) {
      caseIds.push(...(await allIds(this.deps.store, 'status', `stageCase:${status}`)));
    }
    const byProject = new Map<string, StageCase[]>();
    for (const c of await loadValues<StageCase>(this.deps.store, 'stageCase', caseIds)) {
      if (!wanted.has(c.projectId)) continue;
      byProject.set(c.projectId, [...(byProject.get(c.projectId) ?? []), c]);
    }
    const cal = await this.calendar.current();
    const rows = projects.map((p) => this.place(cal, p, byProject.get(p.id) ?? [], day));
    const names = this.names();
    const grid = mapGridOf(province.code);
    return {
      province: province.code,
      provinceName: province.name,
      asOf: day,
      generatedAt: nowIso(this.deps),
      grid: {
        level: grid.level,
        rows: Math.max(0, ...grid.tiles.map((t) => t.row + 1)),
        cols: Math.max(0, ...grid.tiles.map((t) => t.col + 1)),
        tiles: grid.tiles.map((t) => ({ ...t, name: names.get(t.code) ?? t.code })),
      },
      departments: province.departments.map((d) => ({ code: d.code, name: d.name })),
      projects: rows
        .filter((r, i) => matchesFilter(projects[i]!, r, filter))
        .sort((a, b) => b.investmentWan - a.investmentWan),
      admitted: projects.length,
      unplaced: rows.filter((r) => !r.tile).length,
    };
  }

  async projectMap(ctx: Ctx, projectId: string): Promise<ProjectMap> {
    authorize(ctx.actor, 'map.read');
    const found = await this.deps.store.get<Project>('project', projectId);
    if (!found) throw notFound('PROJECT_NOT_FOUND', '项目不存在');
    const project = found.value;
    const day = today(this.deps);
    const cases = await loadValues<StageCase>(
      this.deps.store,
      'stageCase',
      await allIds(this.deps.store, 'projectCases', project.id),
    );
    const cal = await this.calendar.current();
    const views =
      project.partnerProvinces.length > 0 ? await partnerViewsOf(this.deps, project.projectCode) : [];
    const partner: PartnerNode[] = views.flatMap((v) =>
      v.results.map((r) => ({
        origin: v.origin,
        stage: r.stage,
        itemCode: r.itemCode,
        itemName: r.itemName,
        department: r.department,
        resultNo: r.resultNo,
        decidedAt: r.decidedAt,
        localItems: r.localItems,
        revoked: !!r.revoked,
      })),
    );
    const { province } = this.deps;
    return {
      province: province.code,
      asOf: day,
      project: this.place(cal, project, cases, day),
      departments: province.departments.map((d) => ({ code: d.code, name: d.name })),
      stages: projectBoard(cal, cases, partner, day, province.lamps, shanghaiDate),
    };
  }

  private place(cal: WorkingCalendar, p: Project, cases: StageCase[], day: IsoDate): MapProject {
    const { province } = this.deps;
    const flowClass = p.flowClass ?? 'standard';
    const budget = projectBudget(
      cal,
      {
        projectId: p.id,
        flowClass,
        budgetDays: province.flowBudget[flowClass],
        stagePromisedDays: Object.fromEntries(
          province.stages.map((s) => [s.stage, s.promisedDays]),
        ) as Partial<Record<Stage, number>>,
        cases,
      },
      day,
      province.lamps,
      shanghaiDate,
    );
    const standing = projectStanding(cal, cases, budget.lamp, day, province.lamps, shanghaiDate);
    const code = p.location.divisionCode;
    const tile = placeOnGrid(mapGridOf(province.code), code);
    const names = this.names();
    const county = code && code !== prefectureOf(code) ? names.get(code) : undefined;
    return {
      projectId: p.id,
      projectCode: p.projectCode,
      name: p.name,
      category: p.category,
      ...(p.admission.priority !== undefined ? { priority: p.admission.priority } : {}),
      investmentWan: p.investmentWan,
      partnerProvinces: p.partnerProvinces,
      ...(code ? { divisionCode: code } : {}),
      ...(tile ? { tile: tile.code } : {}),
      ...(code && names.get(prefectureOf(code)) ? { prefectureName: names.get(prefectureOf(code))! } : {}),
      ...(county ? { countyName: county } : {}),
      budgetUsedDays: budget.usedDays,
      budgetDays: budget.budgetDays,
      ...standing,
    };
  }

  private nameCache?: Map<string, string>;
  private names(): Map<string, string> {
    this.nameCache ??= new Map(this.divisions().map((d) => [d.code, d.name]));
    return this.nameCache;
  }
}
