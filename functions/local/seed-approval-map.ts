import { offsetClock } from '../../shared/adapters/system/system-clock.js';
import { divisionsOf } from '../../shared/config/divisions.js';
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

const DAY_MS = 86_400_000;
/** projects of the map demo per province, spread over its prefectures (or districts) */
export const MAP_DEMO_PROJECTS = 30;
/** cross-province projects of the map demo (江苏–浙江), each side deciding every other one */
export const MAP_DEMO_CROSS_PROJECTS = 4;

const CATEGORIES: ProjectCategory[] = ['provincialKey', 'majorLivelihood', 'nationalKey', 'emergency'];
const KINDS = [
  '综合交通枢纽',
  '产业园基础设施',
  '保障性住房',
  '城市更新',
  '水利防洪',
  '新能源电网',
  '医院扩建',
  '学校新建',
];

/**
 * A county (or, in a municipality, a district) of the province for the n-th demo project: one
 * prefecture after the other, so the demo covers the whole map.
 */
export function demoDivision(p: ProvinceConfig, n: number): { city: string; divisionCode: string } {
  const all = divisionsOf(p.regionPrefix);
  const prefectures = all.filter((d) => d.level === 'prefecture');
  const pref = prefectures[n % prefectures.length]!;
  const counties = all.filter((d) => d.level === 'county' && d.prefecture === pref.code);
  // municipalities: go through the districts instead of the one prefecture
  const pool = prefectures.length === 1 ? counties : counties.length > 0 ? counties : [pref];
  const at = prefectures.length === 1 ? n : Math.floor(n / prefectures.length);
  const place = pool[at % pool.length] ?? pref;
  return {
    city: prefectures.length === 1 ? place.name : `${pref.name}${place.code === pref.code ? '' : place.name}`,
    divisionCode: place.code,
  };
}

/** Every required material of the stage's required items. */
function materialsFor(p: ProvinceConfig, stage: Stage) {
  const cfg = p.stages.find((s) => s.stage === stage)!;
  const codes = new Set(
    cfg.items
      .filter((i) => i.required)
      .flatMap((i) => p.items.find((x) => x.code === i.code)?.materials ?? []),
  );
  return [...codes].map((code) => ({ code, fileName: `${code}.pdf` }));
}

/**
 * 一张图 demo: dozens of admitted projects across the province's prefectures, each at a point of
 * the flow chosen by its number — not yet filed, waiting for acceptance, under review on time,
 * overdue (red), a later stage after approved ones — and, between 江苏 and 浙江, projects whose
 * items one side decided and the other recognised (互认). Back-dated clocks give the ages.
 */
export async function seedApprovalMap(services: Services): Promise<{ projects: number; cases: number }> {
  const { deps } = services;
  const p = deps.province;
  const actors = demoActors(p);
  const orgs = demoOrganisations(p);
  const find = (pred: (a: Actor) => boolean) => actors.find(pred)!;
  const as = (actor: Actor): Ctx => ({ actor });
  const window = as(find((a) => a.role === 'windowOfficer'));
  const supervisor = as(find((a) => a.role === 'supervisor'));
  const reviewerOf = (department: string) =>
    as(find((a) => a.role === 'reviewer' && a.department === department && !a.lead));
  const past = (days: number) => createServices({ ...deps, clock: offsetClock(-days * DAY_MS) });

  const admit = async (
    s: Services,
    owner: Ctx,
    ownerName: string,
    input: Omit<Parameters<Services['projects']['register']>[1], 'ownerName'>,
  ) => {
    const project = await s.projects.register(owner, { ...input, ownerName });
    const applied = await s.projects.applyAdmission(owner, project.value.id, project.version);
    await s.projects.decideAdmission(supervisor, project.value.id, applied.version, {
      admit: true,
      reasons: '符合绿色通道准入条件，按“三个优先”原则纳入',
    });
    return project.value.id;
  };
  /** Files the stage, accepts it `daysAgo`, and decides all items (but `leave`) a few days later. */
  const stageCase = async (owner: Ctx, projectId: string, stage: Stage, daysAgo: number, leave: number) => {
    const s = past(daysAgo);
    const c = await s.cases.submit(owner, { projectId, stage, materials: materialsFor(p, stage) });
    const accepted = await s.cases.actOnAcceptance(window, c.value.id, c.version, { outcome: 'accept' });
    const decider = past(Math.max(0, daysAgo - 3));
    for (const item of accepted.value.items.slice(0, Math.max(0, accepted.value.items.length - leave))) {
      await decider.cases.decideItem(reviewerOf(item.department), c.value.id, item.code, undefined, {
        outcome: 'approve',
      });
    }
    return c.value.id;
  };

  let cases = 0;
  for (let n = 0; n < MAP_DEMO_PROJECTS; n++) {
    const org = n % orgs.length;
    const owner = as(find((a) => a.role === 'applicant' && a.creditCode === orgs[org]!.creditCode));
    const scenario = n % 6;
    const registeredAgo = scenario === 2 ? 70 : scenario === 5 ? 90 : 30;
    const id = await admit(past(registeredAgo), owner, orgs[org]!.name, {
      projectCode: `2026-${p.regionPrefix}0000-48-01-${String(300 + n).padStart(6, '0')}`,
      name: `${demoDivision(p, n).city}${KINDS[n % KINDS.length]}项目`,
      category: CATEGORIES[n % CATEGORIES.length]!,
      location: demoDivision(p, n),
      // a spread from just over the admission threshold to over a hundred 亿元, so the dots' sizes differ
      investmentWan: ((n * 7919) % 97) * 12_000 + p.admission.minInvestmentWan + 3_000,
      governmentInvested: n % 2 === 0,
      promisedCompletion: '2028-12-31',
    });
    if (scenario === 0) continue; // admitted, nothing filed yet
    if (scenario === 1) {
      // waiting at the window
      await past(1).cases.submit(owner, {
        projectId: id,
        stage: 'projectApproval',
        materials: materialsFor(p, 'projectApproval'),
      });
      cases += 1;
    } else if (scenario === 2) {
      // overdue: accepted weeks ago, the last item still undecided (red)
      await stageCase(owner, id, 'projectApproval', 45 + (n % 5), 1);
      cases += 1;
    } else if (scenario === 3) {
      // under review, on time
      await stageCase(owner, id, 'projectApproval', 2, 1);
      cases += 1;
    } else if (scenario === 4) {
      await stageCase(owner, id, 'projectApproval', 25, 0);
      await stageCase(owner, id, 'worksPermit', 4, 1);
      cases += 2;
    } else {
      await stageCase(owner, id, 'projectApproval', 80, 0);
      await stageCase(owner, id, 'worksPermit', 55, 0);
      await stageCase(owner, id, 'constructionPermit', 6 + (n % 3) * 6, 1);
      cases += 3;
    }
  }

  // 互认 between 江苏 and 浙江: the same code registered on both sides; one side decides, the other
  // recognises the results as they arrive (in either order of the two provinces' seeds)
  const partner = CROSS_PROVINCE_PARTNER[p.code];
  let cross = 0;
  if (partner && p.partners.some((x) => x.code === partner)) {
    const owner = as(find((a) => a.role === 'applicant' && a.creditCode === CROSS_PROVINCE_OWNER.creditCode));
    for (let n = 0; n < MAP_DEMO_CROSS_PROJECTS; n++) {
      const id = await admit(past(20), owner, CROSS_PROVINCE_OWNER.name, {
        projectCode: `2026-320000-48-01-${String(400 + n).padStart(6, '0')}`,
        name: `长三角跨省${KINDS[n % KINDS.length]}工程（苏浙合作）`,
        category: 'nationalKey',
        location: demoDivision(p, n * 5 + 1),
        investmentWan: 320_000 + n * 45_000,
        governmentInvested: true,
        partnerProvinces: [partner],
      });
      const decides = (n % 2 === 0) === (p.code === 'JS');
      await stageCase(owner, id, 'projectApproval', decides ? 10 : 8, decides ? 0 : 99);
      cases += 1;
      cross += 1;
    }
  }
  return { projects: MAP_DEMO_PROJECTS + cross, cases };
}
