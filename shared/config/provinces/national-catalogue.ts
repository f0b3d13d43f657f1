/**
 * The standardised approval items and materials (全国工程建设项目审批事项清单, 42 standard item names;
 * 发改投资〔2019〕268号 standard materials) as the green channel uses them. Every province of the
 * 长三角 uses the same codes for the same item, so that `landUsePlanningPermit` means 建设用地规划许可证
 * 核发 everywhere and a partner's result can be matched to a local item (互认目录). Statutory limits
 * follow the law; each province sets its own promised limits, department names and, where it differs,
 * its own item names or materials.
 *
 * jiangsu.ts predates this file and spells its catalogue out in full; it is kept identical to the
 * entries below (test/unit/province-config.test.ts checks).
 */
import type { ProvinceConfig } from '../province-config.js';

export type Item = ProvinceConfig['items'][number];
export type Material = ProvinceConfig['materials'][number];
/** An item as the national list defines it: everything but the province's promised limit. */
export type StandardItem = Omit<Item, 'code' | 'promisedDays'>;

export const standardMaterials = [
  { code: 'applicationForm', name: '阶段申请表（一张表单）', core: true },
  { code: 'creditCodeProof', name: '营业执照/统一社会信用代码证明', core: false },
  { code: 'authorisationLetter', name: '授权委托书', core: false },
  // 专窗代办: required of desk filings only (agency.ts), so no item lists it
  { code: 'agencyAuthorisation', name: '代办授权委托书（企业委托绿色通道专窗代办，加盖公章）', core: true },
  { code: 'agentIdentity', name: '经办人身份证明', core: false },
  { code: 'projectProposalApproval', name: '项目建议书批复文件', core: false },
  { code: 'feasibilityStudyReport', name: '可行性研究报告', core: true },
  { code: 'projectApplicationReport', name: '项目申请报告', core: true },
  { code: 'socialStabilityAssessment', name: '社会稳定风险评估报告', core: false },
  { code: 'landPreExaminationForm', name: '用地预审申请表', core: true },
  { code: 'siteSelectionReport', name: '建设项目选址论证报告', core: true },
  { code: 'surveyBoundaryMap', name: '勘测定界图及用地红线图', core: true },
  { code: 'projectApprovalDocument', name: '项目审批/核准/备案文件', core: true },
  { code: 'landContract', name: '国有建设用地使用权出让合同或划拨决定书', core: true },
  { code: 'topographicMap', name: '1:500地形图', core: false },
  { code: 'eiaReport', name: '环境影响报告书', core: true },
  { code: 'eiaReportForm', name: '环境影响报告表', core: true },
  { code: 'eiaPublicParticipation', name: '环境影响评价公众参与说明', core: false },
  { code: 'energyReport', name: '节能报告', core: true },
  { code: 'soilWaterConservationPlan', name: '水土保持方案', core: true },
  { code: 'waterResourceReport', name: '建设项目水资源论证报告', core: true },
  { code: 'floodImpactReport', name: '防洪影响评价报告', core: true },
  { code: 'archaeologyReport', name: '考古调查勘探报告', core: true },
  { code: 'heritageProtectionPlan', name: '文物保护方案', core: true },
  { code: 'safetyFacilityDesign', name: '安全设施设计专篇', core: true },
  { code: 'highwayWorksPlan', name: '涉路工程设计及施工方案', core: true },
  { code: 'expertReviewOpinion', name: '专家评审意见', core: false },
  { code: 'planningConditions', name: '规划条件', core: false },
  { code: 'designScheme', name: '建设工程设计方案', core: true },
  { code: 'designSchemeRendering', name: '设计方案效果图', core: false },
  { code: 'geotechnicalReport', name: '岩土工程勘察报告', core: true },
  { code: 'constructionDrawings', name: '施工图设计文件', core: true },
  { code: 'drawingReviewCertificate', name: '施工图设计文件审查合格书', core: true },
  { code: 'fireDesignDocuments', name: '消防设计文件', core: true },
  { code: 'airDefenceDrawings', name: '人防工程施工图设计文件', core: true },
  { code: 'bidAwardNotice', name: '中标通知书', core: true },
  { code: 'constructionContract', name: '施工合同', core: false },
  { code: 'supervisionContract', name: '监理合同', core: false },
  { code: 'safetyConditionsProof', name: '安全生产条件证明（保证工程质量和安全的具体措施）', core: true },
  { code: 'fundingProof', name: '建设资金落实证明', core: false },
  { code: 'planningVerificationSurvey', name: '竣工规划核实测量成果', core: true },
  { code: 'completionAcceptanceReport', name: '工程竣工验收报告', core: true },
  { code: 'fireTestReport', name: '消防设施检测报告', core: true },
  { code: 'airDefenceCompletionReport', name: '人防工程竣工验收报告', core: true },
  { code: 'projectArchives', name: '工程档案资料及移交目录', core: true },
  { code: 'qualityWarranty', name: '工程质量保修书', core: false },
  { code: 'residentialManual', name: '住宅使用说明书', core: false },
] satisfies Material[];

export const standardItems = {
  investmentApproval: {
    name: '政府投资项目可行性研究报告审批',
    department: 'ndrc',
    statutoryDays: 20,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'projectProposalApproval',
      'feasibilityStudyReport',
      'socialStabilityAssessment',
    ],
    deficiencyAllowed: [
      'creditCodeProof',
      'authorisationLetter',
      'projectProposalApproval',
      'socialStabilityAssessment',
    ],
    pledgeAllowed: false,
    legalBasis: '政府投资条例第十一条',
  },
  enterpriseProjectVerification: {
    name: '企业投资项目核准',
    department: 'ndrc',
    statutoryDays: 20,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'projectApplicationReport',
      'socialStabilityAssessment',
    ],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter', 'socialStabilityAssessment'],
    pledgeAllowed: false,
    legalBasis: '企业投资项目核准和备案管理条例第十条',
  },
  landPreExaminationSiting: {
    name: '建设项目用地预审与选址意见书',
    department: 'nrp',
    statutoryDays: 20,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'landPreExaminationForm',
      'siteSelectionReport',
      'surveyBoundaryMap',
      'topographicMap',
    ],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter', 'topographicMap'],
    pledgeAllowed: false,
    legalBasis: '城乡规划法第三十六条',
  },
  landUsePlanningPermit: {
    name: '建设用地规划许可证核发',
    department: 'nrp',
    statutoryDays: 20,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'projectApprovalDocument',
      'landContract',
      'surveyBoundaryMap',
    ],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter'],
    pledgeAllowed: false,
    legalBasis: '城乡规划法第三十七条、第三十八条',
  },
  eiaReportApproval: {
    name: '建设项目环境影响报告书审批',
    department: 'eco',
    statutoryDays: 60,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'eiaReport',
      'eiaPublicParticipation',
    ],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter', 'eiaPublicParticipation'],
    pledgeAllowed: false,
    legalBasis: '环境影响评价法第二十二条',
  },
  eiaReportFormApproval: {
    name: '建设项目环境影响报告表审批',
    department: 'eco',
    statutoryDays: 30,
    materials: ['applicationForm', 'creditCodeProof', 'authorisationLetter', 'eiaReportForm'],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter'],
    pledgeAllowed: true,
    legalBasis: '环境影响评价法第二十二条',
  },
  energyConservationReview: {
    name: '固定资产投资项目节能审查',
    department: 'ndrc',
    statutoryDays: 20,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'energyReport',
      'expertReviewOpinion',
    ],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter', 'expertReviewOpinion'],
    pledgeAllowed: false,
    legalBasis: '节约能源法第十五条',
  },
  soilWaterConservationApproval: {
    name: '生产建设项目水土保持方案审批',
    department: 'water',
    statutoryDays: 20,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'soilWaterConservationPlan',
      'expertReviewOpinion',
    ],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter', 'expertReviewOpinion'],
    pledgeAllowed: true,
    legalBasis: '水土保持法第二十五条',
  },
  designSchemeReview: {
    name: '建设工程设计方案审查',
    department: 'nrp',
    statutoryDays: 20,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'planningConditions',
      'designScheme',
      'designSchemeRendering',
    ],
    deficiencyAllowed: [
      'creditCodeProof',
      'authorisationLetter',
      'planningConditions',
      'designSchemeRendering',
    ],
    pledgeAllowed: false,
    legalBasis: '城乡规划法第四十条',
  },
  worksPlanningPermit: {
    name: '建设工程规划许可证核发',
    department: 'nrp',
    statutoryDays: 20,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'landContract',
      'designScheme',
      'topographicMap',
    ],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter', 'topographicMap'],
    pledgeAllowed: false,
    legalBasis: '城乡规划法第四十条',
  },
  waterAbstractionPermit: {
    name: '取水许可（含水资源论证）',
    department: 'water',
    statutoryDays: 45,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'waterResourceReport',
      'expertReviewOpinion',
    ],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter', 'expertReviewOpinion'],
    pledgeAllowed: false,
    legalBasis: '取水许可和水资源费征收管理条例',
  },
  riverWorksApproval: {
    name: '河道管理范围内建设项目工程建设方案审批',
    department: 'water',
    statutoryDays: 20,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'floodImpactReport',
      'expertReviewOpinion',
    ],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter', 'expertReviewOpinion'],
    pledgeAllowed: false,
    legalBasis: '水法第三十八条、防洪法第二十七条',
  },
  heritageProtectionPermit: {
    name: '建设工程文物保护和考古许可',
    department: 'heritage',
    statutoryDays: 20,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'archaeologyReport',
      'heritageProtectionPlan',
      'surveyBoundaryMap',
    ],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter'],
    pledgeAllowed: false,
    legalBasis: '文物保护法',
  },
  safetyFacilityDesignReview: {
    name: '危险化学品建设项目安全设施设计审查',
    department: 'fire',
    statutoryDays: 20,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'safetyFacilityDesign',
      'expertReviewOpinion',
    ],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter', 'expertReviewOpinion'],
    pledgeAllowed: false,
    legalBasis: '安全生产法、危险化学品安全管理条例',
  },
  constructionDrawingReview: {
    name: '施工图设计文件联合审查',
    department: 'housing',
    statutoryDays: 45,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'geotechnicalReport',
      'constructionDrawings',
    ],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter'],
    pledgeAllowed: false,
    legalBasis: '行政许可法第四十二条（联合办理）、建设工程质量管理条例第十一条',
  },
  fireDesignReview: {
    name: '特殊建设工程消防设计审查',
    department: 'housing',
    statutoryDays: 15,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'fireDesignDocuments',
      'expertReviewOpinion',
    ],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter', 'expertReviewOpinion'],
    pledgeAllowed: false,
    legalBasis: '消防法第十一条',
  },
  airDefenceDesignReview: {
    name: '人防工程施工图设计审查',
    department: 'airDefence',
    statutoryDays: 20,
    materials: ['applicationForm', 'creditCodeProof', 'authorisationLetter', 'airDefenceDrawings'],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter'],
    pledgeAllowed: false,
    legalBasis: '人民防空法第二十二条',
  },
  highwayWorksPermit: {
    name: '涉路施工许可',
    department: 'transport',
    statutoryDays: 20,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'highwayWorksPlan',
      'expertReviewOpinion',
    ],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter', 'expertReviewOpinion'],
    pledgeAllowed: false,
    legalBasis: '公路法第四十五条、公路安全保护条例第二十七条',
  },
  constructionPermit: {
    name: '建筑工程施工许可证核发',
    department: 'housing',
    statutoryDays: 7,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'drawingReviewCertificate',
      'bidAwardNotice',
      'constructionContract',
      'supervisionContract',
      'safetyConditionsProof',
      'fundingProof',
    ],
    deficiencyAllowed: [
      'creditCodeProof',
      'authorisationLetter',
      'constructionContract',
      'supervisionContract',
      'fundingProof',
    ],
    pledgeAllowed: true,
    legalBasis: '建筑法第八条',
  },
  planningVerification: {
    name: '建设工程规划条件核实',
    department: 'nrp',
    statutoryDays: 20,
    materials: ['applicationForm', 'creditCodeProof', 'authorisationLetter', 'planningVerificationSurvey'],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter'],
    pledgeAllowed: false,
    legalBasis: '城乡规划法第四十五条',
  },
  fireAcceptance: {
    name: '特殊建设工程消防验收',
    department: 'housing',
    statutoryDays: 15,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'fireTestReport',
      'completionAcceptanceReport',
    ],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter'],
    pledgeAllowed: false,
    legalBasis: '消防法第十三条',
  },
  airDefenceAcceptance: {
    name: '人防工程竣工验收备案',
    department: 'airDefence',
    statutoryDays: 20,
    materials: ['applicationForm', 'creditCodeProof', 'authorisationLetter', 'airDefenceCompletionReport'],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter'],
    pledgeAllowed: true,
    legalBasis: '人民防空法第二十二条',
  },
  archivesAcceptance: {
    name: '建设工程档案验收',
    department: 'housing',
    statutoryDays: 20,
    materials: ['applicationForm', 'creditCodeProof', 'authorisationLetter', 'projectArchives'],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter'],
    pledgeAllowed: true,
    legalBasis: '城市建设档案管理规定',
  },
  completionFiling: {
    name: '房屋建筑和市政基础设施工程竣工验收备案',
    department: 'housing',
    statutoryDays: 20,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'completionAcceptanceReport',
      'qualityWarranty',
      'residentialManual',
    ],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter', 'qualityWarranty', 'residentialManual'],
    pledgeAllowed: false,
    legalBasis: '建设工程质量管理条例第四十九条',
  },
} satisfies Record<string, StandardItem>;

export type StandardItemCode = keyof typeof standardItems;

/**
 * One standard item as a province runs it: its own promised limit and, where the province differs
 * from the national list, its own name, department, materials or 容缺/告知承诺 policy.
 */
export function standardItem(
  code: StandardItemCode,
  promisedDays: number,
  overrides: Partial<StandardItem> = {},
): Item {
  const item: StandardItem = standardItems[code];
  return {
    code,
    ...item,
    materials: [...item.materials],
    deficiencyAllowed: [...item.deficiencyAllowed],
    promisedDays,
    ...overrides,
  };
}

/**
 * The materials the given items ask for, standard ones first in catalogue order, then the province's
 * own; a material no item uses is left out. Codes neither standard nor local are left for the schema
 * to report.
 */
export function materialsUsedBy(items: Item[], local: Material[] = []): Material[] {
  // the desk's 代办授权委托书 belongs to the filing, not to an item, and is kept in every catalogue
  const used = new Set([...items.flatMap((i) => i.materials), 'agencyAuthorisation']);
  return [...standardMaterials, ...local].filter((m) => used.has(m.code)).map((m) => ({ ...m }));
}
