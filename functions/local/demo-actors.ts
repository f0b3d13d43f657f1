import type { ProvinceConfig } from '../../shared/config/province-config.js';
import { creditCodeCheckChar } from '../../shared/domain/codes.js';
import type { Actor } from '../../shared/domain/model.js';

/** A valid 统一社会信用代码 from a 17-character body (the check character is computed). */
export function creditCode(body17: string): string {
  const check = creditCodeCheckChar(body17);
  if (!check) throw new Error(`invalid credit code body ${body17}`);
  return body17 + check;
}

export interface DemoOrganisation {
  creditCode: string;
  name: string;
}

/** Demo applicant organisations of a province (region digits from its config). */
export function demoOrganisations(province: ProvinceConfig): DemoOrganisation[] {
  const r = province.regionPrefix;
  return [
    {
      creditCode: creditCode(`9132${r === '32' ? '0000' : `${r}00`}134768398`.slice(0, 17)),
      name: `${province.name}交通控股有限公司`,
    },
    {
      creditCode: creditCode(`91${r}0500MA1MXX8A3`.slice(0, 17)),
      name: `${province.name}城市建设发展集团有限公司`,
    },
    {
      creditCode: creditCode(`12${r}0700466012345`.slice(0, 17)),
      name: `${province.name}水利工程建设管理中心`,
    },
  ];
}

/**
 * The owner of the demo cross-province expressway: one organisation that builds in 江苏 and 浙江
 * alike, so 浙江 recognises 江苏's results for it (recognition binds to the owner, not the code).
 */
export const CROSS_PROVINCE_OWNER: DemoOrganisation = {
  creditCode: creditCode('91320000134768398'),
  name: '江苏省交通控股有限公司',
};
/** Which province's demo takes part in the cross-province project, with which partner. */
export const CROSS_PROVINCE_PARTNER: Record<string, string> = { JS: 'ZJ', ZJ: 'JS' };

/** The people who sign in to the demo: one per role (the leader too), one reviewer and one lead per department. */
export function demoActors(province: ProvinceConfig): Actor[] {
  const p = province.code.toLowerCase();
  const orgs = demoOrganisations(province);
  // one person per demo organisation, so every seeded project has someone who can open it
  const applicantNames = ['李建华', '周婷', '陈立'];
  return [
    ...orgs.map(
      (org, i): Actor => ({
        id: `${p}-applicant-${i + 1}`,
        name: `${applicantNames[i] ?? `经办人${i + 1}`}（项目单位经办人）`,
        role: 'applicant',
        creditCode: org.creditCode,
      }),
    ),
    // the cross-province owner's person, where that owner is not already a local organisation
    ...(CROSS_PROVINCE_PARTNER[province.code] &&
    !orgs.some((o) => o.creditCode === CROSS_PROVINCE_OWNER.creditCode)
      ? [
          {
            id: `${p}-applicant-${orgs.length + 1}`,
            name: '吴强（跨省项目单位经办人）',
            role: 'applicant' as const,
            creditCode: CROSS_PROVINCE_OWNER.creditCode,
          },
        ]
      : []),
    { id: `${p}-window-1`, name: '王敏（绿色通道专窗）', role: 'windowOfficer', unit: province.windowUnit },
    // 专窗代办: whoever files for an enterprise may not accept it, so the desk has a second officer
    { id: `${p}-window-2`, name: '孙丽（绿色通道专窗）', role: 'windowOfficer', unit: province.windowUnit },
    ...province.departments.map(
      (d): Actor => ({
        id: `${p}-reviewer-${d.code}`,
        name: `${d.name}审查员`,
        role: 'reviewer',
        department: d.code,
      }),
    ),
    // 部门负责人: told at level 2 of the escalation ladder (督办升级)
    ...province.departments.map(
      (d): Actor => ({
        id: `${p}-lead-${d.code}`,
        name: `${d.name}${d.leadTitle}`,
        role: 'reviewer',
        department: d.code,
        lead: true,
      }),
    ),
    {
      id: `${p}-supervisor-1`,
      name: '赵刚（专项工作组）',
      role: 'supervisor',
      unit: '重大项目审批专项工作组',
    },
    // 分管领导: the last rung of the escalation ladder; reads cases and the dispatch list
    { id: `${p}-leader-1`, name: `钱进（${province.name}分管领导）`, role: 'leader' },
    { id: `${p}-auditor-1`, name: '第三方评估机构', role: 'auditor' },
    { id: `${p}-admin-1`, name: '系统管理员', role: 'admin' },
  ];
}

export function actorFor(province: ProvinceConfig, predicate: (a: Actor) => boolean): Actor {
  const found = demoActors(province).find(predicate);
  if (!found) throw new Error('no such demo actor');
  return found;
}
