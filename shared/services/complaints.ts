import { authorize } from '../domain/authz.js';
import { conflict, DomainError, invalid } from '../domain/errors.js';
import type { Complaint, StageCase, Versioned } from '../domain/model.js';
import type { IndexEntry, Page } from '../ports/store.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { pageOpts } from './projects.js';
import { commit, load, nowIso } from './unit-of-work.js';

const MAX_TEXT = 2000;

/**
 * Index entries of a complaint: every complaint under `complaint:all`, the unclosed ones under
 * `complaint:open`, each status under `complaint:status:<status>`, and the applicant's own under
 * `complaint:<creditCode>` (and per status).
 */
export function complaintIndexes(c: Complaint): IndexEntry[] {
  const sort = `${c.filedAt}#${c.id}`;
  const entries: IndexEntry[] = [
    { index: 'status', key: 'complaint:all', sort },
    { index: 'status', key: `complaint:status:${c.status}`, sort },
    { index: 'applicant', key: `complaint:${c.creditCode}`, sort },
    { index: 'applicant', key: `complaint:${c.creditCode}:${c.status}`, sort },
  ];
  if (c.status !== 'closed') entries.push({ index: 'status', key: 'complaint:open', sort });
  return entries;
}

function requiredText(value: string | undefined, code: string, messageZh: string): string {
  const text = (value ?? '').trim();
  if (!text) throw invalid(code, messageZh);
  if (text.length > MAX_TEXT) throw invalid('TEXT_TOO_LONG', `内容不能超过 ${MAX_TEXT} 字`);
  return text;
}

/** 投诉: filed by the case's applicant, handled and closed by the supervisor, tracked to closure. */
export class ComplaintService {
  constructor(private readonly deps: Deps) {}

  async file(ctx: Ctx, caseId: string, input: { textZh: string }): Promise<Versioned<Complaint>> {
    const { value: c } = await load<StageCase>(this.deps, 'stageCase', caseId, '办件');
    authorize(ctx.actor, 'complaint.file', { ownerCreditCode: c.applicant.creditCode });
    const textZh = requiredText(input.textZh, 'COMPLAINT_TEXT_REQUIRED', '投诉内容不能为空');
    const now = nowIso(this.deps);
    const complaint: Complaint = {
      id: this.deps.ids.next('Q'),
      caseId,
      projectCode: c.projectCode,
      creditCode: c.applicant.creditCode,
      textZh,
      status: 'open',
      filedAt: now,
      filedBy: ctx.actor.id,
      handling: [],
    };
    await commit(
      this.deps,
      ctx,
      [
        {
          kind: 'complaint',
          id: complaint.id,
          expectedVersion: 0,
          value: complaint,
          indexes: complaintIndexes(complaint),
          events: [
            {
              type: 'ComplaintFiled',
              actor: ctx.actor.id,
              at: now,
              data: { caseId, projectCode: complaint.projectCode, textZh },
            },
          ],
        },
      ],
      { status: 201, body: { ...complaint, version: 1 } },
    );
    return { value: complaint, version: 1 };
  }

  async get(ctx: Ctx, id: string): Promise<Versioned<Complaint>> {
    const found = await load<Complaint>(this.deps, 'complaint', id, '投诉');
    authorize(ctx.actor, 'complaint.read', { ownerCreditCode: found.value.creditCode });
    return found;
  }

  /** Applicants see their organisation's complaints; staff see all, newest first. */
  async list(
    ctx: Ctx,
    options: { status?: Complaint['status']; cursor?: string; limit?: number },
  ): Promise<Page<Versioned<Complaint>>> {
    const { actor } = ctx;
    let key: string;
    let index: 'applicant' | 'status';
    if (actor.role === 'applicant') {
      const own = actor.creditCode ?? '';
      authorize(actor, 'complaint.read', { ownerCreditCode: own });
      index = 'applicant';
      key = options.status ? `complaint:${own}:${options.status}` : `complaint:${own}`;
    } else {
      authorize(actor, 'complaint.read');
      index = 'status';
      key = options.status ? `complaint:status:${options.status}` : 'complaint:all';
    }
    const page = await this.deps.store.query(index, key, { descending: true, ...pageOpts(options) });
    const items = await this.deps.store.getMany<Complaint>(
      'complaint',
      page.items.map((h) => h.id),
    );
    return { items, ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  /** 办理: the supervisor records what is being done; the complaint is then being handled. */
  async handle(
    ctx: Ctx,
    id: string,
    expectedVersion: number,
    input: { noteZh: string },
  ): Promise<Versioned<Complaint>> {
    authorize(ctx.actor, 'complaint.handle');
    return this.mutate(ctx, id, expectedVersion, (c, now) => {
      const noteZh = requiredText(input.noteZh, 'NOTE_REQUIRED', '办理意见不能为空');
      return {
        next: {
          ...c,
          status: 'handling',
          handling: [...c.handling, { at: now, by: ctx.actor.id, noteZh }],
        },
        type: 'ComplaintHandled',
        data: { noteZh },
      };
    });
  }

  /** 办结: the complaint is closed with its resolution; nothing more can be done on it. */
  async close(
    ctx: Ctx,
    id: string,
    expectedVersion: number,
    input: { resolutionZh: string },
  ): Promise<Versioned<Complaint>> {
    authorize(ctx.actor, 'complaint.handle');
    return this.mutate(ctx, id, expectedVersion, (c, now) => {
      const resolutionZh = requiredText(input.resolutionZh, 'RESOLUTION_REQUIRED', '办结意见不能为空');
      return {
        next: { ...c, status: 'closed', closedAt: now, resolutionZh },
        type: 'ComplaintClosed',
        data: { resolutionZh },
      };
    });
  }

  private async mutate(
    ctx: Ctx,
    id: string,
    expectedVersion: number,
    decide: (c: Complaint, now: string) => { next: Complaint; type: string; data: Record<string, unknown> },
  ): Promise<Versioned<Complaint>> {
    const { value: c, version } = await load<Complaint>(this.deps, 'complaint', id, '投诉');
    if (expectedVersion !== version) {
      throw conflict('VERSION_CONFLICT', '数据已被他人修改，请刷新后重试', {
        expected: expectedVersion,
        actual: version,
      });
    }
    if (c.status === 'closed') throw conflict('COMPLAINT_CLOSED', '投诉已办结，不能再办理');
    const now = nowIso(this.deps);
    const { next, type, data } = decide(c, now);
    try {
      await commit(
        this.deps,
        ctx,
        [
          {
            kind: 'complaint',
            id,
            expectedVersion: version,
            value: next,
            indexes: complaintIndexes(next),
            events: [{ type, actor: ctx.actor.id, at: now, data }],
          },
        ],
        { status: 200, body: { ...next, version: version + 1 } },
      );
    } catch (err) {
      if (err instanceof DomainError && err.code === 'VERSION_CONFLICT') {
        throw conflict('VERSION_CONFLICT', '数据已被他人修改，请刷新后重试', { expected: expectedVersion });
      }
      throw err;
    }
    return { value: next, version: version + 1 };
  }
}
