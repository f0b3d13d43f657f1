import type { ProvinceConfig } from '../config/province-config.js';
import { assertMayAccept, awaitingConfirmation } from './agency.js';
import { shanghaiDate, type WorkingCalendar } from './calendar.js';
import { deficiencyDeadline, letterCovers, mayBeDeficient } from './deficiency.js';
import { conflict, invalid } from './errors.js';
import type {
  AcceptanceOutcome,
  CaseItem,
  DeficiencyCommitment,
  Instant,
  IsoDate,
  ItemOutcome,
  MaterialRef,
  PreReviewFinding,
  Project,
  RecognitionProvenance,
  Stage,
  StageCase,
  Step,
} from './model.js';

type CatalogueItem = ProvinceConfig['items'][number];
type StageConfig = ProvinceConfig['stages'][number];

/** The states in which a case is still moving; everything else is closed. */
export const OPEN_STATUSES = ['submitted', 'correctionRequested', 'underReview'] as const;
export const isOpen = (c: StageCase) => (OPEN_STATUSES as readonly string[]).includes(c.status);

export function stageConfig(province: ProvinceConfig, stage: Stage): StageConfig {
  const found = province.stages.find((s) => s.stage === stage);
  if (!found) throw invalid('STAGE_NOT_CONFIGURED', '本省未配置该审批阶段');
  return found;
}

export function catalogueItem(province: ProvinceConfig, code: string): CatalogueItem {
  const found = province.items.find((i) => i.code === code);
  if (!found) throw invalid('UNKNOWN_ITEM', '审批事项不在本省事项目录中');
  return found;
}

/** The items a stage application covers: every required item of the stage plus the chosen optional ones. */
export function selectItems(
  province: ProvinceConfig,
  stage: Stage,
  chosen: string[] | undefined,
): CatalogueItem[] {
  const cfg = stageConfig(province, stage);
  const inStage = new Set(cfg.items.map((i) => i.code));
  for (const [index, code] of (chosen ?? []).entries()) {
    if (!inStage.has(code)) throw invalid('ITEM_NOT_IN_STAGE', `所选的第 ${index + 1} 个事项不属于该阶段`);
  }
  const wanted = new Set(chosen ?? []);
  return cfg.items
    .filter((i) => i.required || wanted.has(i.code))
    .map((i) => catalogueItem(province, i.code));
}

/** Which required materials of which items are absent from what was submitted. */
export function missingMaterials(items: CatalogueItem[], materials: { code: string }[]) {
  const have = new Set(materials.map((m) => m.code));
  return items.flatMap((item) =>
    item.materials.filter((m) => !have.has(m)).map((materialCode) => ({ itemCode: item.code, materialCode })),
  );
}

/**
 * 智能预审: completeness per item before anything is stored. Errors block submission (core
 * material missing); warnings are materials that may be accepted under 容缺.
 */
export function preReview(
  province: ProvinceConfig,
  items: CatalogueItem[],
  materials: { code: string }[],
): PreReviewFinding[] {
  const known = new Map(province.materials.map((m) => [m.code, m]));
  const findings: PreReviewFinding[] = [];
  const seen = new Set<string>();
  // Messages name positions, never the submitted text: errors must not echo what was sent.
  for (const [index, m] of materials.entries()) {
    if (!known.has(m.code)) {
      throw invalid('UNKNOWN_MATERIAL', `第 ${index + 1} 项材料的代码不在本省材料目录中`);
    }
    if (seen.has(m.code)) throw invalid('DUPLICATE_MATERIAL', `第 ${index + 1} 项材料重复提交`);
    seen.add(m.code);
  }
  for (const { itemCode, materialCode } of missingMaterials(items, materials)) {
    const item = items.find((i) => i.code === itemCode)!;
    const name = known.get(materialCode)?.name ?? materialCode;
    if (mayBeDeficient(item, materialCode) && !known.get(materialCode)?.core) {
      findings.push({
        severity: 'warning',
        code: 'MATERIAL_MISSING_DEFICIENCY_ALLOWED',
        messageZh: `缺少「${name}」，可申请容缺受理并承诺限期补齐`,
        itemCode,
        materialCode,
      });
    } else {
      findings.push({
        severity: 'error',
        code: 'MATERIAL_MISSING_REQUIRED',
        messageZh: `缺少「${name}」，该材料为必备材料，不能容缺`,
        itemCode,
        materialCode,
      });
    }
  }
  return findings;
}

export interface NewCaseInput {
  id: string;
  province: ProvinceConfig;
  project: Project;
  stage: Stage;
  items: CatalogueItem[];
  materials: MaterialRef[];
  findings: PreReviewFinding[];
  submittedBy: string;
  now: Instant;
  today: IsoDate;
  cal: WorkingCalendar;
}

export function createStageCase(input: NewCaseInput): StageCase {
  const { project, province } = input;
  if (project.admission.status !== 'admitted') {
    throw conflict('PROJECT_NOT_ADMITTED', '项目尚未纳入绿色通道，不能提交绿色通道阶段申请');
  }
  const acceptDue = input.cal.addWorkingDays(input.today, province.acceptance.days);
  return {
    id: input.id,
    province: province.code,
    projectId: project.id,
    projectCode: project.projectCode,
    projectName: project.name,
    applicant: { ...project.owner },
    partnerProvinces: [...project.partnerProvinces],
    stage: input.stage,
    ...(project.admission.priority !== undefined ? { priority: project.admission.priority } : {}),
    status: 'submitted',
    round: 1,
    submittedAt: input.now,
    submittedBy: input.submittedBy,
    acceptDueDate: acceptDue.date,
    acceptProvisional: acceptDue.provisional,
    acceptDeemedOn: deemedOnFrom(input.cal, input.today, province),
    materials: input.materials,
    preReview: input.findings,
    items: input.items.map(
      (i): CaseItem => ({
        code: i.code,
        name: i.name,
        department: i.department,
        statutoryDays: i.statutoryDays,
        promisedDays: i.promisedDays,
        status: 'inReview',
        clockStops: [],
      }),
    ),
    deficiencies: [],
    corrections: [],
  };
}

export interface DeficiencyRequest {
  itemCode: string;
  materialCode: string;
  /** working days granted to supplement */
  days: number;
}

export type AcceptanceDecision =
  | { outcome: 'accept' }
  | { outcome: 'acceptWithDeficiencies'; deficiencies: DeficiencyRequest[]; commitmentSigned: boolean }
  | { outcome: 'correction'; missing: string[]; reason: string }
  | { outcome: 'refuse'; reason: string };

export interface AcceptanceContext {
  province: ProvinceConfig;
  officer: { id: string; name: string; unit: string };
  now: Instant;
  today: IsoDate;
  cal: WorkingCalendar;
  /** credit marks of the applicant organisation: bad credit bars 容缺 */
  applicantCreditMarks: number;
  /** the 容缺受理承诺书 the applicant signed online, if any: it counts as the signature it covers */
  commitmentLetter?: { materials: { itemCode: string; materialCode: string }[] };
}

/** 受理: the four outcomes of the window. */
export function accept(c: StageCase, decision: AcceptanceDecision, ctx: AcceptanceContext): StageCase {
  if (c.status !== 'submitted') {
    throw conflict('CASE_NOT_AWAITING_ACCEPTANCE', '办件当前不在待受理状态');
  }
  assertMayAccept(c, ctx.officer.id);
  const base = {
    ...c,
    acceptance: {
      outcome: decision.outcome as AcceptanceOutcome,
      by: ctx.officer.id,
      unit: ctx.officer.unit,
      at: ctx.now,
    },
  };
  const items = c.items.map((i) => catalogueItem(ctx.province, i.code));
  const missing = missingMaterials(items, c.materials);

  switch (decision.outcome) {
    case 'refuse':
      if (!decision.reason.trim()) throw invalid('REASONS_REQUIRED', '不予受理须说明理由');
      return {
        ...base,
        acceptance: { ...base.acceptance, reasons: decision.reason },
        status: 'refused',
        closedAt: ctx.now,
      };
    case 'correction': {
      if (decision.missing.length === 0) {
        throw invalid('CORRECTION_EMPTY', '补正通知须一次性列明全部需补正的材料');
      }
      checkCorrectionNotice(c, items, missing, decision.missing);
      return {
        ...base,
        acceptance: { ...base.acceptance, reasons: decision.reason, missing: decision.missing },
        status: 'correctionRequested',
        corrections: [
          ...c.corrections,
          {
            round: c.round,
            requestedAt: ctx.now,
            requestedBy: ctx.officer.id,
            missing: decision.missing,
            reason: decision.reason,
          },
        ],
      };
    }
    case 'accept':
      if (missing.length > 0) {
        throw invalid('MATERIALS_INCOMPLETE', '申请材料不齐全，不能直接受理；请容缺受理或一次性告知补正', {
          missing,
        });
      }
      return startReview(base, ctx, []);
    case 'acceptWithDeficiencies': {
      // signed at the counter (the window ticks it), or online by the applicant for every listed material
      if (!decision.commitmentSigned && !letterCovers(ctx.commitmentLetter, decision.deficiencies)) {
        throw invalid('COMMITMENT_NOT_SIGNED', '容缺受理须由申请人签署容缺受理承诺书');
      }
      if (ctx.applicantCreditMarks >= ctx.province.deficiency.barredAfterCreditMarks) {
        throw conflict('DEFICIENCY_BARRED', '申请单位存在失信记录，不能适用容缺受理');
      }
      if (decision.deficiencies.length === 0) {
        throw invalid('DEFICIENCY_EMPTY', '容缺受理须列明缺少的材料及补齐期限');
      }
      const missingKeys = new Set(missing.map((m) => `${m.itemCode}/${m.materialCode}`));
      const covered = new Set(decision.deficiencies.map((d) => `${d.itemCode}/${d.materialCode}`));
      const uncovered = missing.filter((m) => !covered.has(`${m.itemCode}/${m.materialCode}`));
      if (uncovered.length > 0) {
        throw invalid('DEFICIENCY_INCOMPLETE', '容缺告知书须列明全部缺少的材料', { uncovered });
      }
      const commitments = decision.deficiencies.map((d, index): DeficiencyCommitment => {
        const which = `容缺清单第 ${index + 1} 项`;
        const item = items.find((i) => i.code === d.itemCode);
        if (!item) throw invalid('ITEM_NOT_IN_CASE', `${which}的事项不在本办件中`);
        if (!missingKeys.has(`${d.itemCode}/${d.materialCode}`)) {
          throw invalid('DEFICIENCY_NOT_MISSING', `${which}的材料已经提交，无需容缺`);
        }
        const material = ctx.province.materials.find((m) => m.code === d.materialCode);
        if (!material || material.core || !mayBeDeficient(item, d.materialCode)) {
          throw invalid('MATERIAL_NOT_DEFICIENCY_ALLOWED', `${which}为实质性材料或不在容缺清单内，不能容缺`);
        }
        if (d.days > ctx.province.deficiency.maxDays) {
          throw invalid('DEFICIENCY_DEADLINE_BEYOND_LIMIT', '容缺补齐期限超过本省规定的最长期限');
        }
        const deadline = deficiencyDeadline(ctx.cal, ctx.today, d.days, item.promisedDays);
        return {
          itemCode: d.itemCode,
          materialCode: d.materialCode,
          grantedDays: d.days,
          deadline: deadline.date,
          provisional: deadline.provisional,
          status: 'open',
        };
      });
      return startReview(base, ctx, commitments);
    }
  }
}

/**
 * 一次性告知 (行政许可法第三十二条): one notice per round, naming only materials the case's items
 * need, and every material still missing. A later round's notice may only name what the applicant
 * changed since the previous notice: anything else should have been on that one.
 */
function checkCorrectionNotice(
  c: StageCase,
  items: CatalogueItem[],
  missing: { materialCode: string }[],
  named: string[],
) {
  const previous = c.corrections.filter((r) => r.round <= c.round).at(-1);
  if (previous?.round === c.round) {
    throw conflict('CORRECTION_ALREADY_NOTIFIED', '本轮已一次性告知补正，不能再次告知');
  }
  const needed = new Set(items.flatMap((i) => i.materials));
  for (const [index, code] of named.entries()) {
    if (!needed.has(code)) {
      throw invalid('CORRECTION_MATERIAL_NOT_NEEDED', `补正清单第 ${index + 1} 项不是本办件事项所需的材料`);
    }
  }
  const listed = new Set(named);
  const uncovered = [...new Set(missing.map((m) => m.materialCode))].filter((m) => !listed.has(m));
  if (uncovered.length > 0) {
    throw invalid('CORRECTION_INCOMPLETE', '补正通知须一次性列明全部缺少的材料', { uncovered });
  }
  if (previous) {
    const changed = new Set(
      c.materials.filter((m) => m.submittedAt > previous.requestedAt).map((m) => m.code),
    );
    const notChanged = named.filter((code) => !changed.has(code));
    if (notChanged.length > 0) {
      throw conflict('CORRECTION_NOT_ONE_TIME', '补正须一次性告知：再次告知只能针对申请人补正后变更的材料', {
        notChanged,
      });
    }
  }
}

/**
 * 视为受理日 of a round starting on `from`: the law gives the window five days to tell the applicant
 * what to correct (行政许可法第三十二条; a province may promise fewer), so the first working day
 * after that limit, the 6th with five. Never before the province's own acceptance limit ran out.
 */
export function deemedOnFrom(cal: WorkingCalendar, from: IsoDate, province: ProvinceConfig): IsoDate {
  const limit = Math.max(province.acceptance.days, province.acceptance.correctionNoticeDays);
  return cal.addWorkingDays(from, limit + 1).date;
}

/** The day the current acceptance round began: the submission, or the latest resubmission. */
export function acceptanceRoundStart(c: StageCase): IsoDate {
  const resubmitted = c.corrections.find((r) => r.round === c.round - 1)?.resolvedAt;
  const start = resubmitted ?? c.submittedAt;
  // 专窗代办: the application counts as received once the enterprise confirmed it (agency.ts)
  const confirmed = c.agency?.confirmation?.outcome === 'confirmed' ? c.agency.confirmation.at : undefined;
  return shanghaiDate(confirmed && confirmed > start ? confirmed : start);
}

/**
 * The acceptance deadline and 视为受理日 of a waiting case, counted again on `cal` (a holiday
 * arrangement published after the case was submitted moves both). Other cases are returned as is.
 */
export function recountAcceptanceDeadlines(
  c: StageCase,
  cal: WorkingCalendar,
  province: ProvinceConfig,
): StageCase {
  if (c.status !== 'submitted') return c;
  const from = acceptanceRoundStart(c);
  const due = cal.addWorkingDays(from, province.acceptance.days);
  return {
    ...c,
    acceptDueDate: due.date,
    acceptProvisional: due.provisional,
    acceptDeemedOn: deemedOnFrom(cal, from, province),
  };
}

export function deemedAcceptanceDate(cal: WorkingCalendar, c: StageCase): IsoDate {
  return c.acceptDeemedOn ?? cal.addWorkingDays(c.acceptDueDate, 1).date;
}

/**
 * 视为受理 (行政许可法第三十二条): an application not acted on within the acceptance limit counts as
 * accepted from the deemed day; the items' clocks start that day even if the sweeper records it
 * later, and the province's window unit becomes the first receiver.
 */
export function deemAccepted(
  c: StageCase,
  ctx: { windowUnit: string; now: Instant; today: IsoDate; cal: WorkingCalendar },
): StageCase {
  if (c.status !== 'submitted') {
    throw conflict('CASE_NOT_AWAITING_ACCEPTANCE', '办件当前不在待受理状态');
  }
  if (awaitingConfirmation(c)) {
    throw conflict('AGENCY_NOT_CONFIRMED', '专窗代办的申请尚未经申请单位确认，不视为受理');
  }
  const deemedOn = deemedAcceptanceDate(ctx.cal, c);
  if (ctx.today < deemedOn) throw conflict('ACCEPTANCE_NOT_DUE', '受理时限尚未届满，不能视为受理');
  return {
    ...c,
    status: 'underReview',
    acceptance: { outcome: 'accept', by: 'system', unit: ctx.windowUnit, at: ctx.now, deemed: true },
    firstReceiver: { officerId: 'system', name: ctx.windowUnit, unit: ctx.windowUnit, since: ctx.now },
    deficiencies: [],
    items: c.items.map((i) => ({ ...i, status: 'inReview', startDate: deemedOn })),
  };
}

function startReview(c: StageCase, ctx: AcceptanceContext, commitments: DeficiencyCommitment[]): StageCase {
  return {
    ...c,
    status: 'underReview',
    firstReceiver: {
      officerId: ctx.officer.id,
      name: ctx.officer.name,
      unit: ctx.officer.unit,
      since: ctx.now,
    },
    deficiencies: commitments,
    items: c.items.map((i) => ({ ...i, status: 'inReview', startDate: ctx.today })),
  };
}

/** 补正后重新提交: the applicant answers the one-time correction notice; a new acceptance round starts. */
export function resubmit(
  c: StageCase,
  materials: MaterialRef[],
  ctx: { now: Instant; today: IsoDate; cal: WorkingCalendar; province: ProvinceConfig },
): StageCase {
  if (c.status !== 'correctionRequested') throw conflict('CASE_NOT_AWAITING_CORRECTION', '办件当前无需补正');
  // checked against the notice: the correction stays open until everything it named is supplied
  const notice = c.corrections.find((r) => r.round === c.round && !r.resolvedAt);
  const supplied = new Set(materials.map((m) => m.code));
  const stillMissing = (notice?.missing ?? []).filter((code) => !supplied.has(code));
  if (stillMissing.length > 0) {
    throw invalid('CORRECTION_NOT_ANSWERED', '一次性告知的补正材料尚未全部补交', { stillMissing });
  }
  const merged = mergeMaterials(c.materials, materials);
  const acceptDue = ctx.cal.addWorkingDays(ctx.today, ctx.province.acceptance.days);
  const { acceptance: _previous, ...rest } = c;
  return {
    ...rest,
    status: 'submitted',
    round: c.round + 1,
    materials: merged,
    acceptDueDate: acceptDue.date,
    acceptProvisional: acceptDue.provisional,
    acceptDeemedOn: deemedOnFrom(ctx.cal, ctx.today, ctx.province),
    corrections: c.corrections.map((r) =>
      r.round === c.round && !r.resolvedAt ? { ...r, resolvedAt: ctx.now } : r,
    ),
  };
}

function mergeMaterials(existing: MaterialRef[], added: MaterialRef[]): MaterialRef[] {
  const byCode = new Map(existing.map((m) => [m.code, m]));
  for (const m of added) byCode.set(m.code, m);
  return [...byCode.values()];
}

export function itemOf(c: StageCase, itemCode: string): CaseItem {
  const item = c.items.find((i) => i.code === itemCode);
  if (!item) throw invalid('ITEM_NOT_IN_CASE', '该事项不在本办件中');
  return item;
}

export function replaceItem(c: StageCase, item: CaseItem): StageCase {
  return { ...c, items: c.items.map((i) => (i.code === item.code ? item : i)) };
}

export function requireReviewable(c: StageCase, item: CaseItem) {
  if (c.status !== 'underReview') throw conflict('CASE_NOT_UNDER_REVIEW', '办件不在审查阶段');
  if (item.decision) throw conflict('ITEM_ALREADY_DECIDED', '该事项已作出决定，不能重复决定');
  if (item.proposedRefusal) {
    throw conflict('REFUSAL_AWAITING_SIGNOFF', '该事项已拟不予批准，待部门负责人签发或退回');
  }
}

export interface ItemDecisionInput {
  outcome: ItemOutcome;
  reasons?: string;
  by: string;
  now: Instant;
  /** 电子证照 number, issued by the caller's id generator */
  resultNo: string;
  resultHash: string;
  deficiencyPolicy: ProvinceConfig['deficiency']['resultPolicy'];
}

/** 批准/不予批准 one item; when the last item is decided the stage closes. */
export function decideItem(c: StageCase, itemCode: string, d: ItemDecisionInput): StageCase {
  const item = itemOf(c, itemCode);
  requireReviewable(c, item);
  if (item.status !== 'inReview') {
    throw conflict('ITEM_CLOCK_STOPPED', '该事项处于补正或特别程序中，须先结束后再作决定');
  }
  if (d.outcome === 'reject' && !d.reasons?.trim()) {
    throw invalid('REASONS_REQUIRED', '不予批准须说明理由');
  }
  if (d.outcome === 'reject') {
    // 拒绝须上一级签发: a refusal is only proposed here; the department lead signs it off
    return replaceItem(c, {
      ...item,
      proposedRefusal: { by: d.by, at: d.now, reasons: d.reasons!.trim() },
    });
  }
  const withheld =
    d.outcome === 'approve' &&
    d.deficiencyPolicy === 'withhold' &&
    c.deficiencies.some((x) => x.itemCode === itemCode && x.status === 'open');
  const decided: CaseItem = {
    ...item,
    status: d.outcome === 'approve' ? 'approved' : 'rejected',
    decision: {
      outcome: d.outcome,
      by: d.by,
      at: d.now,
      ...(d.reasons ? { reasons: d.reasons } : {}),
      ...(d.outcome === 'approve' ? { resultNo: d.resultNo, resultHash: d.resultHash } : {}),
      ...(withheld ? { resultWithheld: true } : {}),
    },
  };
  return closeIfAllDecided(replaceItem(c, decided), d.now);
}

/**
 * 签发/退回 a proposed refusal. Only the signature makes the item rejected, and the signer must be
 * another person than the proposer (whether they are the department's lead is checked by authz).
 */
export function signOffRefusal(
  c: StageCase,
  itemCode: string,
  input: { action: 'sign' | 'return'; by: string; now: Instant; commentZh?: string },
): StageCase {
  const item = itemOf(c, itemCode);
  const proposal = item.proposedRefusal;
  if (c.status !== 'underReview' || !proposal || item.decision) {
    throw conflict('NO_PROPOSED_REFUSAL', '该事项没有待签发的不予批准意见');
  }
  if (proposal.by === input.by) {
    throw conflict('SIGNOFF_BY_PROPOSER', '不予批准须由拟办人以外的部门负责人签发');
  }
  const { proposedRefusal: _p, ...rest } = item;
  if (input.action === 'return') {
    if (!input.commentZh?.trim()) throw invalid('REASONS_REQUIRED', '退回须说明理由');
    return replaceItem(c, {
      ...rest,
      refusalReturns: [
        ...(item.refusalReturns ?? []),
        {
          proposedBy: proposal.by,
          reasons: proposal.reasons,
          by: input.by,
          at: input.now,
          commentZh: input.commentZh,
        },
      ],
    });
  }
  const rejected: CaseItem = {
    ...rest,
    status: 'rejected',
    decision: {
      outcome: 'reject',
      by: proposal.by,
      at: input.now,
      reasons: proposal.reasons,
      signedOffBy: input.by,
    },
  };
  return closeIfAllDecided(replaceItem(c, rejected), input.now);
}

function closeIfAllDecided(c: StageCase, now: Instant): StageCase {
  if (c.items.some((i) => !i.decision)) return c;
  const rejected = c.items.some((i) => i.decision?.outcome === 'reject');
  return { ...c, status: rejected ? 'rejected' : 'approved', closedAt: now };
}

/** 转办: the item is handed to a named reviewer of its department, with the reason on record. */
export function assignItem(
  c: StageCase,
  itemCode: string,
  input: { assignee: { id: string; name: string }; by: string; reasonZh: string; now: Instant },
): StageCase {
  const item = itemOf(c, itemCode);
  requireReviewable(c, item);
  if (!input.reasonZh.trim()) throw invalid('REASONS_REQUIRED', '转办须说明理由');
  if (item.assignee?.id === input.assignee.id) throw conflict('ALREADY_ASSIGNED', '该事项已由此审查人员办理');
  return replaceItem(c, {
    ...item,
    assignee: { ...input.assignee, since: input.now },
    assignments: [
      ...(item.assignments ?? []),
      {
        ...(item.assignee ? { from: item.assignee.id } : {}),
        to: input.assignee.id,
        toName: input.assignee.name,
        by: input.by,
        at: input.now,
        reasonZh: input.reasonZh,
      },
    ],
  });
}

/**
 * 撤销: a supervisor revokes an issued approval of a closed stage (纠错). The original decision
 * stays on the item with the revocation beside it; the workflow of the closed stage is not touched.
 */
export function revokeDecision(
  c: StageCase,
  itemCode: string,
  input: { by: string; reasonZh: string; now: Instant },
): StageCase {
  const item = itemOf(c, itemCode);
  if (isOpen(c)) throw conflict('CASE_NOT_CLOSED', '办件办结后方可撤销已作出的审批决定');
  const decision = item.decision;
  if (decision?.outcome !== 'approve') throw conflict('NOTHING_TO_REVOKE', '该事项没有可撤销的批准决定');
  if (decision.recognition) throw conflict('RECOGNISED_RESULT', '互认的合作省份审批结果须由原审批省份撤销');
  if (decision.revoked) throw conflict('ALREADY_REVOKED', '该审批决定已被撤销');
  if (!input.reasonZh.trim()) throw invalid('REASONS_REQUIRED', '撤销审批决定须说明理由');
  return replaceItem(c, {
    ...item,
    decision: { ...decision, revoked: { by: input.by, at: input.now, reasonZh: input.reasonZh } },
  });
}

/**
 * 互认: a partner's verified result counts for this item. It is not reviewed again and its time
 * counts as zero; the provenance stays on the decision for anyone to check.
 */
export function recogniseItem(
  c: StageCase,
  itemCode: string,
  provenance: RecognitionProvenance,
  now: Instant,
): StageCase {
  const item = itemOf(c, itemCode);
  requireReviewable(c, item);
  const recognised: CaseItem = {
    ...item,
    status: 'recognised',
    clockStops: [],
    decision: {
      outcome: 'approve',
      by: `partner:${provenance.origin}`,
      at: now,
      resultNo: provenance.resultNo,
      resultHash: provenance.resultHash,
      recognition: provenance,
    },
  };
  return closeIfAllDecided(replaceItem(c, recognised), now);
}

/**
 * 互认撤回: the origin revoked the result a recognised item rested on. An open or approved case goes
 * (back) under review and the item is reviewed here after all, its clock starting afresh on `today`
 * as on acceptance. A case closed otherwise (rejected, terminated) is not reopened: the revocation
 * is put beside the recognised decision instead. Withdrawing twice changes nothing.
 */
export function withdrawRecognition(
  c: StageCase,
  itemCode: string,
  input: {
    origin: string;
    resultNo: string;
    reasonZh: string;
    revokedAt: Instant;
    now: Instant;
    today: IsoDate;
  },
): StageCase {
  const item = itemOf(c, itemCode);
  const recognition = item.decision?.recognition;
  if (!recognition || recognition.origin !== input.origin || recognition.resultNo !== input.resultNo)
    return c;
  if (c.status !== 'underReview' && c.status !== 'approved') {
    if (item.decision?.revoked) return c;
    return replaceItem(c, {
      ...item,
      decision: {
        ...item.decision!,
        revoked: { by: `partner:${input.origin}`, at: input.revokedAt, reasonZh: input.reasonZh },
      },
    });
  }
  // a fresh clock: the sweeper announces this item's lamps again
  const { decision: _d, lampNotified: _l, ...rest } = item;
  const reopened: CaseItem = {
    ...rest,
    status: 'inReview',
    startDate: input.today,
    clockStops: [],
    recognitionWithdrawals: [
      ...(item.recognitionWithdrawals ?? []),
      {
        origin: input.origin,
        resultNo: input.resultNo,
        reasonZh: input.reasonZh,
        revokedAt: input.revokedAt,
        at: input.now,
        recognition,
      },
    ],
  };
  const { closedAt: _c, ...open } = replaceItem(c, reopened);
  return { ...open, status: 'underReview' };
}

/** 一次性告知补正 of one item during review: stops its clock until the applicant supplements. */
export function requestItemCorrection(
  c: StageCase,
  itemCode: string,
  req: {
    missing: string[];
    reason: string;
    now: Instant;
    today: IsoDate;
    /** the item's materials in the catalogue: a notice may only ask for what the item needs */
    itemMaterials: readonly string[];
  },
): StageCase {
  const item = itemOf(c, itemCode);
  requireReviewable(c, item);
  if (item.status !== 'inReview') throw conflict('ITEM_CLOCK_STOPPED', '该事项已在补正或特别程序中');
  if (item.clockStops.some((s) => s.kind === 'correction')) {
    throw conflict('CORRECTION_ALREADY_REQUESTED', '补正须一次性告知，该事项已告知过补正');
  }
  if (req.missing.length === 0) throw invalid('CORRECTION_EMPTY', '补正通知须一次性列明全部需补正的材料');
  for (const [index, code] of req.missing.entries()) {
    if (!req.itemMaterials.includes(code)) {
      throw invalid('CORRECTION_MATERIAL_NOT_NEEDED', `补正清单第 ${index + 1} 项不是该事项所需的材料`);
    }
  }
  if (new Set(req.missing).size !== req.missing.length) {
    throw invalid('DUPLICATE_MATERIAL', '补正清单中有重复的材料');
  }
  return replaceItem(c, {
    ...item,
    status: 'correctionRequested',
    correction: { requestedAt: req.now, missing: [...req.missing], reason: req.reason },
    clockStops: [...item.clockStops, { kind: 'correction', from: req.today, reason: req.reason }],
  });
}

// 特别程序 (start, approval, end, overrun) live in special-procedure.ts.

/**
 * 补交材料: settles 容缺 commitments and item corrections that the new materials answer. Withheld
 * results are released once nothing of their item is outstanding.
 */
export function supplement(
  c: StageCase,
  materials: MaterialRef[],
  ctx: { now: Instant; today: IsoDate },
): { next: StageCase; settled: string[] } {
  if (!isOpen(c) && !c.deficiencies.some((d) => d.status === 'open')) {
    throw conflict('NOTHING_TO_SUPPLEMENT', '办件已办结，无需补交材料');
  }
  const codes = new Set(materials.map((m) => m.code));
  const settled: string[] = [];
  const deficiencies = c.deficiencies.map((d) => {
    if (d.status === 'open' && codes.has(d.materialCode)) {
      settled.push(`${d.itemCode}/${d.materialCode}`);
      return { ...d, status: 'supplemented' as const, supplementedAt: ctx.now };
    }
    return d;
  });
  const items = c.items.map((item) => {
    let next = item;
    if (item.status === 'correctionRequested' && item.correction) {
      const stillMissing = item.correction.missing.filter((m) => !codes.has(m));
      if (stillMissing.length < item.correction.missing.length) settled.push(`${item.code}/correction`);
      if (stillMissing.length === 0) {
        next = {
          ...item,
          status: 'inReview',
          clockStops: item.clockStops.map((s) =>
            s.kind === 'correction' && !s.to ? { ...s, to: ctx.today } : s,
          ),
        };
      } else {
        next = { ...item, correction: { ...item.correction, missing: stillMissing } };
      }
    }
    const outstanding = deficiencies.some((d) => d.itemCode === item.code && d.status === 'open');
    if (next.decision?.resultWithheld && !outstanding) {
      const { resultWithheld: _released, ...decision } = next.decision;
      next = { ...next, decision };
    }
    return next;
  });
  if (settled.length === 0) {
    throw invalid('SUPPLEMENT_NOT_REQUESTED', '所补交的材料不在容缺或补正清单中');
  }
  return { next: { ...c, deficiencies, items, materials: mergeMaterials(c.materials, materials) }, settled };
}

/** 容缺 not supplemented by its deadline: the acceptance is void and the case ends. */
export function terminate(c: StageCase, reason: string, now: Instant): StageCase {
  if (c.status === 'terminated') throw conflict('CASE_ALREADY_TERMINATED', '办件已终止');
  if (!isOpen(c) && !c.deficiencies.some((d) => d.status === 'open')) {
    throw conflict('CASE_CLOSED', '办件已办结，不能终止');
  }
  return {
    ...c,
    status: 'terminated',
    terminationReason: reason,
    closedAt: now,
    deficiencies: c.deficiencies.map((d) => (d.status === 'open' ? { ...d, status: 'overdue' } : d)),
  };
}

export function giveFeedback(
  c: StageCase,
  f: { satisfaction: 1 | 2 | 3 | 4 | 5; comment?: string; by: string; now: Instant },
): StageCase {
  if (isOpen(c)) throw conflict('CASE_NOT_CLOSED', '办件办结后方可评价');
  if (c.feedback) throw conflict('FEEDBACK_ALREADY_GIVEN', '已评价过该办件');
  return {
    ...c,
    feedback: {
      satisfaction: f.satisfaction,
      ...(f.comment ? { comment: f.comment } : {}),
      at: f.now,
      by: f.by,
    },
  };
}

/** Where the case stands in the six-step loop. */
export function currentStep(c: StageCase): Step {
  switch (c.status) {
    case 'correctionRequested':
      return 'apply';
    case 'submitted':
      return 'accept';
    case 'underReview':
      return 'review';
    case 'refused':
    case 'terminated':
      return 'supervise';
    case 'approved':
    case 'rejected':
      if (c.deficiencies.some((d) => d.status === 'open')) return 'supervise';
      return 'feedback';
  }
}

/** What the workflow's acceptance callback returns once the window decided. */
export function acceptanceOutcomeOfRound(c: StageCase, round: number): AcceptanceOutcome | undefined {
  if (c.round > round) return 'correction';
  if (c.round === round && c.acceptance) return c.acceptance.outcome;
  return undefined;
}

/** A human step of the workflow, as the state machine waits for it. */
export type WorkflowStep =
  | { kind: 'acceptance'; round: number }
  | { kind: 'resubmission'; round: number }
  | { kind: 'item'; itemCode: string };

/** What a waiting workflow step returns once the case holds its decision; undefined while open. */
export function stepOutcome(c: StageCase, step: WorkflowStep): unknown | undefined {
  if (step.kind === 'acceptance') {
    const outcome = acceptanceOutcomeOfRound(c, step.round);
    return outcome ? { outcome } : undefined;
  }
  if (step.kind === 'resubmission') return c.round > step.round ? { round: c.round } : undefined;
  const item = c.items.find((i) => i.code === step.itemCode);
  return item?.decision ? { itemCode: item.code, outcome: item.decision.outcome } : undefined;
}
