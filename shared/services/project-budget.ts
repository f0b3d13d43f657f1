import { authorize } from '../domain/authz.js';
import { shanghaiDate } from '../domain/calendar.js';
import type { IsoDate, Project, Stage, StageCase } from '../domain/model.js';
import { type ProjectBudget, projectBudget } from '../domain/project-budget.js';
import type { CalendarService } from './calendar.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { load, today } from './unit-of-work.js';

/** Every stage case ever filed for the project, across pages of the index. */
async function casesOfProject(deps: Deps, projectId: string): Promise<StageCase[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.query('projectCases', projectId, cursor ? { cursor } : {});
    ids.push(...page.items.map((h) => h.id));
    cursor = page.cursor;
  } while (cursor);
  return (await deps.store.getMany<StageCase>('stageCase', ids)).map((v) => v.value);
}

/** The project's 全流程审批时间 on `asOf` (default today), computed from its stage cases. */
export async function computeProjectBudget(
  deps: Deps,
  calendar: CalendarService,
  project: Project,
  asOf?: IsoDate,
): Promise<ProjectBudget> {
  const { province } = deps;
  const flowClass = project.flowClass ?? 'standard';
  const stagePromisedDays: Partial<Record<Stage, number>> = Object.fromEntries(
    province.stages.map((s) => [s.stage, s.promisedDays]),
  );
  return projectBudget(
    await calendar.current(),
    {
      projectId: project.id,
      flowClass,
      budgetDays: province.flowBudget[flowClass],
      stagePromisedDays,
      cases: await casesOfProject(deps, project.id),
    },
    asOf ?? today(deps),
    province.lamps,
    shanghaiDate,
  );
}

/** GET /projects/{id}/budget: whoever may read the project may read its budget. */
export async function readProjectBudget(
  deps: Deps,
  calendar: CalendarService,
  ctx: Ctx,
  projectId: string,
): Promise<ProjectBudget> {
  const { value: project } = await load<Project>(deps, 'project', projectId, '项目');
  authorize(ctx.actor, 'project.read', { ownerCreditCode: project.owner.creditCode });
  return computeProjectBudget(deps, calendar, project);
}

/** The budget of a case's project, or undefined when the project is not stored here. */
export async function budgetOfCaseProject(
  deps: Deps,
  calendar: CalendarService,
  c: StageCase,
): Promise<ProjectBudget | undefined> {
  const project = await deps.store.get<Project>('project', c.projectId);
  return project ? computeProjectBudget(deps, calendar, project.value) : undefined;
}
