import { offsetClock } from '../../shared/adapters/system/system-clock.js';
import type { ProvinceConfig } from '../../shared/config/province-config.js';
import type { Actor, ProjectCategory, Stage } from '../../shared/domain/model.js';
import type { Ctx } from '../../shared/services/context.js';
import { createServices, type Services } from '../../shared/services/index.js';
import {
  CROSS_PROVINCE_OWNER,
  CROSS_PROVINCE_PARTNER,
  demoActors,
  demoOrganisations,
} from './demo-actors.js';
import { seedAgency } from './seed-agency.js';
import { seedAnalytics } from './seed-analytics.js';
import { demoDivision, seedApprovalMap } from './seed-approval-map.js';
import { seedExtensionDelivery } from './seed-extension-delivery.js';
import { seedPledgeApproval } from './seed-pledge-approval.js';
import { seedPublicDisclosure } from './seed-public-disclosure.js';

const DAY_MS = 86_400_000;

/** The demo cross-province project: the same code in 江苏 and 浙江. */
export const CROSS_PROVINCE_DEMO_PROJECT = '2026-320000-48-01-000200';

interface DemoProject {
  code: string;
  name: string;
  category: ProjectCategory;
  investmentWan: number;
  governmentInvested: boolean;
  org: number;
}

/** Demo projects of a province; project codes carry the province's region prefix. */
function demoProjects(p: ProvinceConfig): DemoProject[] {
  const r = `${p.regionPrefix}0000`;
  return [
    {
      code: `2026-${r}-48-01-000101`,
      name: `${p.name}沿江城际铁路配套综合枢纽工程`,
      category: 'provincialKey',
      investmentWan: 486_000,
      governmentInvested: true,
      org: 0,
    },
    {
      code: `2026-${r}-47-03-000102`,
      name: `${p.name}保障性租赁住房（一期）项目`,
      category: 'majorLivelihood',
      investmentWan: 128_000,
      governmentInvested: false,
      org: 1,
    },
    {
      code: `2026-${r}-76-01-000103`,
      name: `${p.name}沿海防洪堤应急加固工程`,
      category: 'emergency',
      investmentWan: 2_600,
      governmentInvested: true,
      org: 2,
    },
    {
      code: `2025-${r}-48-01-000104`,
      name: `${p.name}高速公路扩容改造工程`,
      category: 'nationalKey',
      investmentWan: 1_250_000,
      governmentInvested: true,
      org: 0,
    },
    {
      code: `2026-${r}-44-02-000105`,
      name: `${p.name}新能源产业园配套电网工程`,
      category: 'provincialKey',
      investmentWan: 56_000,
      governmentInvested: false,
      org: 1,
    },
  ];
}

/** Every required material of the stage's required items, except those listed in `omit`. */
function materialsFor(p: ProvinceConfig, stage: Stage, omit: string[] = []) {
  const cfg = p.stages.find((s) => s.stage === stage)!;
  const codes = new Set(
    cfg.items
      .filter((i) => i.required)
      .flatMap((i) => p.items.find((x) => x.code === i.code)?.materials ?? []),
  );
  return [...codes].filter((c) => !omit.includes(c)).map((code) => ({ code, fileName: `${code}.pdf` }));
}

/**
 * Seeds a province with projects at different points of the loop: one under review, one accepted
 * with deficiencies (容缺), one with an overdue item (submitted weeks ago), one approved and rated,
 * one waiting for admission. Cases from the past run on a back-dated clock.
 */
export async function seedProvince(services: Services): Promise<{ projects: number; cases: number }> {
  const { deps } = services;
  const p = deps.province;
  const actors = demoActors(p);
  const orgs = demoOrganisations(p);
  const find = (pred: (a: Actor) => boolean) => actors.find(pred)!;
  const window = find((a) => a.role === 'windowOfficer');
  const supervisor = find((a) => a.role === 'supervisor');
  const reviewerOf = (department: string) =>
    find((a) => a.role === 'reviewer' && a.department === department);
  // the demo person of the project's organisation, who can then sign in and carry it on
  const applicantOf = (org: number): Ctx => ({
    actor: find((a) => a.role === 'applicant' && a.creditCode === orgs[org]!.creditCode),
  });
  const as = (actor: Actor): Ctx => ({ actor });
  const past = (days: number) => createServices({ ...deps, clock: offsetClock(-days * DAY_MS) });

  const projects = demoProjects(p);
  let cases = 0;
  for (const [index, d] of projects.entries()) {
    const s = index === 2 ? past(40) : index === 3 ? past(60) : past(10);
    const applicant = applicantOf(d.org);
    const project = await s.projects.register(applicant, {
      projectCode: d.code,
      name: d.name,
      ownerName: orgs[d.org]!.name,
      category: d.category,
      location: demoDivision(p, index),
      investmentWan: d.investmentWan,
      governmentInvested: d.governmentInvested,
      promisedCompletion: '2028-12-31',
    });
    const applied = await s.projects.applyAdmission(applicant, project.value.id, project.version);
    if (index === 4) continue; // left pending for the supervisor
    await s.projects.decideAdmission(as(supervisor), project.value.id, applied.version, {
      admit: true,
      reasons: '符合省级重点项目绿色通道准入条件，按“三个优先”原则纳入',
    });
  }

  const stage: Stage = 'projectApproval';
  const decideAll = async (s: Services, caseId: string, except: string[] = []) => {
    const current = await s.cases.get(as(window), caseId);
    for (const item of current.value.items) {
      if (except.includes(item.code)) continue;
      await s.cases.decideItem(as(reviewerOf(item.department)), caseId, item.code, undefined, {
        outcome: 'approve',
      });
    }
  };

  // 1. under review: accepted yesterday, one item already approved
  {
    const s = past(1);
    const c = await s.cases.submit(applicantOf(0), {
      projectId: projects[0]!.code,
      stage,
      materials: materialsFor(p, stage),
    });
    const accepted = await s.cases.actOnAcceptance(as(window), c.value.id, c.version, { outcome: 'accept' });
    const first = accepted.value.items[0]!;
    await services.cases.decideItem(as(reviewerOf(first.department)), c.value.id, first.code, undefined, {
      outcome: 'approve',
    });
    cases += 1;
  }
  // 2. accepted with deficiencies (容缺): one secondary material promised within 5 working days
  {
    const s = past(2);
    const cfgItems = p.stages.find((x) => x.stage === stage)!.items.filter((i) => i.required);
    const item = cfgItems
      .map((i) => p.items.find((x) => x.code === i.code)!)
      .find((i) => i.deficiencyAllowed.length > 0)!;
    const missing = item.deficiencyAllowed[0]!;
    const c = await s.cases.submit(applicantOf(1), {
      projectId: projects[1]!.code,
      stage,
      materials: materialsFor(p, stage, [missing]),
    });
    const holders = p.items.filter(
      (i) => c.value.items.some((x) => x.code === i.code) && i.materials.includes(missing),
    );
    await s.cases.actOnAcceptance(as(window), c.value.id, c.version, {
      outcome: 'acceptWithDeficiencies',
      commitmentSigned: true,
      deficiencies: holders.map((h) => ({
        itemCode: h.code,
        materialCode: missing,
        days: Math.min(5, h.promisedDays),
      })),
    });
    cases += 1;
  }
  // 3. overdue: accepted about 40 calendar days ago, one item still undecided (red lamp)
  {
    const s = past(40);
    const c = await s.cases.submit(applicantOf(2), {
      projectId: projects[2]!.code,
      stage,
      materials: materialsFor(p, stage),
    });
    const accepted = await s.cases.actOnAcceptance(as(window), c.value.id, c.version, { outcome: 'accept' });
    const slow = accepted.value.items[accepted.value.items.length - 1]!;
    await decideAll(past(30), c.value.id, [slow.code]);
    cases += 1;
  }
  // 4. approved and rated
  {
    const s = past(50);
    const c = await s.cases.submit(applicantOf(0), {
      projectId: projects[3]!.code,
      stage,
      materials: materialsFor(p, stage),
    });
    await s.cases.actOnAcceptance(as(window), c.value.id, c.version, { outcome: 'accept' });
    await decideAll(past(45), c.value.id);
    await services.cases.feedback(applicantOf(0), c.value.id, {
      satisfaction: 5,
      comment: '专窗全程帮办，审批时间比承诺缩短近一半',
    });
    cases += 1;
  }
  // 5. 区域协同: the 江苏–浙江 expressway, registered on both sides under one project code. 江苏
  // approves its part; 浙江 recognises those results as they arrive instead of reviewing again.
  const crossPartner = CROSS_PROVINCE_PARTNER[p.code];
  let crossProjects = 0;
  if (crossPartner && p.partners.some((x) => x.code === crossPartner)) {
    const s = past(3);
    // the same owner on both sides: 浙江 recognises 江苏's results only for the organisation 江苏 shared
    const owner = as(find((a) => a.role === 'applicant' && a.creditCode === CROSS_PROVINCE_OWNER.creditCode));
    const project = await s.projects.register(owner, {
      projectCode: CROSS_PROVINCE_DEMO_PROJECT,
      name: '沪苏浙跨省高速公路（苏浙段）',
      ownerName: CROSS_PROVINCE_OWNER.name,
      category: 'nationalKey',
      location:
        p.code === 'JS'
          ? { city: '苏州市吴江区', divisionCode: '320509' }
          : { city: '嘉兴市嘉善县', divisionCode: '330421' },
      investmentWan: 1_860_000,
      governmentInvested: true,
      partnerProvinces: [crossPartner],
    });
    const applied = await s.projects.applyAdmission(owner, project.value.id, project.version);
    await s.projects.decideAdmission(as(supervisor), project.value.id, applied.version, {
      admit: true,
      reasons: '长三角生态绿色一体化发展示范区跨省重大基础设施项目',
    });
    const c = await s.cases.submit(owner, {
      projectId: project.value.id,
      stage,
      materials: materialsFor(p, stage),
    });
    await s.cases.actOnAcceptance(as(window), c.value.id, c.version, { outcome: 'accept' });
    if (p.code === 'JS') await decideAll(past(2), c.value.id);
    crossProjects = 1;
    cases += 1;
  }
  // 6. 视为受理 (行政许可法第三十二条): a later stage of the approved project, submitted 12 days ago and never
  // acted on by the window; the sweep at the end deems it accepted from its deemed day
  {
    const s = past(12);
    await s.cases.submit(applicantOf(0), {
      projectId: projects[3]!.code,
      stage: 'constructionPermit',
      materials: materialsFor(p, 'constructionPermit'),
    });
    cases += 1;
  }
  // 7. 延长审查期限 and 送达 (行政许可法第四十二条、第四十四条): an extended item, a decision awaiting delivery
  cases += (await seedExtensionDelivery(services)).cases;
  // 8. 告知承诺 (国办发〔2020〕42号): an item approved on commitment, its 事后核查 scheduled
  cases += (await seedPledgeApproval(services)).cases;
  // 9. 专窗代办: a case the desk filed for an enterprise, waiting for its 确认
  cases += (await seedAgency(services)).cases;
  // 信息公开: three demo projects' owners agreed to publish their progress (公开同意)
  await seedPublicDisclosure(services);
  // 10. 一张图: dozens of projects across the prefectures, some late, some recognised from a partner
  const map = await seedApprovalMap(services);
  cases += map.cases;
  // 11. 卡点分析 and 风险预警: closed cases over the past months and a green item forecast late
  cases += (await seedAnalytics(services)).cases;
  await services.sweep();
  return { projects: projects.length + crossProjects + map.projects, cases };
}
