import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
import { evaluateEligibility, stageLeadDepartment } from '../../shared/domain/admission.js';
import { PROJECT_CATEGORIES, type ProjectCategory } from '../../shared/domain/model.js';

const rules = jiangsu.admission;
const project = (category: ProjectCategory, investmentWan: number, governmentInvested = false) => ({
  category,
  investmentWan,
  governmentInvested,
});
const codes = (r: ReturnType<typeof evaluateEligibility>) => r.reasons.map((x) => x.code);

describe('evaluateEligibility', () => {
  it('gives the three priorities: key projects, then livelihood, then emergency works', () => {
    expect(evaluateEligibility(project('nationalKey', 50_000), rules)).toMatchObject({
      eligible: true,
      priority: 1,
    });
    expect(evaluateEligibility(project('provincialKey', 50_000), rules)).toMatchObject({
      eligible: true,
      priority: 1,
    });
    expect(evaluateEligibility(project('majorLivelihood', 50_000), rules)).toMatchObject({
      eligible: true,
      priority: 2,
    });
    expect(evaluateEligibility(project('emergency', 50_000), rules)).toMatchObject({
      eligible: true,
      priority: 3,
    });
  });

  it('explains an eligible project with passed reasons in Chinese', () => {
    const r = evaluateEligibility(project('provincialKey', 3000), rules);
    expect(codes(r)).toEqual(['CATEGORY_ELIGIBLE', 'INVESTMENT_MEETS_MINIMUM']);
    expect(r.reasons.every((x) => x.passed)).toBe(true);
    expect(r.reasons[0]?.messageZh).toContain('省级重点项目');
    expect(r.reasons[1]?.messageZh).toContain('3,000万元');
  });

  it('refuses below the minimum investment, without a priority', () => {
    const r = evaluateEligibility(project('majorLivelihood', 2999.99), rules);
    expect(r.eligible).toBe(false);
    expect(r.priority).toBeUndefined();
    expect(r.reasons.find((x) => x.code === 'INVESTMENT_BELOW_MINIMUM')).toMatchObject({ passed: false });
    expect(r.reasons.find((x) => x.code === 'INVESTMENT_BELOW_MINIMUM')?.messageZh).toContain(
      '低于最低投资额',
    );
  });

  it('admits emergency works whatever the amount', () => {
    const r = evaluateEligibility(project('emergency', 1), rules);
    expect(r).toMatchObject({ eligible: true, priority: 3 });
    expect(codes(r)).toContain('INVESTMENT_EXEMPT');
  });

  it('refuses a category the province does not admit', () => {
    const narrow = { ...rules, categories: rules.categories.filter((c) => c.category !== 'majorLivelihood') };
    const r = evaluateEligibility(project('majorLivelihood', 100_000), narrow);
    expect(r.eligible).toBe(false);
    expect(codes(r)).toContain('CATEGORY_NOT_ELIGIBLE');
    expect(r.reasons.find((x) => x.code === 'CATEGORY_NOT_ELIGIBLE')?.messageZh).toContain('重大民生工程');
  });

  it('refuses an impossible investment amount', () => {
    expect(codes(evaluateEligibility(project('nationalKey', -1), rules))).toContain('INVESTMENT_INVALID');
    expect(evaluateEligibility(project('nationalKey', Number.NaN), rules).eligible).toBe(false);
  });

  const category = fc.constantFrom(...PROJECT_CATEGORIES);
  const amount = fc.double({ min: 0, max: 1e7, noNaN: true });
  const ruleSet = fc.record({
    categories: fc.uniqueArray(fc.record({ category, priority: fc.integer({ min: 1, max: 4 }) }), {
      selector: (c) => c.category,
      minLength: 1,
    }),
    minInvestmentWan: fc.integer({ min: 0, max: 100_000 }),
    investmentExemptCategories: fc.uniqueArray(category),
  });

  it('property: for exempt categories eligibility never depends on the investment', () => {
    fc.assert(
      fc.property(ruleSet, category, amount, amount, fc.boolean(), (r, c, a, b, gov) => {
        fc.pre(r.investmentExemptCategories.includes(c));
        const x = evaluateEligibility(project(c, a, gov), r);
        const y = evaluateEligibility(project(c, b, gov), r);
        expect(x.eligible).toBe(y.eligible);
        expect(x.priority).toBe(y.priority);
      }),
    );
  });

  it('property: otherwise eligibility is monotonic in the investment', () => {
    fc.assert(
      fc.property(ruleSet, category, amount, amount, fc.boolean(), (r, c, a, b, gov) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const lowResult = evaluateEligibility(project(c, low, gov), r);
        const highResult = evaluateEligibility(project(c, high, gov), r);
        if (lowResult.eligible)
          expect(highResult).toMatchObject({ eligible: true, priority: lowResult.priority });
      }),
    );
  });

  it('property: eligible exactly when the category is admitted and the amount qualifies', () => {
    fc.assert(
      fc.property(ruleSet, category, amount, (r, c, a) => {
        const rule = r.categories.find((x) => x.category === c);
        const expected = !!rule && (r.investmentExemptCategories.includes(c) || a >= r.minInvestmentWan);
        const result = evaluateEligibility(project(c, a), r);
        expect(result.eligible).toBe(expected);
        expect(result.priority).toBe(expected ? rule?.priority : undefined);
        expect(result.reasons.every((x) => x.passed)).toBe(expected);
      }),
    );
  });
});

describe('stageLeadDepartment', () => {
  const [approval, works] = jiangsu.stages;

  it('lets 发展改革 lead stage 1 of a government-invested project, else 自然资源', () => {
    expect(stageLeadDepartment(approval!, true)).toBe('ndrc');
    expect(stageLeadDepartment(approval!, false)).toBe('nrp');
  });

  it('keeps the ordinary lead where no government-invested lead is configured', () => {
    expect(stageLeadDepartment(works!, true)).toBe('nrp');
    expect(stageLeadDepartment(works!, false)).toBe('nrp');
  });
});
