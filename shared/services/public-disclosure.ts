import { authorize } from '../domain/authz.js';
import { conflict, invalid, notFound } from '../domain/errors.js';
import type { Project, StageCase, Versioned } from '../domain/model.js';
import {
  type OperationGuide,
  operationGuide,
  type PublicProjectView,
  type PublicStatistics,
  publicProjectView,
  publicStatistics,
} from '../domain/public-disclosure.js';
import type { CalendarService } from './calendar.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { projectIndexes } from './projects.js';
import { allIds, loadValues } from './store-reads.js';
import { commit, load, nowIso, today } from './unit-of-work.js';

/** the statuses whose cases hold decided items or feedback */
const STATISTIC_STATUSES = ['approved', 'rejected', 'underReview', 'terminated'] as const;

/**
 * One answer for "no such project" and "not published": a caller cannot tell a registered project
 * that withholds consent from a code never registered.
 */
export const publicNotFound = () => notFound('PUBLIC_PROJECT_NOT_FOUND', '未找到公开的项目信息');

/**
 * 信息公开: the applicant's consent (公开同意) and the public answers. The public reads need no actor;
 * they are cached at the edge (functions/http/routes/public.ts), so they read the store plainly.
 */
export class PublicDisclosureService {
  constructor(
    private readonly deps: Deps,
    private readonly calendar: CalendarService,
  ) {}

  /** The owner turns the publication of its project's progress on or off; recorded and audited. */
  async setConsent(
    ctx: Ctx,
    projectId: string,
    consented: boolean,
    expectedVersion: number,
  ): Promise<Versioned<Project>> {
    const { value: p, version } = await load<Project>(this.deps, 'project', projectId, '项目');
    authorize(ctx.actor, 'project.disclose', { ownerCreditCode: p.owner.creditCode });
    if (typeof consented !== 'boolean') throw invalid('CONSENT_INVALID', '请选择是否同意公开');
    if (expectedVersion !== version) {
      throw conflict('VERSION_CONFLICT', '数据已被他人修改，请刷新后重试', {
        expected: expectedVersion,
        actual: version,
      });
    }
    const at = nowIso(this.deps);
    const next: Project = { ...p, publicDisclosure: { consented, by: ctx.actor.id, at } };
    const body = { ...next, version: version + 1 };
    await commit(
      this.deps,
      ctx,
      [
        {
          kind: 'project',
          id: p.id,
          expectedVersion,
          value: next,
          indexes: projectIndexes(next),
          events: [
            {
              type: consented ? 'PublicDisclosureConsented' : 'PublicDisclosureWithdrawn',
              actor: ctx.actor.id,
              at,
              data: { projectCode: p.projectCode, consented },
            },
          ],
        },
      ],
      { status: 200, body },
    );
    return { value: next, version: version + 1 };
  }

  /** The public status by 投资项目统一代码; PUBLIC_PROJECT_NOT_FOUND when unknown or not consented. */
  async projectStatus(projectCode: string): Promise<PublicProjectView> {
    // the project id is its code (ProjectService.register)
    const found = await this.deps.store.get<Project>('project', projectCode);
    if (
      !found ||
      found.value.projectCode !== projectCode ||
      found.value.publicDisclosure?.consented !== true
    ) {
      throw publicNotFound();
    }
    const ids = await allIds(this.deps.store, 'projectCases', found.value.id);
    const cases = await loadValues<StageCase>(this.deps.store, 'stageCase', ids);
    const view = publicProjectView(found.value, cases, await this.calendar.current(), today(this.deps));
    if (!view) throw publicNotFound();
    return view;
  }

  /** The province's green-channel statistics to date. */
  async statistics(): Promise<PublicStatistics & { province: string; provinceName: string }> {
    const admitted = (await allIds(this.deps.store, 'status', 'project:admitted')).length;
    const ids = new Set<string>();
    for (const s of STATISTIC_STATUSES)
      for (const id of await allIds(this.deps.store, 'status', `stageCase:${s}`)) ids.add(id);
    const cases = await loadValues<StageCase>(this.deps.store, 'stageCase', [...ids]);
    const { province } = this.deps;
    return {
      province: province.code,
      provinceName: province.name,
      ...publicStatistics(admitted, cases, await this.calendar.current(), today(this.deps)),
    };
  }

  /** 《工程绿色通道操作指南》 of the province's configuration. */
  guide(): OperationGuide {
    return operationGuide(this.deps.province);
  }
}
