import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseProvinceConfig } from '../../shared/config/province-config.js';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
import { shanghai } from '../../shared/config/provinces/shanghai.js';
import { zhejiang } from '../../shared/config/provinces/zhejiang.js';
import {
  deliveryProgress,
  deliveryRulesOf,
  nextDeliveryCheck,
  overdueDeliveries,
  recordDelivery,
} from '../../shared/domain/delivery.js';
import { decideExtension, promisedDueDate, requestExtension } from '../../shared/domain/extension.js';
import type { StageCase } from '../../shared/domain/model.js';
import { caseProgress, nextCheckDate } from '../../shared/domain/progress.js';
import { supplement } from '../../shared/domain/stage-case.js';
import {
  acceptOn,
  at,
  cal,
  decidedOnOf,
  decideOne,
  decision,
  expectDomainError,
  province,
  submit,
  thresholds,
  underReview,
} from './fixtures.js';

const LAND_PRE = 'landPreExaminationSiting';
const LAND_USE = 'landUsePlanningPermit';
const item = (c: StageCase, code: string) => c.items.find((i) => i.code === code)!;
const MAX = province.extension.maxDays;
const RULES = deliveryRulesOf(province);

const ask = (c: StageCase, day: string, o: { by?: string; days?: number; reasonZh?: string } = {}) =>
  requestExtension(c, LAND_USE, {
    by: o.by ?? 'rev-1',
    now: at(day),
    today: day,
    reasonZh: o.reasonZh ?? '需征求自然资源部意见',
    days: o.days ?? 10,
    maxDays: MAX,
    cal,
  });
const answer = (c: StageCase, day: string, action: 'approve' | 'refuse', by = 'lead-1', commentZh?: string) =>
  decideExtension(c, LAND_USE, {
    action,
    by,
    now: at(day),
    today: day,
    maxDays: MAX,
    cal,
    ...(commentZh ? { commentZh } : {}),
  });

describe('行政许可法第42条: 延长审查期限 (extension)', () => {
  it('行政许可法第42条、第44条: a province may not configure more than ten working days for an extension or a delivery', () => {
    for (const p of [jiangsu, zhejiang, shanghai]) {
      expect(parseProvinceConfig(p).extension.maxDays).toBe(10);
      expect(parseProvinceConfig(p).delivery.days).toBe(10);
    }
    expect(() => parseProvinceConfig({ ...jiangsu, extension: { maxDays: 11 } })).toThrow(
      /延长审查期限不得超过10个工作日/,
    );
    expect(() => parseProvinceConfig({ ...jiangsu, delivery: { days: 15 } })).toThrow(/10个工作日内送达/);
  });

  it('行政许可法第42条: a granted extension adds its days to the limit, across the National Day holiday, keeping the original', () => {
    // accepted 2025-09-30; the 7-working-day item was due 10-16 (10-01…10-08 off, 10-11 a make-up workday)
    const c = underReview('2025-09-30');
    expect(promisedDueDate(cal, item(c, LAND_USE), '2025-10-10')).toBe('2025-10-16');
    const asked = ask(c, '2025-10-10', { days: 5 });
    expect(item(asked, LAND_USE).promisedDays).toBe(7);
    expect(item(asked, LAND_USE).extension?.status).toBe('requested');
    const granted = answer(asked, '2025-10-13', 'approve');
    const it = item(granted, LAND_USE);
    expect(it.promisedDays).toBe(12);
    expect(it.statutoryDays).toBe(item(c, LAND_USE).statutoryDays + 5);
    expect(it.extension).toMatchObject({
      status: 'granted',
      grantedDays: 5,
      originalPromisedDays: 7,
      decidedBy: 'lead-1',
      newDueDate: '2025-10-23',
    });
    // the lamp follows: on 10-17 the original limit is passed, the extended one not
    const before = caseProgress(cal, c, '2025-10-17', thresholds, decidedOnOf);
    const after = caseProgress(cal, granted, '2025-10-17', thresholds, decidedOnOf);
    expect(before.items.find((i) => i.code === LAND_USE)?.lamp).toBe('red');
    expect(after.items.find((i) => i.code === LAND_USE)?.lamp).not.toBe('red');
    expect(after.items.find((i) => i.code === LAND_USE)?.dueDate).toBe('2025-10-23');
  });

  it('行政许可法第42条: the lead who approves must be another person than the reviewer who asked', () => {
    const asked = ask(underReview('2025-09-30'), '2025-10-10', { by: 'lead-1' });
    expectDomainError(
      () => answer(asked, '2025-10-10', 'approve', 'lead-1'),
      'EXTENSION_BY_REQUESTER',
      'conflict',
    );
  });

  it('行政许可法第42条: the extension is granted once; a second request is refused with EXTENSION_ALREADY_GRANTED', () => {
    const granted = answer(
      ask(underReview('2025-09-30'), '2025-10-09', { days: 2 }),
      '2025-10-09',
      'approve',
    );
    expectDomainError(() => ask(granted, '2025-10-10', { days: 2 }), 'EXTENSION_ALREADY_GRANTED', 'conflict');
  });

  it('行政许可法第42条: a refused request leaves the limit and may be followed by a new one', () => {
    const c = underReview('2025-09-30');
    const refused = answer(ask(c, '2025-10-09'), '2025-10-09', 'refuse', 'lead-1', '理由不充分');
    expect(item(refused, LAND_USE).promisedDays).toBe(7);
    expect(item(refused, LAND_USE).extension?.status).toBe('refused');
    expectDomainError(() => answer(ask(c, '2025-10-09'), '2025-10-09', 'refuse'), 'REASONS_REQUIRED');
    expect(item(ask(refused, '2025-10-10'), LAND_USE).extension?.status).toBe('requested');
  });

  it('行政许可法第42条: asked after the limit ran out, too long, without reason or twice at once, it is refused', () => {
    const c = underReview('2025-09-30');
    expectDomainError(() => ask(c, '2025-10-17'), 'EXTENSION_AFTER_DEADLINE', 'conflict');
    expect(() => ask(c, '2025-10-16')).not.toThrow(); // the due day itself is still in time
    expectDomainError(() => ask(c, '2025-10-10', { days: 11 }), 'EXTENSION_TOO_LONG', 'invalid');
    expectDomainError(() => ask(c, '2025-10-10', { days: 0 }), 'EXTENSION_TOO_LONG', 'invalid');
    expectDomainError(() => ask(c, '2025-10-10', { reasonZh: '  ' }), 'REASONS_REQUIRED', 'invalid');
    expectDomainError(() => ask(ask(c, '2025-10-10'), '2025-10-10'), 'EXTENSION_PENDING', 'conflict');
    expectDomainError(() => answer(c, '2025-10-10', 'approve'), 'NO_PENDING_EXTENSION', 'conflict');
    const decided = decideOne(c, LAND_USE, decision('approve', '2025-10-10'));
    expectDomainError(() => ask(decided, '2025-10-10'), 'ITEM_ALREADY_DECIDED', 'conflict');
  });

  it('行政许可法第42条 (property): whatever the requests and answers, an item is extended at most once and by at most the maximum', () => {
    const start = underReview('2025-09-30');
    const step = fc.record({
      kind: fc.constantFrom('ask', 'approve', 'refuse'),
      by: fc.constantFrom('rev-1', 'rev-2', 'lead-1'),
      days: fc.integer({ min: -2, max: 15 }),
      day: fc.constantFrom(
        '2025-10-09',
        '2025-10-10',
        '2025-10-13',
        '2025-10-16',
        '2025-10-17',
        '2025-10-24',
      ),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        let c = start;
        let grants = 0;
        for (const s of steps) {
          try {
            c =
              s.kind === 'ask'
                ? ask(c, s.day, { by: s.by, days: s.days })
                : answer(c, s.day, s.kind, s.by, '意见');
            if (s.kind === 'approve') grants += 1;
          } catch {
            // a refused step changes nothing
          }
          const it = item(c, LAND_USE);
          expect(it.promisedDays - 7).toBeGreaterThanOrEqual(0);
          expect(it.promisedDays - 7).toBeLessThanOrEqual(MAX);
          expect(it.statutoryDays - item(start, LAND_USE).statutoryDays).toBe(it.promisedDays - 7);
        }
        expect(grants).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('行政许可法第44条: 送达 (delivery within 10 working days of the decision)', () => {
  const decided = () => decideOne(underReview('2025-09-29'), LAND_USE, decision('approve', '2025-09-30'));

  it('行政许可法第44条: the window runs 10 working days from the decision, across the National Day holiday', () => {
    const c = decided();
    // decided 09-30; 10-01…10-08 off: 10-09, 10, 11 (make-up), 13…17, 20, 21 → due 10-21
    const p = deliveryProgress(cal, c, item(c, LAND_USE), '2025-10-09', thresholds, RULES, decidedOnOf);
    expect(p).toMatchObject({ deliveryDueDate: '2025-10-21', deliveryLamp: 'green' });
    expect(
      deliveryProgress(cal, c, item(c, LAND_USE), '2025-10-20', thresholds, RULES, decidedOnOf)?.deliveryLamp,
    ).toBe('yellow');
    expect(
      deliveryProgress(cal, c, item(c, LAND_USE), '2025-10-22', thresholds, RULES, decidedOnOf)?.deliveryLamp,
    ).toBe('red');
    // undecided items have nothing to deliver
    expect(
      deliveryProgress(cal, c, item(c, LAND_PRE), '2025-10-09', thresholds, RULES, decidedOnOf),
    ).toBeUndefined();
  });

  it('行政许可法第44条: recorded delivery ends the clock; once only; the date lies between decision and today', () => {
    const c = decided();
    const base = {
      by: 'win-1',
      now: at('2025-10-10'),
      today: '2025-10-10',
      rules: RULES,
      dateOf: decidedOnOf,
    };
    const delivered = recordDelivery(c, LAND_USE, { ...base, method: 'post', deliveredOn: '2025-10-09' });
    expect(item(delivered, LAND_USE).delivery).toMatchObject({ method: 'post', deliveredOn: '2025-10-09' });
    const p = caseProgress(cal, delivered, '2025-11-30', thresholds, decidedOnOf, RULES).items.find(
      (i) => i.code === LAND_USE,
    );
    expect(p).toMatchObject({ deliveredOn: '2025-10-09', deliveryMethod: 'post', deliveryLamp: 'green' });
    expectDomainError(
      () => recordDelivery(delivered, LAND_USE, { ...base, method: 'direct', deliveredOn: '2025-10-10' }),
      'ALREADY_DELIVERED',
    );
    expectDomainError(
      () => recordDelivery(c, LAND_USE, { ...base, method: 'direct', deliveredOn: '2025-10-11' }),
      'DELIVERY_DATE_OUT_OF_RANGE',
    );
    expectDomainError(
      () => recordDelivery(c, LAND_USE, { ...base, method: 'direct', deliveredOn: '2025-09-29' }),
      'DELIVERY_DATE_OUT_OF_RANGE',
    );
    expectDomainError(
      () => recordDelivery(c, LAND_PRE, { ...base, method: 'direct', deliveredOn: '2025-10-10' }),
      'ITEM_NOT_DECIDED',
    );
    // delivered late is red for good
    const late = recordDelivery(c, LAND_USE, {
      ...base,
      now: at('2025-10-24'),
      today: '2025-10-24',
      method: 'electronic',
      deliveredOn: '2025-10-24',
      signedByApplicant: true,
    });
    expect(
      deliveryProgress(cal, late, item(late, LAND_USE), '2025-11-30', thresholds, RULES, decidedOnOf),
    ).toMatchObject({
      deliveryLamp: 'red',
      deliverySigned: true,
    });
  });

  it('行政许可法第44条: a withheld 容缺 result is delivered only once released, its window running from the release', () => {
    const optional = 'creditCodeProof';
    expect(province.deficiency.resultPolicy).toBe('withhold');
    const accepted = acceptOn(submit({ day: '2025-09-29', missing: [optional] }), '2025-09-29', {
      outcome: 'acceptWithDeficiencies',
      deficiencies: [
        { itemCode: LAND_PRE, materialCode: optional, days: 5 },
        { itemCode: LAND_USE, materialCode: optional, days: 5 },
      ],
      commitmentSigned: true,
    });
    const c = decideOne(accepted, LAND_USE, decision('approve', '2025-09-30'));
    expect(item(c, LAND_USE).decision?.resultWithheld).toBe(true);
    expect(
      deliveryProgress(cal, c, item(c, LAND_USE), '2025-10-09', thresholds, RULES, decidedOnOf),
    ).toBeUndefined();
    expectDomainError(
      () =>
        recordDelivery(c, LAND_USE, {
          by: 'win-1',
          now: at('2025-10-09'),
          today: '2025-10-09',
          method: 'direct',
          deliveredOn: '2025-10-09',
          rules: RULES,
          dateOf: decidedOnOf,
        }),
      'RESULT_WITHHELD',
    );
    const released = supplement(c, [{ code: optional, fileName: 'x.pdf', submittedAt: at('2025-10-10') }], {
      now: at('2025-10-10'),
      today: '2025-10-10',
    }).next;
    expect(item(released, LAND_USE).decision?.resultWithheld).toBeUndefined();
    // released 10-10: 10-11 (a make-up Saturday), 13…17, 20…23 → 10-23
    expect(
      deliveryProgress(cal, released, item(released, LAND_USE), '2025-10-10', thresholds, RULES, decidedOnOf)
        ?.deliveryDueDate,
    ).toBe('2025-10-23');
  });

  it('行政许可法第44条: the sweeper looks again the first working day after the window and announces it once', () => {
    // both items decided on 09-30: nothing but the delivery keeps the case due
    const c = decideOne(decided(), LAND_PRE, decision('approve', '2025-09-30'));
    expect(c.status).toBe('approved');
    expect(nextDeliveryCheck(cal, c, RULES, decidedOnOf)).toBe('2025-10-22');
    expect(nextCheckDate(cal, c, '2025-10-09', thresholds, [], RULES)).toBe('2025-10-22');
    expect(overdueDeliveries(cal, c, '2025-10-21', RULES, decidedOnOf)).toEqual([]);
    expect(
      overdueDeliveries(cal, c, '2025-10-22', RULES, decidedOnOf).map((x) => [x.item.code, x.due]),
    ).toEqual([
      [LAND_PRE, '2025-10-21'],
      [LAND_USE, '2025-10-21'],
    ]);
    const notified: StageCase = {
      ...c,
      items: c.items.map((i) => ({ ...i, deliveryOverdueNotifiedAt: at('2025-10-22') })),
    };
    expect(overdueDeliveries(cal, notified, '2025-10-23', RULES, decidedOnOf)).toEqual([]);
    expect(nextDeliveryCheck(cal, notified, RULES, decidedOnOf)).toBeUndefined();
  });
});
