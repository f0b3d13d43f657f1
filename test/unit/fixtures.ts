/**
 * Builders for stage-case tests: the real Jiangsu catalogue and the real Chinese working calendar.
 * Every case is built the way the service builds it (selectItems → preReview → createStageCase).
 */
import { expect } from 'vitest';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
import { shanghaiDate, WorkingCalendar } from '../../shared/domain/calendar.js';
import { DomainError } from '../../shared/domain/errors.js';
import type { IsoDate, MaterialRef, Project, Stage, StageCase } from '../../shared/domain/model.js';
import {
  type AcceptanceContext,
  type AcceptanceDecision,
  accept,
  createStageCase,
  decideItem,
  type ItemDecisionInput,
  preReview,
  selectItems,
  signOffRefusal,
} from '../../shared/domain/stage-case.js';

export const cal = WorkingCalendar.fromChineseDays();
export const province = jiangsu;
export const thresholds = jiangsu.lamps;
export const OWNER_CREDIT_CODE = '91320000MA1XXXXX0X';

/** 10:00 in Shanghai on `day`, as a UTC instant. */
export const at = (day: IsoDate, hour = 10): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + (hour - 8) * 3_600_000).toISOString();
export const decidedOnOf = (instant: string): IsoDate => shanghaiDate(instant);

export function project(overrides: Partial<Project> = {}): Project {
  return {
    id: 'P-1',
    province: 'JS',
    projectCode: '2025-320100-48-01-000001',
    name: '南京江北新区综合管廊工程',
    owner: { creditCode: OWNER_CREDIT_CODE, name: '南京江北新区建设投资集团有限公司' },
    category: 'provincialKey',
    location: { city: '南京市', district: '江北新区' },
    investmentWan: 120_000,
    governmentInvested: true,
    partnerProvinces: [],
    admission: { status: 'admitted', priority: 1, decidedAt: at('2025-09-01'), decidedBy: 'sup-1' },
    createdAt: at('2025-08-20'),
    createdBy: 'app-1',
    ...overrides,
  };
}

export function itemsOf(stage: Stage, chosen?: string[]) {
  return selectItems(province, stage, chosen);
}

/** Every material the chosen items need, except the listed codes. */
export function materialsFor(stage: Stage, chosen: string[] | undefined, except: string[], day: IsoDate) {
  const codes = new Set(itemsOf(stage, chosen).flatMap((i) => i.materials));
  return [...codes]
    .filter((c) => !except.includes(c))
    .map((code): MaterialRef => ({ code, fileName: `${code}.pdf`, submittedAt: at(day) }));
}

export interface SubmitOptions {
  stage?: Stage;
  chosen?: string[];
  /** materials left out of the submission */
  missing?: string[];
  day?: IsoDate;
  project?: Project;
  id?: string;
}

/** 申请: a stage application of the project as the applicant submits it. Default: stage 1, both required items. */
export function submit(o: SubmitOptions = {}): StageCase {
  const stage = o.stage ?? 'projectApproval';
  const day = o.day ?? '2025-09-26';
  const items = itemsOf(stage, o.chosen);
  const materials = materialsFor(stage, o.chosen, o.missing ?? [], day);
  return createStageCase({
    id: o.id ?? 'C-1',
    province,
    project: o.project ?? project(),
    stage,
    items,
    materials,
    findings: preReview(province, items, materials),
    submittedBy: 'app-1',
    now: at(day),
    today: day,
    cal,
  });
}

export const officer = { id: 'win-1', name: '王窗口', unit: '江苏省政务服务中心工程建设项目绿色通道专窗' };

export function acceptCtx(day: IsoDate, applicantCreditMarks = 0): AcceptanceContext {
  return { province, officer, now: at(day), today: day, cal, applicantCreditMarks };
}

export function acceptOn(c: StageCase, day: IsoDate, decision: AcceptanceDecision = { outcome: 'accept' }) {
  return accept(c, decision, acceptCtx(day));
}

/** A case accepted in full on `day` (default: stage 1, landPreExaminationSiting 10 days + landUsePlanningPermit 7 days). */
export function underReview(day: IsoDate = '2025-09-30', o: SubmitOptions = {}): StageCase {
  return acceptOn(submit({ day, ...o }), day);
}

let resultSeq = 0;
export function decision(
  outcome: ItemDecisionInput['outcome'],
  day: IsoDate,
  extra: Partial<ItemDecisionInput> = {},
): ItemDecisionInput {
  resultSeq += 1;
  return {
    outcome,
    ...(outcome === 'reject' ? { reasons: '选址与国土空间规划不符' } : {}),
    by: 'rev-1',
    now: at(day),
    resultNo: `JS-${resultSeq}`,
    resultHash: 'a'.repeat(64),
    deficiencyPolicy: 'withhold',
    ...extra,
  };
}

export function decideAll(c: StageCase, outcome: ItemDecisionInput['outcome'], day: IsoDate): StageCase {
  return c.items.reduce((acc, i) => decideOne(acc, i.code, decision(outcome, day)), c);
}

/** A decision that takes effect: a refusal is proposed and signed off by the department lead. */
export function decideOne(c: StageCase, itemCode: string, d: ItemDecisionInput): StageCase {
  const next = decideItem(c, itemCode, d);
  if (d.outcome !== 'reject') return next;
  return signOffRefusal(next, itemCode, { action: 'sign', by: 'lead-1', now: d.now });
}

/** Asserts that `fn` throws a DomainError with this code (and kind, when given); returns it. */
export function expectDomainError(fn: () => unknown, code: string, kind?: DomainError['kind']): DomainError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    const err = e as DomainError;
    expect(err.code).toBe(code);
    if (kind) expect(err.kind).toBe(kind);
    expect(err.messageZh.length).toBeGreaterThan(0);
    return err;
  }
  throw new Error(`expected DomainError ${code}, but nothing was thrown`);
}
