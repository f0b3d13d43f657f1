/**
 * 浙江省: the 最多跑一次 tradition, so the tightest promised limits of the 长三角 — most items within
 * 5–7 working days, 施工许可 the next day, missing materials listed on the spot (one day) and 容缺
 * results issued at once (容缺通过). Items and materials are the national standard ones
 * (national-catalogue.ts), plus 海域使用权审批 for coastal works; statutory limits follow the law.
 */
import type { ProvinceConfig } from '../province-config.js';
import { type Item, type Material, materialsUsedBy, standardItem } from './national-catalogue.js';
import { yangtzeDeltaPartners, yangtzeDeltaRecognition } from './yangtze-delta.js';

const localMaterials: Material[] = [
  { code: 'seaAreaUseDemonstration', name: '海域使用论证报告', core: true },
  { code: 'seaAreaSurveyMap', name: '宗海位置图及宗海界址图', core: true },
];

const items: Item[] = [
  // ── 立项用地规划许可 ──
  standardItem('investmentApproval', 7),
  standardItem('enterpriseProjectVerification', 5),
  standardItem('landPreExaminationSiting', 5),
  standardItem('landUsePlanningPermit', 3),
  standardItem('eiaReportApproval', 20),
  standardItem('eiaReportFormApproval', 7),
  // 区域评估 + 承诺制: within an assessed zone a signed commitment stands in for the expert opinion
  standardItem('energyConservationReview', 5, { pledgeAllowed: true }),
  standardItem('soilWaterConservationApproval', 5),
  {
    code: 'seaAreaUseApproval',
    name: '海域使用权审核',
    department: 'nrp',
    statutoryDays: 20,
    promisedDays: 10,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'seaAreaUseDemonstration',
      'seaAreaSurveyMap',
      'expertReviewOpinion',
    ],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter', 'expertReviewOpinion'],
    pledgeAllowed: false,
    legalBasis: '海域使用管理法第十六条',
  },
  // ── 工程建设许可 ──
  standardItem('designSchemeReview', 5),
  standardItem('worksPlanningPermit', 5),
  standardItem('waterAbstractionPermit', 10),
  standardItem('riverWorksApproval', 7),
  standardItem('heritageProtectionPermit', 7),
  standardItem('safetyFacilityDesignReview', 7),
  // ── 施工许可 ──
  standardItem('constructionDrawingReview', 7),
  standardItem('fireDesignReview', 5),
  standardItem('airDefenceDesignReview', 5),
  standardItem('highwayWorksPermit', 5),
  standardItem('constructionPermit', 1),
  // ── 竣工验收（联合验收） ──
  standardItem('planningVerification', 5),
  standardItem('fireAcceptance', 5),
  standardItem('airDefenceAcceptance', 3),
  standardItem('archivesAcceptance', 3),
  standardItem('completionFiling', 3),
];

export const zhejiang: ProvinceConfig = {
  code: 'ZJ',
  name: '浙江省',
  regionPrefix: '33',
  departments: [
    { code: 'ndrc', name: '浙江省发展和改革委员会', leadTitle: '处长' },
    { code: 'nrp', name: '浙江省自然资源厅', leadTitle: '处长' },
    { code: 'housing', name: '浙江省住房和城乡建设厅', leadTitle: '处长' },
    { code: 'eco', name: '浙江省生态环境厅', leadTitle: '处长' },
    { code: 'transport', name: '浙江省交通运输厅', leadTitle: '处长' },
    { code: 'water', name: '浙江省水利厅', leadTitle: '处长' },
    { code: 'fire', name: '浙江省应急管理厅', leadTitle: '处长' },
    { code: 'airDefence', name: '浙江省人民防空办公室', leadTitle: '处长' },
    { code: 'heritage', name: '浙江省文物局', leadTitle: '处长' },
  ],
  materials: materialsUsedBy(items, localMaterials),
  items,
  stages: [
    {
      stage: 'projectApproval',
      name: '立项用地规划许可',
      leadDepartment: 'nrp',
      leadDepartmentGovernmentInvested: 'ndrc',
      items: [
        { code: 'investmentApproval', required: false },
        { code: 'enterpriseProjectVerification', required: false },
        { code: 'landPreExaminationSiting', required: true },
        { code: 'landUsePlanningPermit', required: true },
        { code: 'eiaReportApproval', required: false },
        { code: 'eiaReportFormApproval', required: false },
        { code: 'energyConservationReview', required: false },
        { code: 'soilWaterConservationApproval', required: false },
        { code: 'seaAreaUseApproval', required: false },
      ],
      promisedDays: 20,
    },
    {
      stage: 'worksPermit',
      name: '工程建设许可',
      leadDepartment: 'nrp',
      items: [
        { code: 'designSchemeReview', required: true },
        { code: 'worksPlanningPermit', required: true },
        { code: 'waterAbstractionPermit', required: false },
        { code: 'riverWorksApproval', required: false },
        { code: 'heritageProtectionPermit', required: false },
        { code: 'safetyFacilityDesignReview', required: false },
      ],
      promisedDays: 10,
    },
    {
      stage: 'constructionPermit',
      name: '施工许可',
      leadDepartment: 'housing',
      items: [
        { code: 'constructionDrawingReview', required: true },
        { code: 'fireDesignReview', required: false },
        { code: 'airDefenceDesignReview', required: false },
        { code: 'highwayWorksPermit', required: false },
        { code: 'constructionPermit', required: true },
      ],
      promisedDays: 8,
    },
    {
      stage: 'completionAcceptance',
      name: '竣工验收',
      leadDepartment: 'housing',
      items: [
        { code: 'planningVerification', required: true },
        { code: 'fireAcceptance', required: false },
        { code: 'airDefenceAcceptance', required: false },
        { code: 'archivesAcceptance', required: true },
        { code: 'completionFiling', required: true },
      ],
      promisedDays: 7,
    },
  ],
  // 全流程审批时间 (国办发〔2019〕11号: ≤120 working days, simple projects ≤90)
  flowBudget: { standard: 120, simple: 90 },
  acceptance: { days: 1, correctionNoticeDays: 1 },
  lamps: { yellowShare: 0.7, yellowRemainingDays: 2 },
  // 行政许可法第四十二条 (one extension of ≤10 working days) and 第四十四条 (delivery within 10)
  extension: { maxDays: 10 },
  delivery: { days: 10 },
  deficiency: { maxDays: 15, resultPolicy: 'approveWithDeficiencies', barredAfterCreditMarks: 1 },
  pledge: { checkDays: 15, abuseAfterCreditMarks: 2 },
  admission: {
    categories: [
      { category: 'nationalKey', priority: 1 },
      { category: 'provincialKey', priority: 1 },
      { category: 'majorLivelihood', priority: 2 },
      { category: 'emergency', priority: 3 },
    ],
    minInvestmentWan: 5000,
    investmentExemptCategories: ['emergency'],
  },
  escalation: [
    { level: 1, role: 'reviewer', nameZh: '审查人员', afterOverdueDays: 0 },
    { level: 2, role: 'departmentLead', nameZh: '部门负责人', afterOverdueDays: 1 },
    { level: 3, role: 'firstReceiver', nameZh: '首接负责人', afterOverdueDays: 2 },
    { level: 4, role: 'workingGroup', nameZh: '专项工作组', afterOverdueDays: 3 },
    { level: 5, role: 'chairLeader', nameZh: '分管领导', afterOverdueDays: 5 },
  ],
  // 特别程序: 行政许可法第四十五条's eight, and what this province's own measures add (不计入审批时限)
  specialProcedures: [
    { type: 'hearing', maxDays: 20, basisZh: '《中华人民共和国行政许可法》第四十五条' },
    { type: 'tendering', maxDays: 30, basisZh: '《中华人民共和国行政许可法》第四十五条' },
    { type: 'auction', maxDays: 30, basisZh: '《中华人民共和国行政许可法》第四十五条' },
    { type: 'inspection', maxDays: 20, basisZh: '《中华人民共和国行政许可法》第四十五条' },
    { type: 'testing', maxDays: 20, basisZh: '《中华人民共和国行政许可法》第四十五条' },
    { type: 'quarantine', maxDays: 20, basisZh: '《中华人民共和国行政许可法》第四十五条' },
    { type: 'appraisal', maxDays: 30, basisZh: '《中华人民共和国行政许可法》第四十五条' },
    { type: 'expertReview', maxDays: 15, basisZh: '《中华人民共和国行政许可法》第四十五条' },
    {
      type: 'siteVisit',
      maxDays: 5,
      basisZh: '浙江省工程建设项目审批制度改革实施方案：现场踏勘时间不计入审批时限',
    },
    {
      type: 'jointReview',
      maxDays: 3,
      basisZh: '浙江省工程建设项目审批制度改革实施方案：联合审查时间不计入审批时限',
    },
  ],
  windowUnit: '浙江省政务服务中心投资项目审批绿色通道窗口',
  // 长三角: 江苏 and 上海, whose results count for the matching standard items (yangtze-delta.ts)
  partners: yangtzeDeltaPartners('ZJ'),
  recognition: yangtzeDeltaRecognition('ZJ'),
};
