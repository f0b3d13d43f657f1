import { authorize } from '../domain/authz.js';
import {
  type CoordinatedCase,
  caseMaterialOf,
  coordinatedCase,
  type DeficiencyLedgerRow,
  deficiencyLedger,
} from '../domain/coordination.js';
import { notFound } from '../domain/errors.js';
import type { DeficiencyCommitment, StageCase, Versioned } from '../domain/model.js';
import type { CalendarService } from './calendar.js';
import { scopeOf } from './cases.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { materialContent } from './material-transfer.js';
import { pageOpts } from './projects.js';
import { load, today } from './unit-of-work.js';

/** The index list of the cases a window unit accepted and therefore coordinates (首接负责). */
export const firstReceiverKey = (unit: string) => `stageCase:firstReceiver:${unit}`;

/** The ledger reads at most this many coordinated cases, so one request stays bounded. */
const LEDGER_MAX_CASES = 2000;

/** 首接负责 and 容缺台账 for the window, and the content of a case's materials for its readers. */
export class CoordinationService {
  constructor(
    private readonly deps: Deps,
    private readonly calendar: CalendarService,
  ) {}

  /** The cases the officer's unit coordinates, newest submission first, with holders, lamps and escalations. */
  async coordinatedCases(
    ctx: Ctx,
    options: { cursor?: string; limit?: number },
  ): Promise<{ items: CoordinatedCase[]; cursor?: string }> {
    authorize(ctx.actor, 'coordination.read');
    const page = await this.deps.store.query('status', firstReceiverKey(ctx.actor.unit ?? ''), {
      descending: true,
      ...pageOpts(options),
    });
    const cases = await this.deps.store.getMany<StageCase>(
      'stageCase',
      page.items.map((h) => h.id),
    );
    const cal = await this.calendar.current();
    const t = today(this.deps);
    const items = cases.flatMap((c) => {
      const view = coordinatedCase(cal, c, t, this.deps.province.lamps, this.deps.province);
      return view ? [view] : [];
    });
    return { items, ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  /** 容缺台账: every commitment of the unit's coordinated cases, earliest deadline first. */
  async deficiencyLedger(
    ctx: Ctx,
    options: { status?: DeficiencyCommitment['status'] },
  ): Promise<{ items: DeficiencyLedgerRow[]; truncated: boolean }> {
    authorize(ctx.actor, 'coordination.read');
    const key = firstReceiverKey(ctx.actor.unit ?? '');
    const cases: Versioned<StageCase>[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.query('status', key, { limit: 100, ...(cursor ? { cursor } : {}) });
      cases.push(
        ...(await this.deps.store.getMany<StageCase>(
          'stageCase',
          page.items.map((h) => h.id),
        )),
      );
      cursor = page.cursor;
    } while (cursor && cases.length < LEDGER_MAX_CASES);
    return {
      items: deficiencyLedger(cases, this.deps.province, today(this.deps), options.status),
      truncated: cursor !== undefined,
    };
  }

  /** The stored content of one material of the case, for those who may read the case's materials. */
  /**
   * The content of a case's material for its readers: the bytes, or a presigned URL when larger than
   * `inlineMaxBytes` (the API cannot carry large content on AWS).
   */
  async caseMaterial(
    ctx: Ctx,
    caseId: string,
    sha256: string,
    options: { inlineMaxBytes: number } = { inlineMaxBytes: Number.POSITIVE_INFINITY },
  ) {
    const { value: c } = await load<StageCase>(this.deps, 'stageCase', caseId, '办件');
    authorize(ctx.actor, 'caseMaterial.read', scopeOf(c));
    const material = caseMaterialOf(c, sha256);
    if (!material) throw notFound('MATERIAL_NOT_IN_CASE', '本办件没有该材料');
    const name = this.deps.province.materials.find((m) => m.code === material.code)?.name ?? material.code;
    const content = await materialContent(this.deps, sha256, {
      inlineMaxBytes: options.inlineMaxBytes,
      filename: material.fileName ?? name,
    });
    if (!content) throw notFound('MATERIAL_CONTENT_NOT_FOUND', '该材料的文件内容未上传或已不可用');
    return { content, material, materialName: name };
  }
}
