/**
 * Chinese conventions for what the console shows: dates as 2026年12月4日 (Beijing time), working
 * days as 工作日, money in 万元, and every code the API uses with its Chinese name.
 */

const SHANGHAI = 'Asia/Shanghai';

/** `2026-12-04` → `2026年12月4日` (a calendar date, no time zone shift). */
export function dateZh(isoDate: string | undefined): string {
  if (!isoDate) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!m) return isoDate;
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}

const instantFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: SHANGHAI,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** An instant in Beijing time: `2026年12月4日 14:05`. */
export function instantZh(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = Object.fromEntries(instantFormat.formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.year}年${parts.month}月${parts.day}日 ${parts.hour}:${parts.minute}`;
}

export function workingDaysZh(n: number | undefined): string {
  return n === undefined ? '—' : `${n} 个工作日`;
}

const wanFormat = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 });
/** 万元 with grouping: `120,000 万元`; ≥ 1 亿 also shows 亿元. */
export function wanZh(wan: number | undefined): string {
  if (wan === undefined) return '—';
  const yi = wan >= 10_000 ? `（${wanFormat.format(wan / 10_000)} 亿元）` : '';
  return `${wanFormat.format(wan)} 万元${yi}`;
}

export function percentZh(ratio: number | undefined | null): string {
  return ratio === undefined || ratio === null ? '—' : `${(ratio * 100).toFixed(1)}%`;
}

export type Lamp = 'green' | 'yellow' | 'red';
export const LAMP_ZH: Record<Lamp, string> = { green: '绿灯·正常', yellow: '黄灯·预警', red: '红灯·逾期' };
export const LAMP_TAG: Record<Lamp, 'success' | 'warning' | 'danger'> = {
  green: 'success',
  yellow: 'warning',
  red: 'danger',
};

export const STAGE_ZH: Record<string, string> = {
  projectApproval: '立项用地规划许可',
  worksPermit: '工程建设许可',
  constructionPermit: '施工许可',
  completionAcceptance: '竣工验收',
};

export const STEP_ZH: Record<string, string> = {
  apply: '申请',
  accept: '受理',
  review: '审查',
  approve: '批准',
  supervise: '监督',
  feedback: '反馈',
};

export const CASE_STATUS_ZH: Record<string, string> = {
  submitted: '待受理',
  correctionRequested: '待补正',
  underReview: '审查中',
  approved: '已批准',
  rejected: '不予批准',
  refused: '不予受理',
  terminated: '已终止',
};

export const ITEM_STATUS_ZH: Record<string, string> = {
  inReview: '审查中',
  correctionRequested: '待补正',
  specialProcedure: '特别程序中',
  approved: '已批准',
  rejected: '不予批准',
  recognised: '已互认',
};

export const ADMISSION_ZH: Record<string, string> = {
  notApplied: '未申请',
  pending: '待准入审核',
  admitted: '已纳入绿色通道',
  rejected: '未予准入',
  exited: '已退出绿色通道',
};

export const CATEGORY_ZH: Record<string, string> = {
  nationalKey: '国家级重点项目',
  provincialKey: '省级重点项目',
  majorLivelihood: '重大民生工程',
  emergency: '突发事件应急工程',
};

export const ROLE_ZH: Record<string, string> = {
  applicant: '申请人（项目单位）',
  windowOfficer: '综合窗口（绿色通道专窗）',
  reviewer: '部门审查人员',
  supervisor: '专项工作组（督查）',
  leader: '分管领导',
  auditor: '第三方评估机构',
  admin: '系统管理员',
  partner: '合作省份',
};

export const SPECIAL_PROCEDURE_ZH: Record<string, string> = {
  hearing: '听证',
  tendering: '招标',
  auction: '拍卖',
  inspection: '检验',
  testing: '检测',
  quarantine: '检疫',
  appraisal: '鉴定',
  expertReview: '专家评审',
  siteVisit: '现场踏勘',
  publicNotice: '公示',
  jointReview: '联合审查',
};

/** 联合审查 opinions per item (an opinion, not the item's decision). */
export const JOINT_REVIEW_OPINION_ZH: Record<string, string> = {
  pass: '通过',
  revise: '需修改',
  fail: '不通过',
};

export const CLOCK_STOP_ZH: Record<string, string> = {
  correction: '补正',
  deficiency: '容缺补交',
  specialProcedure: '特别程序',
};

export const COMPLAINT_STATUS_ZH: Record<string, string> = {
  open: '待办理',
  handling: '办理中',
  closed: '已办结',
};

/** Looks a code up, falling back to the code itself so nothing shows as blank. */
export function zh(table: Record<string, string>, code: string | undefined): string {
  if (!code) return '—';
  return table[code] ?? code;
}

// supervision and audit pages

export const ESCALATION_ROLE_ZH: Record<string, string> = {
  reviewer: '审查人员',
  departmentLead: '部门负责人',
  firstReceiver: '首接负责人',
  workingGroup: '专项工作组',
  chairLeader: '分管领导',
};

export const CHAIN_BREAK_ZH: Record<string, string> = {
  hashMismatch: '事件内容与哈希不符（记录被改动）',
  prevHashMismatch: '与前一事件的哈希链接断开',
  seqGap: '事件序号不连续（记录缺失）',
  unreadable: '事件已损坏，无法读取',
  truncated: '链尾事件被删除（短于存储的链头）',
  headMismatch: '与存储的链头不符',
  checkpointMismatch: '与已签名的审计检查点不符（历史被整链改写）',
};

export const OFF_HOURS_ZH: Record<string, string> = {
  nonWorkingDay: '非工作日作出决定',
  outsideHours: '工作时间（8:30–17:30）以外作出决定',
};

/** A figure that may be missing (null: nothing to average), with up to two decimals. */
export function numberZh(n: number | undefined | null, unit = ''): string {
  if (n === undefined || n === null) return '—';
  return `${new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 }).format(n)}${unit}`;
}
