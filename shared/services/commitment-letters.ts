import { canonicalJson, sha256Hex } from '../domain/audit-chain.js';
import { authorize } from '../domain/authz.js';
import {
  draftCommitmentLetter,
  type LetterRequest,
  letterContent,
  workingDaysLeft,
} from '../domain/commitment-letter.js';
import { conflict, DomainError } from '../domain/errors.js';
import type { CommitmentLetter, IsoDate, StageCase, Versioned } from '../domain/model.js';
import type { CalendarService } from './calendar.js';
import type { CaseService } from './cases.js';
import { scopeOf } from './cases.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { commit, load, nowIso, today } from './unit-of-work.js';

/** An open 容缺 commitment with the working days the applicant has left, counted by the province's calendar. */
export interface SupplementDeadline {
  itemCode: string;
  materialCode: string;
  materialName: string;
  deadline: IsoDate;
  provisional: boolean;
  workingDaysLeft: number;
}

/**
 * 容缺受理承诺书 signed online by the applicant, and the supplement countdown the applicant sees.
 * The letter is stored beside its case (one per case) and signed in the same commit as a new
 * version of the case, so it cannot slip in after the window's decision.
 */
export class CommitmentLetterService {
  constructor(
    private readonly deps: Deps,
    private readonly cases: CaseService,
    private readonly calendar: CalendarService,
  ) {}

  async sign(ctx: Ctx, caseId: string, request: LetterRequest): Promise<Versioned<CommitmentLetter>> {
    const { value: c, version } = await load<StageCase>(this.deps, 'stageCase', caseId, '办件');
    authorize(ctx.actor, 'case.supplement', { ownerCreditCode: c.applicant.creditCode });
    if (await this.deps.store.get('commitmentLetter', caseId)) {
      throw conflict('COMMITMENT_ALREADY_SIGNED', '本办件已签署容缺受理承诺书，不能重复签署');
    }
    const draft = draftCommitmentLetter(c, request, {
      province: this.deps.province,
      signer: { id: ctx.actor.id, name: ctx.actor.name },
      now: nowIso(this.deps),
    });
    const letter: CommitmentLetter = {
      ...draft,
      contentHash: sha256Hex(canonicalJson(letterContent(draft))),
    };
    const caseChange = await this.cases.change(c, version, [
      {
        type: 'CommitmentLetterSigned',
        actor: ctx.actor.id,
        at: letter.signedAt,
        data: {
          materials: letter.materials.map(({ itemCode, materialCode, days }) => ({
            itemCode,
            materialCode,
            days,
          })),
          contentHash: letter.contentHash,
        },
      },
    ]);
    await commit(
      this.deps,
      ctx,
      [
        { kind: 'commitmentLetter', id: caseId, expectedVersion: 0, value: letter, indexes: [], events: [] },
        caseChange,
      ],
      { status: 201, body: { ...letter, version: 1 } },
    );
    return { value: letter, version: 1 };
  }

  /** The letter, for the applicant and everyone who may read the case (the window before deciding). */
  async get(ctx: Ctx, caseId: string): Promise<Versioned<CommitmentLetter>> {
    const { value: c } = await load<StageCase>(this.deps, 'stageCase', caseId, '办件');
    authorize(ctx.actor, 'case.read', scopeOf(c));
    const found = await this.deps.store.get<CommitmentLetter>('commitmentLetter', caseId);
    if (!found)
      throw new DomainError('notFound', 'COMMITMENT_LETTER_NOT_FOUND', '申请人尚未签署容缺受理承诺书');
    return found;
  }

  /** What the letter means to the window's decision, without failing when there is none. */
  async find(caseId: string): Promise<CommitmentLetter | undefined> {
    return (await this.deps.store.get<CommitmentLetter>('commitmentLetter', caseId))?.value;
  }

  /** Open 容缺 commitments with the working days left, holidays and 调休 included. */
  async supplementDeadlines(
    ctx: Ctx,
    caseId: string,
  ): Promise<{ today: IsoDate; deadlines: SupplementDeadline[] }> {
    const { value: c } = await load<StageCase>(this.deps, 'stageCase', caseId, '办件');
    authorize(ctx.actor, 'case.read', scopeOf(c));
    const cal = await this.calendar.current();
    const day = today(this.deps);
    const names = new Map(this.deps.province.materials.map((m) => [m.code, m.name]));
    return {
      today: day,
      deadlines: c.deficiencies
        .filter((d) => d.status === 'open')
        .map((d) => ({
          itemCode: d.itemCode,
          materialCode: d.materialCode,
          materialName: names.get(d.materialCode) ?? d.materialCode,
          deadline: d.deadline,
          provisional: d.provisional,
          workingDaysLeft: workingDaysLeft(cal, day, d.deadline),
        })),
    };
  }
}
