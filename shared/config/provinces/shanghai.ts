/**
 * 上海市: the 一网通办 practice with promised limits close to Zhejiang's — most items within 5–8
 * working days, 施工许可 within two. Items and materials are the national standard ones
 * (national-catalogue.ts) under Shanghai's department names (规划和自然资源局, 住房和城乡建设管理委员会,
 * 水务局…), with Shanghai's own 竣工规划资源验收 and the review of a project's attached green space
 * (附属绿化) by 绿化和市容管理局; statutory limits follow the law.
 */
import type { ProvinceConfig } from '../province-config.js';
import { type Item, type Material, materialsUsedBy, standardItem } from './national-catalogue.js';
import { yangtzeDeltaPartners, yangtzeDeltaRecognition } from './yangtze-delta.js';

const localMaterials: Material[] = [
  { code: 'greeningDesignScheme', name: '附属绿化工程设计方案（含绿地率计算）', core: true },
];

const items: Item[] = [
  // ── 立项用地规划许可 ──
  standardItem('investmentApproval', 8),
  standardItem('enterpriseProjectVerification', 5),
  standardItem('landPreExaminationSiting', 7),
  standardItem('landUsePlanningPermit', 5),
  standardItem('eiaReportApproval', 25),
  standardItem('eiaReportFormApproval', 8),
  standardItem('energyConservationReview', 8),
  standardItem('soilWaterConservationApproval', 6),
  // ── 工程建设许可 ──
  standardItem('designSchemeReview', 6),
  standardItem('worksPlanningPermit', 5),
  standardItem('waterAbstractionPermit', 12),
  standardItem('riverWorksApproval', 8),
  standardItem('heritageProtectionPermit', 8),
  standardItem('safetyFacilityDesignReview', 8),
  {
    code: 'greeningSchemeReview',
    name: '建设项目附属绿化工程设计方案审核',
    department: 'greening',
    statutoryDays: 20,
    promisedDays: 5,
    materials: [
      'applicationForm',
      'creditCodeProof',
      'authorisationLetter',
      'greeningDesignScheme',
      'designScheme',
    ],
    deficiencyAllowed: ['creditCodeProof', 'authorisationLetter'],
    pledgeAllowed: true,
    legalBasis: '上海市绿化条例',
  },
  // ── 施工许可 ──
  standardItem('constructionDrawingReview', 8),
  standardItem('fireDesignReview', 6),
  standardItem('airDefenceDesignReview', 6, { name: '民防工程施工图设计审查' }),
  standardItem('highwayWorksPermit', 6),
  standardItem('constructionPermit', 2),
  // ── 竣工验收（联合验收） ──
  standardItem('planningVerification', 5, { name: '建设工程竣工规划资源验收' }),
  standardItem('fireAcceptance', 6),
  standardItem('airDefenceAcceptance', 4, { name: '民防工程竣工验收备案' }),
  standardItem('archivesAcceptance', 4),
  standardItem('completionFiling', 4),
];

export const shanghai: ProvinceConfig = {
  code: 'SH',
  name: '上海市',
  regionPrefix: '31',
  departments: [
    { code: 'ndrc', name: '上海市发展和改革委员会', leadTitle: '处长' },
    { code: 'nrp', name: '上海市规划和自然资源局', leadTitle: '处长' },
    { code: 'housing', name: '上海市住房和城乡建设管理委员会', leadTitle: '处长' },
    { code: 'eco', name: '上海市生态环境局', leadTitle: '处长' },
    { code: 'transport', name: '上海市交通委员会', leadTitle: '处长' },
    { code: 'water', name: '上海市水务局', leadTitle: '处长' },
    { code: 'fire', name: '上海市应急管理局', leadTitle: '处长' },
    { code: 'airDefence', name: '上海市民防办公室', leadTitle: '处长' },
    { code: 'heritage', name: '上海市文物局', leadTitle: '处长' },
    { code: 'greening', name: '上海市绿化和市容管理局', leadTitle: '处长' },
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
      ],
      promisedDays: 25,
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
        { code: 'greeningSchemeReview', required: false },
      ],
      promisedDays: 12,
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
      promisedDays: 10,
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
      promisedDays: 8,
    },
  ],
  // 全流程审批时间 (国办发〔2019〕11号: ≤120 working days, simple projects ≤90)
  flowBudget: { standard: 120, simple: 90 },
  acceptance: { days: 1, correctionNoticeDays: 3 },
  lamps: { yellowShare: 0.8, yellowRemainingDays: 2 },
  // 行政许可法第四十二条 (one extension of ≤10 working days) and 第四十四条 (delivery within 10)
  extension: { maxDays: 10 },
  delivery: { days: 10 },
  deficiency: { maxDays: 20, resultPolicy: 'withhold', barredAfterCreditMarks: 1 },
  pledge: { checkDays: 20, abuseAfterCreditMarks: 2 },
  admission: {
    categories: [
      { category: 'nationalKey', priority: 1 },
      { category: 'provincialKey', priority: 1 },
      { category: 'majorLivelihood', priority: 2 },
      { category: 'emergency', priority: 3 },
    ],
    minInvestmentWan: 10000,
    investmentExemptCategories: ['emergency'],
  },
  escalation: [
    { level: 1, role: 'reviewer', nameZh: '审查人员', afterOverdueDays: 0 },
    { level: 2, role: 'departmentLead', nameZh: '部门负责人', afterOverdueDays: 1 },
    { level: 3, role: 'firstReceiver', nameZh: '首接负责人', afterOverdueDays: 3 },
    { level: 4, role: 'workingGroup', nameZh: '专项工作组', afterOverdueDays: 5 },
    { level: 5, role: 'chairLeader', nameZh: '分管领导', afterOverdueDays: 8 },
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
      basisZh: '上海市工程建设项目审批制度改革实施方案：现场踏勘时间不计入审批时限',
    },
    {
      type: 'publicNotice',
      maxDays: 7,
      basisZh: '上海市工程建设项目审批制度改革实施方案：公示期不计入审批时限',
    },
  ],
  windowUnit: '上海市工程建设项目审批审查中心绿色通道窗口',
  // 长三角: 江苏 and 浙江, whose results count for the matching standard items (yangtze-delta.ts)
  partners: yangtzeDeltaPartners('SH'),
  recognition: yangtzeDeltaRecognition('SH'),
};
