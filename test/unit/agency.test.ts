import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AGENCY_AUTHORISATION_MATERIAL,
  agencyOfEvent,
  agentFilingFindings,
  agentFor,
  assertMayAccept,
  awaitingConfirmation,
  checkEnterprise,
  confirmAgency,
  declineAgency,
} from '../../shared/domain/agency.js';
import { can } from '../../shared/domain/authz.js';
import { creditCodeCheckChar } from '../../shared/domain/codes.js';
import type { Actor, IsoDate, StageCase } from '../../shared/domain/model.js';
import {
  acceptanceRoundStart,
  deemAccepted,
  deemedOnFrom,
  recountAcceptanceDeadlines,
} from '../../shared/domain/stage-case.js';
import {
  acceptOn,
  at,
  cal,
  expectDomainError,
  OWNER_CREDIT_CODE,
  officer,
  province,
  submit,
} from './fixtures.js';

const DESK: Actor = { id: 'desk-1', name: '王敏', role: 'windowOfficer', unit: province.windowUnit };
const ENTERPRISE = { id: 'app-1', name: '李建华', creditCode: OWNER_CREDIT_CODE };

/** A stage case the desk filed for the fixture project's owner on `day`. */
function agentFiled(day: IsoDate = '2026-03-02', agent: Actor = DESK): StageCase {
  const c = submit({ day });
  return {
    ...c,
    submittedBy: agent.id,
    agency: {
      ...agentFor(agent, c.applicant, at(day)),
      authorisationMaterial: AGENCY_AUTHORISATION_MATERIAL,
    },
  };
}

function confirmOn(c: StageCase, day: IsoDate): StageCase {
  return confirmAgency(c, ENTERPRISE, {
    now: at(day),
    acceptDue: cal.addWorkingDays(day, province.acceptance.days),
    deemedOn: deemedOnFrom(cal, day, province),
  });
}

describe('专窗代办: who may file, and for whom (行政许可法第二十九条)', () => {
  it('行政许可法第二十九条: only an officer of the province’s green-channel desk files for an enterprise', () => {
    const scope = { windowUnit: province.windowUnit };
    expect(can(DESK, 'agency.file', scope)).toBe(true);
    expect(can({ ...DESK, unit: '某区政务服务中心综合窗口' }, 'agency.file', scope)).toBe(false);
    expect(can({ ...DESK, unit: undefined }, 'agency.file', scope)).toBe(false);
    expect(
      can({ id: 's', name: 's', role: 'supervisor', unit: province.windowUnit }, 'agency.file', scope),
    ).toBe(false);
  });

  it('GB 32100-2015: the enterprise’s credit code is checked and a refusal names the field', () => {
    const body = '91320000MA1XXXXX0';
    const good = body + creditCodeCheckChar(body);
    expect(checkEnterprise({ creditCode: ` ${good.toLowerCase()} `, name: ' 某公司 ' })).toEqual({
      creditCode: good,
      name: '某公司',
    });
    const err = expectDomainError(
      () => checkEnterprise({ creditCode: `${body}${good.endsWith('1') ? '2' : '1'}`, name: '某公司' }),
      'INVALID_CREDIT_CODE_CHECK',
      'invalid',
    );
    expect(err.details).toEqual({ field: 'owner.creditCode' });
    expect(
      expectDomainError(() => checkEnterprise({ creditCode: good, name: ' ' }), 'ENTERPRISE_NAME_REQUIRED')
        .details,
    ).toEqual({ field: 'owner.name' });
  });

  it('行政许可法第二十九条: an agent filing needs the enterprise’s signed 授权委托书; the catalogue has it', () => {
    expect(province.materials.some((m) => m.code === AGENCY_AUTHORISATION_MATERIAL)).toBe(true);
    expect(agentFilingFindings([{ code: 'applicationForm' }])).toEqual([
      expect.objectContaining({ severity: 'error', code: 'AGENCY_AUTHORISATION_MISSING' }),
    ]);
    expect(agentFilingFindings([{ code: AGENCY_AUTHORISATION_MATERIAL }])).toEqual([]);
  });

  it('every agent action records who acted and for whom, and the timeline reads it back', () => {
    const c = agentFiled();
    expect(agencyOfEvent({ agent: c.agency!.agent, onBehalfOf: c.agency!.onBehalfOf })).toEqual({
      agency: { agentName: '王敏', unit: province.windowUnit, onBehalfOf: c.applicant },
    });
    expect(agencyOfEvent({ round: 1 })).toEqual({});
  });
});

describe('确认 before 受理 (行政许可法第三十二条)', () => {
  it('行政许可法第三十二条: an agent filing is not accepted, nor deemed accepted, before the enterprise confirms', () => {
    const c = agentFiled('2026-03-02');
    expect(awaitingConfirmation(c)).toBe(true);
    expectDomainError(() => acceptOn(c, '2026-03-03'), 'AGENCY_NOT_CONFIRMED', 'conflict');
    expectDomainError(
      () =>
        deemAccepted(c, { windowUnit: province.windowUnit, now: at('2026-04-30'), today: '2026-04-30', cal }),
      'AGENCY_NOT_CONFIRMED',
      'conflict',
    );
  });

  it('行政许可法第三十二条: the acceptance limit and the 视为受理 day count from the confirmation', () => {
    const c = confirmOn(agentFiled('2026-03-02'), '2026-03-16');
    expect(c.acceptDueDate).toBe(cal.addWorkingDays('2026-03-16', province.acceptance.days).date);
    expect(c.acceptDeemedOn).toBe(deemedOnFrom(cal, '2026-03-16', province));
    expect(acceptanceRoundStart(c)).toBe('2026-03-16');
    // a recount (new holiday arrangement) keeps counting from the confirmation, not the filing
    expect(recountAcceptanceDeadlines(c, cal, province).acceptDeemedOn).toBe(c.acceptDeemedOn);
    expect(acceptOn(c, '2026-03-17').status).toBe('underReview');
  });

  it('separation of duties: the officer who filed may not accept the filing', () => {
    const c = confirmOn(agentFiled('2026-03-02', { ...DESK, id: officer.id }), '2026-03-03');
    expectDomainError(() => acceptOn(c, '2026-03-04'), 'AGENT_MAY_NOT_ACCEPT', 'forbidden');
  });

  it('only the enterprise filed for answers, once; a refusal ends the case with its reason', () => {
    const c = agentFiled();
    expectDomainError(
      () => confirmOn({ ...c, applicant: { creditCode: '91320500MA1MXX8A3X', name: '他人' } }, '2026-03-03'),
      'FORBIDDEN',
      'forbidden',
    );
    expectDomainError(() => declineAgency(c, ENTERPRISE, '  ', at('2026-03-03')), 'REASONS_REQUIRED');
    const declined = declineAgency(c, ENTERPRISE, '事项选错', at('2026-03-03'));
    expect(declined).toMatchObject({ status: 'terminated', closedAt: at('2026-03-03') });
    expect(declined.terminationReason).toContain('事项选错');
    expectDomainError(() => confirmOn(declined, '2026-03-04'), 'AGENCY_ALREADY_ANSWERED', 'conflict');
    expectDomainError(() => confirmOn(submit(), '2026-03-04'), 'NOT_AGENCY_CASE', 'conflict');
  });

  it('property (行政许可法第三十二条): whatever the days, no agent filing is accepted before its confirmation, and the deemed day never precedes it', () => {
    const days = fc.integer({ min: 0, max: 200 }).map((n) => cal.addWorkingDays('2026-01-05', n).date);
    fc.assert(
      fc.property(days, fc.integer({ min: 0, max: 40 }), fc.boolean(), (filed, wait, sameOfficer) => {
        const agent = sameOfficer ? { ...DESK, id: officer.id } : DESK;
        const c = agentFiled(filed, agent);
        expect(() => assertMayAccept(c, 'someone-else')).toThrow();
        const confirmedOn = cal.addWorkingDays(filed, wait).date;
        const confirmed = confirmOn(c, confirmedOn);
        expect(confirmed.acceptDeemedOn! > confirmedOn).toBe(true);
        expect(confirmed.acceptDueDate >= confirmedOn).toBe(true);
        if (sameOfficer) expect(() => acceptOn(confirmed, confirmedOn)).toThrow();
        else expect(acceptOn(confirmed, confirmedOn).status).toBe('underReview');
      }),
      { numRuns: 60 },
    );
  });
});
