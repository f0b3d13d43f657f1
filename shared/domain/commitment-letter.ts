/**
 * 容缺受理承诺书 signed by the applicant online, before the window decides. The letter may only
 * promise materials that are really missing, may be missing under 容缺 (never a core material), and
 * within a period no longer than the province's maximum nor the item's promised limit. The window's
 * 容缺受理 then counts the applicant as having signed when the letter covers every deficiency.
 */
import type { ProvinceConfig } from '../config/province-config.js';
import type { WorkingCalendar } from './calendar.js';
import { mayBeDeficient } from './deficiency.js';
import { conflict, invalid } from './errors.js';
import type { CommitmentLetter, Instant, IsoDate, StageCase } from './model.js';
import { missingMaterials } from './stage-case.js';

export { letterCovers } from './deficiency.js';

export const MAX_LETTER_TEXT = 4000;

export interface LetterRequest {
  materials: { itemCode: string; materialCode: string; days: number }[];
  textZh: string;
}

/** Checks a letter against the case as submitted and returns it, without its hash (the caller's). */
export function draftCommitmentLetter(
  c: StageCase,
  request: LetterRequest,
  ctx: {
    province: ProvinceConfig;
    signer: { id: string; name: string };
    now: Instant;
  },
): Omit<CommitmentLetter, 'contentHash'> {
  if (c.status !== 'submitted') {
    throw conflict('CASE_NOT_AWAITING_ACCEPTANCE', '办件已有受理决定，不能再签署容缺受理承诺书');
  }
  const textZh = request.textZh.trim();
  if (!textZh) throw invalid('COMMITMENT_TEXT_REQUIRED', '承诺书内容不能为空');
  if (textZh.length > MAX_LETTER_TEXT) {
    throw invalid('TEXT_TOO_LONG', `承诺书内容不能超过 ${MAX_LETTER_TEXT} 字`);
  }
  if (request.materials.length === 0) {
    throw invalid('COMMITMENT_EMPTY', '承诺书须列明承诺补交的材料');
  }
  const items = c.items.map((i) => ctx.province.items.find((x) => x.code === i.code)!);
  const missing = new Set(missingMaterials(items, c.materials).map((m) => `${m.itemCode}/${m.materialCode}`));
  const seen = new Set<string>();
  const materials = request.materials.map((m, index) => {
    const which = `承诺书第 ${index + 1} 项`;
    const key = `${m.itemCode}/${m.materialCode}`;
    if (seen.has(key)) throw invalid('DUPLICATE_MATERIAL', `${which}与前面重复`);
    seen.add(key);
    const item = items.find((i) => i.code === m.itemCode);
    if (!item) throw invalid('ITEM_NOT_IN_CASE', `${which}的事项不在本办件中`);
    const material = ctx.province.materials.find((x) => x.code === m.materialCode);
    if (!material || material.core || !mayBeDeficient(item, m.materialCode)) {
      throw invalid('MATERIAL_NOT_DEFICIENCY_ALLOWED', `${which}为实质性材料或不在容缺清单内，不能容缺`);
    }
    if (!missing.has(key)) throw invalid('DEFICIENCY_NOT_MISSING', `${which}的材料已经提交，无需容缺`);
    const limit = Math.min(ctx.province.deficiency.maxDays, item.promisedDays);
    if (!Number.isInteger(m.days) || m.days < 1 || m.days > limit) {
      throw invalid(
        'DEFICIENCY_DEADLINE_BEYOND_LIMIT',
        `${which}的补交期限应为 1 至 ${limit} 个工作日（不超过本省规定及该事项的承诺时限）`,
      );
    }
    return { itemCode: m.itemCode, materialCode: m.materialCode, materialName: material.name, days: m.days };
  });
  return {
    caseId: c.id,
    projectCode: c.projectCode,
    creditCode: c.applicant.creditCode,
    materials,
    textZh,
    signedBy: ctx.signer.id,
    signerName: ctx.signer.name,
    signedAt: ctx.now,
  };
}

/** What the letter's hash is computed over: everything the applicant agreed to, nothing else. */
export function letterContent(letter: Omit<CommitmentLetter, 'contentHash'>) {
  return {
    caseId: letter.caseId,
    creditCode: letter.creditCode,
    materials: letter.materials.map(({ itemCode, materialCode, days }) => ({ itemCode, materialCode, days })),
    textZh: letter.textZh,
    signedBy: letter.signedBy,
    signedAt: letter.signedAt,
  };
}

/**
 * Working days left to supplement: the working days after `today` up to and including the
 * deadline (0 on the last day itself, negative once it has passed).
 */
export function workingDaysLeft(cal: WorkingCalendar, today: IsoDate, deadline: IsoDate): number {
  if (deadline >= today) return cal.workingDaysBetween(today, deadline);
  return -cal.workingDaysBetween(deadline, today);
}
