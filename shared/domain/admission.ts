/**
 * 准入: whether a project may enter the green channel, and at which priority (三个优先). The rules
 * are the province's; the supervisor decides, with these results as the reasons shown to them.
 */
import type { ProvinceConfig } from '../config/province-config.js';
import type { EligibilityResult, Project, ProjectCategory } from './model.js';

type AdmissionRules = ProvinceConfig['admission'];
type StageConfig = ProvinceConfig['stages'][number];

export const CATEGORY_NAMES_ZH: Readonly<Record<ProjectCategory, string>> = {
  nationalKey: '国家级重点项目',
  provincialKey: '省级重点项目',
  majorLivelihood: '重大民生工程',
  emergency: '突发事件应急工程',
};

const wan = (amount: number) => `${amount.toLocaleString('zh-CN')}万元`;

export function evaluateEligibility(
  project: Pick<Project, 'category' | 'investmentWan' | 'governmentInvested'>,
  rules: AdmissionRules,
): EligibilityResult {
  const reasons: EligibilityResult['reasons'] = [];
  const categoryName = CATEGORY_NAMES_ZH[project.category] ?? project.category;
  const rule = rules.categories.find((c) => c.category === project.category);

  if (rule) {
    reasons.push({
      code: 'CATEGORY_ELIGIBLE',
      messageZh: `${categoryName}属于绿色通道准入类别，优先级为第${rule.priority}级`,
      passed: true,
    });
  } else {
    reasons.push({
      code: 'CATEGORY_NOT_ELIGIBLE',
      messageZh: `${categoryName}不属于本省绿色通道准入类别`,
      passed: false,
    });
  }

  if (rules.investmentExemptCategories.includes(project.category)) {
    // Emergency works are admitted whatever they cost: the amount is not even checked for plausibility.
    reasons.push({
      code: 'INVESTMENT_EXEMPT',
      messageZh: `${categoryName}不受最低投资额限制`,
      passed: true,
    });
  } else if (!Number.isFinite(project.investmentWan) || project.investmentWan < 0) {
    reasons.push({ code: 'INVESTMENT_INVALID', messageZh: '项目总投资额无效', passed: false });
  } else if (project.investmentWan >= rules.minInvestmentWan) {
    reasons.push({
      code: 'INVESTMENT_MEETS_MINIMUM',
      messageZh: `项目总投资${wan(project.investmentWan)}，达到最低投资额${wan(rules.minInvestmentWan)}`,
      passed: true,
    });
  } else {
    reasons.push({
      code: 'INVESTMENT_BELOW_MINIMUM',
      messageZh: `项目总投资${wan(project.investmentWan)}，低于最低投资额${wan(rules.minInvestmentWan)}`,
      passed: false,
    });
  }

  const eligible = reasons.every((r) => r.passed);
  return eligible && rule ? { eligible, priority: rule.priority, reasons } : { eligible: false, reasons };
}

/** 一家牵头: the stage's lead department; stage 1 is led by 发展改革 for government-invested projects. */
export function stageLeadDepartment(
  stage: Pick<StageConfig, 'leadDepartment' | 'leadDepartmentGovernmentInvested'>,
  governmentInvested: boolean,
): string {
  return governmentInvested && stage.leadDepartmentGovernmentInvested
    ? stage.leadDepartmentGovernmentInvested
    : stage.leadDepartment;
}
