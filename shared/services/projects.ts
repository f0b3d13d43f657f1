import { evaluateEligibility } from '../domain/admission.js';
import { agencyEventData, agentFor } from '../domain/agency.js';
import { authorize, can } from '../domain/authz.js';
import { validateCreditCode, validateProjectCode } from '../domain/codes.js';
import { conflict, DomainError, invalid } from '../domain/errors.js';
import type { Agency, FlowClass, Project, ProjectCategory, Versioned } from '../domain/model.js';
import type { AuditEventDraft, IndexEntry, Page } from '../ports/store.js';
import { assertDivisionCode } from './approval-map.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { signedEventDraft } from './signed-events.js';
import { commit, load, nowIso } from './unit-of-work.js';

export interface RegisterProjectInput {
  projectCode: string;
  name: string;
  ownerName: string;
  category: ProjectCategory;
  location: { city: string; district?: string; address?: string; divisionCode?: string };
  investmentWan: number;
  governmentInvested: boolean;
  partnerProvinces?: string[];
  promisedCompletion?: string;
  flowClass?: FlowClass;
}

export function projectIndexes(p: Project): IndexEntry[] {
  return [
    { index: 'applicant', key: `project:${p.owner.creditCode}`, sort: `${p.createdAt}#${p.id}` },
    { index: 'status', key: `project:${p.admission.status}`, sort: `${p.createdAt}#${p.id}` },
  ];
}

function assertCode(
  result: { valid: true } | { valid: false; code: string; messageZh: string },
  field: string,
) {
  if (!result.valid) throw invalid(result.code, result.messageZh, { field });
}

export class ProjectService {
  constructor(private readonly deps: Deps) {}

  /** 项目登记: the project id is its investment project code, unique in the province. */
  async register(ctx: Ctx, input: RegisterProjectInput, agency?: Agency): Promise<Versioned<Project>> {
    // 专窗代办: the desk registers for the enterprise named in `agency`, not for itself
    const creditCode = agency ? agency.onBehalfOf.creditCode : (ctx.actor.creditCode ?? '');
    authorize(ctx.actor, agency ? 'agency.file' : 'project.register', {
      ownerCreditCode: creditCode,
      windowUnit: this.deps.province.windowUnit,
    });
    assertCode(validateCreditCode(creditCode), agency ? 'owner.creditCode' : 'creditCode');
    assertCode(validateProjectCode(input.projectCode), 'projectCode');
    const known = new Set(this.deps.province.partners.map((p) => p.code));
    for (const partner of input.partnerProvinces ?? []) {
      if (partner === this.deps.province.code) throw invalid('PARTNER_IS_SELF', '合作省份不能是本省');
      if (!known.has(partner))
        throw invalid('PARTNER_NOT_CONFIGURED', '所填合作省份不是本省已建立互认关系的省份');
    }
    assertDivisionCode(this.deps.province.regionPrefix, input.location.divisionCode);
    const now = nowIso(this.deps);
    const project: Project = {
      id: input.projectCode,
      province: this.deps.province.code,
      projectCode: input.projectCode,
      name: input.name,
      owner: { creditCode, name: input.ownerName },
      category: input.category,
      location: input.location,
      investmentWan: input.investmentWan,
      governmentInvested: input.governmentInvested,
      partnerProvinces: input.partnerProvinces ?? [],
      ...(input.promisedCompletion ? { promisedCompletion: input.promisedCompletion } : {}),
      ...(input.flowClass ? { flowClass: input.flowClass } : {}),
      ...(agency ? { agency } : {}),
      admission: { status: 'notApplied' },
      createdAt: now,
      createdBy: ctx.actor.id,
    };
    const events: AuditEventDraft[] = [
      {
        type: 'ProjectRegistered',
        actor: ctx.actor.id,
        at: now,
        data: {
          projectCode: project.projectCode,
          name: project.name,
          category: project.category,
          ...(agency ? agencyEventData(agency) : {}),
        },
      },
    ];
    if (project.partnerProvinces.length > 0) {
      // 区域协同: partners see the project under the same code, signed by this province
      events.push(
        await signedEventDraft(this.deps, ctx.actor.id, (eventId) => ({
          kind: 'projectShared',
          eventId,
          origin: this.deps.province.code,
          projectCode: project.projectCode,
          partnerProvinces: project.partnerProvinces,
          name: project.name,
          owner: project.owner,
          category: project.category,
          city: project.location.city,
          investmentWan: project.investmentWan,
          sharedAt: now,
        })),
      );
    }
    try {
      await commit(
        this.deps,
        ctx,
        [
          {
            kind: 'project',
            id: project.id,
            expectedVersion: 0,
            value: project,
            indexes: projectIndexes(project),
            events,
          },
        ],
        { status: 201, body: { ...project, version: 1 } },
      );
    } catch (err) {
      if (err instanceof DomainError && err.code === 'VERSION_CONFLICT') {
        throw conflict('PROJECT_EXISTS', '该投资项目代码已登记');
      }
      throw err;
    }
    return { value: project, version: 1 };
  }

  async get(ctx: Ctx, id: string): Promise<Versioned<Project>> {
    const found = await load<Project>(this.deps, 'project', id, '项目');
    authorize(ctx.actor, 'project.read', { ownerCreditCode: found.value.owner.creditCode });
    return found;
  }

  /** Applicants see their own projects; staff filter by admission status. */
  async list(
    ctx: Ctx,
    options: { status?: Project['admission']['status']; cursor?: string; limit?: number },
  ): Promise<Page<Versioned<Project>>> {
    const { actor } = ctx;
    if (actor.role !== 'applicant') authorize(actor, 'project.read');
    const page =
      actor.role === 'applicant'
        ? await this.deps.store.query('applicant', `project:${actor.creditCode ?? ''}`, {
            descending: true,
            ...pageOpts(options),
          })
        : await this.deps.store.query('status', `project:${options.status ?? 'admitted'}`, {
            descending: true,
            ...pageOpts(options),
          });
    const ids = page.items.map((h) => h.id);
    const items = await this.deps.store.getMany<Project>('project', ids);
    return { items, ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  /** 申请纳入绿色通道: eligibility is evaluated at once so the applicant sees why. */
  async applyAdmission(ctx: Ctx, id: string, expectedVersion: number): Promise<Versioned<Project>> {
    const { value: p, version } = await load<Project>(this.deps, 'project', id, '项目');
    // 专窗代办: the desk may also apply for the enterprise; the record then names both
    const agent = can(ctx.actor, 'agency.file', { windowUnit: this.deps.province.windowUnit });
    if (!agent) authorize(ctx.actor, 'admission.apply', { ownerCreditCode: p.owner.creditCode });
    if (p.admission.status === 'pending' || p.admission.status === 'admitted') {
      throw conflict('ADMISSION_ALREADY_APPLIED', '项目已申请或已纳入绿色通道');
    }
    if (p.admission.status === 'exited') throw conflict('PROJECT_EXITED', '项目已退出绿色通道，不能再次申请');
    const now = nowIso(this.deps);
    const eligibility = evaluateEligibility(p, this.deps.province.admission);
    const next: Project = {
      ...p,
      admission: { status: 'pending', eligibility, appliedAt: now },
    };
    return this.save(ctx, p, next, expectedVersion, version, 'AdmissionApplied', {
      eligible: eligibility.eligible,
      priority: eligibility.priority,
      ...(agent ? agencyEventData(agentFor(ctx.actor, p.owner, now)) : {}),
    });
  }

  /** 准入决定 by the special working group, always with reasons. */
  async decideAdmission(
    ctx: Ctx,
    id: string,
    expectedVersion: number,
    decision: { admit: boolean; reasons: string; priority?: number },
  ): Promise<Versioned<Project>> {
    authorize(ctx.actor, 'admission.decide');
    const { value: p, version } = await load<Project>(this.deps, 'project', id, '项目');
    if (p.admission.status !== 'pending') throw conflict('ADMISSION_NOT_PENDING', '项目没有待决定的准入申请');
    if (!decision.reasons.trim()) throw invalid('REASONS_REQUIRED', '准入决定须说明理由');
    if (decision.admit && !p.admission.eligibility?.eligible) {
      throw invalid('NOT_ELIGIBLE', '项目不符合本省绿色通道准入条件，不能准入');
    }
    const now = nowIso(this.deps);
    const priority = decision.priority ?? p.admission.eligibility?.priority;
    const next: Project = {
      ...p,
      admission: {
        ...p.admission,
        status: decision.admit ? 'admitted' : 'rejected',
        ...(decision.admit && priority !== undefined ? { priority } : {}),
        decidedAt: now,
        decidedBy: ctx.actor.id,
        reasons: decision.reasons,
      },
    };
    return this.save(
      ctx,
      p,
      next,
      expectedVersion,
      version,
      decision.admit ? 'ProjectAdmitted' : 'AdmissionRejected',
      {
        reasons: decision.reasons,
        priority,
      },
    );
  }

  private async save(
    ctx: Ctx,
    _before: Project,
    next: Project,
    expectedVersion: number,
    currentVersion: number,
    type: string,
    data: Record<string, unknown>,
  ): Promise<Versioned<Project>> {
    if (expectedVersion !== currentVersion) {
      throw conflict('VERSION_CONFLICT', '数据已被他人修改，请刷新后重试', {
        expected: expectedVersion,
        actual: currentVersion,
      });
    }
    const body = { ...next, version: currentVersion + 1 };
    await commit(
      this.deps,
      ctx,
      [
        {
          kind: 'project',
          id: next.id,
          expectedVersion,
          value: next,
          indexes: projectIndexes(next),
          events: [{ type, actor: ctx.actor.id, at: nowIso(this.deps), data: stripUndefined(data) }],
        },
      ],
      { status: 200, body },
    );
    return { value: next, version: currentVersion + 1 };
  }
}

export function pageOpts(o: { cursor?: string; limit?: number }) {
  return { ...(o.cursor ? { cursor: o.cursor } : {}), limit: o.limit ?? 20 };
}

function stripUndefined(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
}
