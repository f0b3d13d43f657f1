/**
 * 专窗代办: the province's green-channel desk (绿色通道专窗) files for an enterprise that asked for
 * one-to-one help. The enterprise stays the applicant (行政许可法第二十九条: an applicant may entrust
 * an agent); the desk acts on its signed 授权委托书 and the enterprise confirms (确认) what was filed.
 */
import { normalizeCreditCode, validateCreditCode } from './codes.js';
import { conflict, DomainError, invalid } from './errors.js';
import type { Actor, Agency, CaseAgency, Instant, IsoDate, PreReviewFinding, StageCase } from './model.js';

/** 代办授权委托书: the enterprise's signed authorisation of the desk, a material of every agent filing. */
export const AGENCY_AUTHORISATION_MATERIAL = 'agencyAuthorisation';

/**
 * The enterprise as the officer typed it: the credit code is checked per GB 32100 and a refusal
 * names the request field, so the form can point at it. Returns the stored (normalised) form.
 */
export function checkEnterprise(input: { creditCode: string; name: string }): {
  creditCode: string;
  name: string;
} {
  const creditCode = normalizeCreditCode(input.creditCode);
  const check = validateCreditCode(creditCode);
  if (!check.valid) throw invalid(check.code, check.messageZh, { field: 'owner.creditCode' });
  const name = input.name.trim();
  if (name.length < 2) {
    throw invalid('ENTERPRISE_NAME_REQUIRED', '请填写委托代办企业的名称', { field: 'owner.name' });
  }
  return { creditCode, name };
}

/** The record of a desk officer acting for an enterprise (authorised by authz 'agency.file'). */
export function agentFor(
  actor: Actor,
  onBehalfOf: { creditCode: string; name: string },
  at: Instant,
): Agency {
  return {
    agent: { id: actor.id, name: actor.name, unit: actor.unit ?? '' },
    onBehalfOf: { creditCode: onBehalfOf.creditCode, name: onBehalfOf.name },
    at,
  };
}

/** The pre-review's extra rule for agent filings: no 授权委托书, no filing. */
export function agentFilingFindings(materials: { code: string }[]): PreReviewFinding[] {
  if (materials.some((m) => m.code === AGENCY_AUTHORISATION_MATERIAL)) return [];
  return [
    {
      severity: 'error',
      code: 'AGENCY_AUTHORISATION_MISSING',
      messageZh: '专窗代办须上传企业签章的授权委托书',
      materialCode: AGENCY_AUTHORISATION_MATERIAL,
    },
  ];
}

/** Audit data of every agent action: who acted, and for whom. */
export function agencyEventData(a: Agency) {
  return {
    agent: { id: a.agent.id, name: a.agent.name, unit: a.agent.unit },
    onBehalfOf: { creditCode: a.onBehalfOf.creditCode, name: a.onBehalfOf.name },
  };
}

/** Filed by the desk and not yet confirmed (nor declined) by the enterprise. */
export function awaitingConfirmation(c: Pick<StageCase, 'agency'>): boolean {
  return !!c.agency && !c.agency.confirmation;
}

/**
 * 受理 of an agent filing: only once the enterprise confirmed it, and never by the officer who
 * filed it (separation of duties: one person must not both make and receive an application).
 */
export function assertMayAccept(c: Pick<StageCase, 'agency'>, officerId: string): void {
  if (awaitingConfirmation(c)) {
    throw conflict('AGENCY_NOT_CONFIRMED', '专窗代办的申请须经申请单位确认后方可受理');
  }
  if (c.agency && c.agency.agent.id === officerId) {
    throw new DomainError(
      'forbidden',
      'AGENT_MAY_NOT_ACCEPT',
      '代办人不能受理本人代办的申请，请由其他窗口人员受理',
    );
  }
}

function assertPending(c: StageCase, creditCode: string | undefined) {
  if (!c.agency) throw conflict('NOT_AGENCY_CASE', '该办件不是专窗代办的申请，无需确认');
  if (c.agency.confirmation) throw conflict('AGENCY_ALREADY_ANSWERED', '该代办申请已确认或已拒绝');
  if (c.status !== 'submitted') throw conflict('CASE_NOT_AWAITING_ACCEPTANCE', '办件当前不在待受理状态');
  if (creditCode !== c.applicant.creditCode) {
    throw new DomainError('forbidden', 'FORBIDDEN', '只有申请单位本身可以确认代办申请');
  }
}

/**
 * 确认: the enterprise adopts the filing as its own application. The application counts as received
 * on the day it is confirmed, so the acceptance limit and the 视为受理 day (行政许可法第三十二条) are
 * counted from then: no deemed acceptance runs against an enterprise that never confirmed.
 */
export function confirmAgency(
  c: StageCase,
  by: { id: string; name: string; creditCode: string | undefined },
  ctx: { now: Instant; acceptDue: { date: IsoDate; provisional: boolean }; deemedOn: IsoDate },
): StageCase {
  assertPending(c, by.creditCode);
  const agency = c.agency as CaseAgency;
  return {
    ...c,
    acceptDueDate: ctx.acceptDue.date,
    acceptProvisional: ctx.acceptDue.provisional,
    acceptDeemedOn: ctx.deemedOn,
    agency: { ...agency, confirmation: { outcome: 'confirmed', by: by.id, name: by.name, at: ctx.now } },
  };
}

/** 不予确认: the enterprise disowns the filing; the case ends (终止) with its reason, no credit mark. */
export function declineAgency(
  c: StageCase,
  by: { id: string; name: string; creditCode: string | undefined },
  reasonZh: string,
  now: Instant,
): StageCase {
  assertPending(c, by.creditCode);
  const reason = reasonZh.trim();
  if (!reason) throw invalid('REASONS_REQUIRED', '不予确认须说明理由', { field: 'reason' });
  const agency = c.agency as CaseAgency;
  return {
    ...c,
    status: 'terminated',
    terminationReason: `申请单位不予确认专窗代办申请：${reason}`,
    closedAt: now,
    agency: {
      ...agency,
      confirmation: { outcome: 'declined', by: by.id, name: by.name, at: now, reasonZh: reason },
    },
  };
}

/** What a timeline shows of an agent action's audit data (none for the enterprise's own actions). */
export function agencyOfEvent(data: Record<string, unknown> | undefined): {
  agency?: { agentName: string; unit: string; onBehalfOf: { creditCode: string; name: string } };
} {
  const agent = data?.agent as { name?: unknown; unit?: unknown } | undefined;
  const whom = data?.onBehalfOf as { creditCode?: unknown; name?: unknown } | undefined;
  if (typeof agent?.name !== 'string' || typeof whom?.creditCode !== 'string') return {};
  return {
    agency: {
      agentName: agent.name,
      unit: typeof agent.unit === 'string' ? agent.unit : '',
      onBehalfOf: { creditCode: whom.creditCode, name: typeof whom.name === 'string' ? whom.name : '' },
    },
  };
}

/** The notices of an agent filing: the enterprise is asked to confirm, the desk told the answer. */
export const agencyNotices = {
  toConfirm: (c: Pick<StageCase, 'id' | 'projectName'>, agentName: string) => ({
    type: 'agencyToConfirm',
    titleZh: `待确认（专窗代办）：${c.projectName}`,
    bodyZh: `绿色通道专窗${agentName}已代贵单位提交「${c.projectName}」（办件 ${c.id}）的阶段申请，请核对后确认或不予确认；确认前不予受理，受理时限自确认之日起算。`,
  }),
  answered: (c: Pick<StageCase, 'id' | 'projectName' | 'applicant'>, confirmed: boolean) => ({
    type: confirmed ? 'agencyConfirmed' : 'agencyDeclined',
    titleZh: `${confirmed ? '已确认' : '不予确认'}（专窗代办）：${c.projectName}`,
    bodyZh: confirmed
      ? `${c.applicant.name}已确认专窗代办的申请（办件 ${c.id}），请由其他窗口人员受理。`
      : `${c.applicant.name}不予确认专窗代办的申请（办件 ${c.id}），办件已终止。`,
  }),
};
