/**
 * 江苏省: the default catalogue of the green channel. Statutory limits follow the law where it sets
 * one (行政许可法第四十二条 20 days by default, 45 when handled jointly; 建筑法第八条 7 days; 环境影响
 * 评价法第二十二条 60/30 days; 取水许可和水资源费征收管理条例 45 days; 消防设计审查验收 15 days);
 * promised limits are the green channel's, compressed by well over 40% on average (the seed's figure).
 * Material names follow the national standard list (发改投资〔2019〕268号) in spirit.
 */
import type { ProvinceConfig } from '../province-config.js';
import { standardItem, standardMaterials } from './national-catalogue.js';
import { yangtzeDeltaPartners, yangtzeDeltaRecognition } from './yangtze-delta.js';

export const jiangsu: ProvinceConfig = {
  code: 'JS',
  name: '江苏省',
  regionPrefix: '32',
  departments: [
    { code: 'ndrc', name: '省发展改革委', leadTitle: '处长' },
    { code: 'nrp', name: '省自然资源厅', leadTitle: '处长' },
    { code: 'housing', name: '省住房城乡建设厅', leadTitle: '处长' },
    { code: 'eco', name: '省生态环境厅', leadTitle: '处长' },
    { code: 'transport', name: '省交通运输厅', leadTitle: '处长' },
    { code: 'water', name: '省水利厅', leadTitle: '处长' },
    { code: 'fire', name: '省应急管理厅', leadTitle: '处长' },
    { code: 'airDefence', name: '省人防办', leadTitle: '处长' },
    { code: 'heritage', name: '省文物局', leadTitle: '处长' },
  ],
  materials: standardMaterials,
  // the national standard items with 江苏's promised limits (working days)
  items: [
    standardItem('investmentApproval', 10),
    standardItem('enterpriseProjectVerification', 8),
    standardItem('landPreExaminationSiting', 10),
    standardItem('landUsePlanningPermit', 7),
    standardItem('eiaReportApproval', 30),
    standardItem('eiaReportFormApproval', 10),
    standardItem('energyConservationReview', 10),
    standardItem('soilWaterConservationApproval', 8),
    standardItem('designSchemeReview', 7),
    standardItem('worksPlanningPermit', 7),
    standardItem('waterAbstractionPermit', 15),
    standardItem('riverWorksApproval', 10),
    standardItem('heritageProtectionPermit', 10),
    standardItem('safetyFacilityDesignReview', 10),
    standardItem('constructionDrawingReview', 10),
    standardItem('fireDesignReview', 7),
    standardItem('airDefenceDesignReview', 7),
    standardItem('highwayWorksPermit', 8),
    standardItem('constructionPermit', 2),
    standardItem('planningVerification', 7),
    standardItem('fireAcceptance', 7),
    standardItem('airDefenceAcceptance', 5),
    standardItem('archivesAcceptance', 5),
    standardItem('completionFiling', 5),
  ],
  stages: [
    {
      stage: 'projectApproval',
      name: '立项用地规划许可',
      leadDepartment: 'nrp',
      leadDepartmentGovernmentInvested: 'ndrc',
      items: [
        // 审批 or 核准 depending on the project; 备案 projects need neither
        { code: 'investmentApproval', required: false },
        { code: 'enterpriseProjectVerification', required: false },
        { code: 'landPreExaminationSiting', required: true },
        { code: 'landUsePlanningPermit', required: true },
        { code: 'eiaReportApproval', required: false },
        { code: 'eiaReportFormApproval', required: false },
        { code: 'energyConservationReview', required: false },
        { code: 'soilWaterConservationApproval', required: false },
      ],
      // The stage closes only when all its items are decided, so its promise covers the slowest
      // optional item too (环评报告书 30); projects without it are usually done well within.
      promisedDays: 30,
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
      promisedDays: 15,
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
      promisedDays: 12,
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
      promisedDays: 10,
    },
  ],
  // 全流程审批时间 (国办发〔2019〕11号: ≤120 working days, simple projects ≤90)
  flowBudget: { standard: 120, simple: 90 },
  acceptance: { days: 2, correctionNoticeDays: 5 },
  lamps: { yellowShare: 0.8, yellowRemainingDays: 2 },
  // 行政许可法第四十二条 (one extension of ≤10 working days) and 第四十四条 (delivery within 10)
  extension: { maxDays: 10 },
  delivery: { days: 10 },
  deficiency: { maxDays: 20, resultPolicy: 'withhold', barredAfterCreditMarks: 1 },
  pledge: { checkDays: 20, abuseAfterCreditMarks: 2 },
  admission: {
    // 三个优先: key projects first, then major livelihood projects, then emergency works
    categories: [
      { category: 'nationalKey', priority: 1 },
      { category: 'provincialKey', priority: 1 },
      { category: 'majorLivelihood', priority: 2 },
      { category: 'emergency', priority: 3 },
    ],
    minInvestmentWan: 3000,
    investmentExemptCategories: ['emergency'],
  },
  escalation: [
    { level: 1, role: 'reviewer', nameZh: '审查人员', afterOverdueDays: 0 },
    { level: 2, role: 'departmentLead', nameZh: '部门负责人', afterOverdueDays: 1 },
    { level: 3, role: 'firstReceiver', nameZh: '首接负责人', afterOverdueDays: 3 },
    { level: 4, role: 'workingGroup', nameZh: '专项工作组', afterOverdueDays: 5 },
    { level: 5, role: 'chairLeader', nameZh: '分管领导', afterOverdueDays: 10 },
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
    { type: 'expertReview', maxDays: 20, basisZh: '《中华人民共和国行政许可法》第四十五条' },
    {
      type: 'siteVisit',
      maxDays: 5,
      basisZh: '江苏省工程建设项目审批制度改革实施方案：现场踏勘时间不计入审批时限',
    },
    {
      type: 'publicNotice',
      maxDays: 10,
      basisZh: '江苏省工程建设项目审批制度改革实施方案：公示期不计入审批时限',
    },
    {
      type: 'jointReview',
      maxDays: 5,
      basisZh: '江苏省工程建设项目审批制度改革实施方案：联合审查时间不计入审批时限',
    },
  ],
  windowUnit: '江苏省政务服务中心工程建设项目绿色通道专窗',
  // 长三角: 浙江 and 上海, whose results count for the matching standard items (yangtze-delta.ts)
  partners: yangtzeDeltaPartners('JS'),
  recognition: yangtzeDeltaRecognition('JS'),
};
