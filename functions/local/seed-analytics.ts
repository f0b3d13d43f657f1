import { offsetClock } from '../../shared/adapters/system/system-clock.js';
import { shanghaiDate } from '../../shared/domain/calendar.js';
import type { Actor } from '../../shared/domain/model.js';
import type { Ctx } from '../../shared/services/context.js';
import { createServices, type Services } from '../../shared/services/index.js';
import { demoActors, demoOrganisations } from './demo-actors.js';

const DAY_MS = 86_400_000;
/** project codes 2026-<region>0000-48-01-0006NN */
const SUFFIX_BASE = 600;
/** calendar days ago each history case was accepted: spread over the last six months */
const ACCEPTED_DAYS_AGO = [175, 150, 128, 104, 83, 62, 47, 33];
/** the history cases whose first-stage items were all on time; in the others the last item overran */
const ON_TIME = new Set([1, 5]);
/** satisfaction the applicant gave each history case */
const SATISFACTION = [5, 4, 5, 3, 5, 4, 5, 4] as const;

/**
 * 卡点分析 and 风险预警 in the demo: closed first-stage cases spread over the past months, whose
 * slowest item mostly overran its promised limit (the others were on time), rated by their applicants;
 * and one case accepted three days ago whose same item the forecast therefore expects to run late
 * while its lamp is still green. Returns how many projects and cases it added.
 */
export async function seedAnalytics(services: Services): Promise<{ projects: number; cases: number }> {
  const { deps } = services;
  const p = deps.province;
  const cfg = p.stages[0]!;
  const actors = demoActors(p);
  const org = demoOrganisations(p)[1] ?? demoOrganisations(p)[0]!;
  const as = (actor: Actor): Ctx => ({ actor });
  const find = (pred: (a: Actor) => boolean) => as(actors.find(pred)!);
  const applicant = find((a) => a.role === 'applicant' && a.creditCode === org.creditCode);
  const window = find((a) => a.role === 'windowOfficer');
  const supervisor = find((a) => a.role === 'supervisor');
  const reviewerOf = (department: string) =>
    find((a) => a.role === 'reviewer' && a.department === department && !a.lead);
  const past = (days: number) => createServices({ ...deps, clock: offsetClock(-days * DAY_MS) });
  const cal = await services.calendar.current();
  const today = shanghaiDate(deps.clock.now());
  const daysAgo = (day: string) => Math.round((Date.parse(today) - Date.parse(day)) / DAY_MS);
  const materials = [
    ...new Set(
      cfg.items
        .filter((i) => i.required)
        .flatMap((i) => p.items.find((x) => x.code === i.code)?.materials ?? []),
    ),
  ].map((code) => ({ code, fileName: `${code}.pdf` }));

  const openCase = async (n: number, ago: number) => {
    const s = past(ago);
    const project = await s.projects.register(applicant, {
      projectCode: `2026-${p.regionPrefix}0000-48-01-${String(SUFFIX_BASE + n).padStart(6, '0')}`,
      name: `${p.name}${['城际快速路', '污水处理厂', '综合交通枢纽', '产业园标准厂房', '人才公寓', '体育中心', '220千伏输变电', '数据中心', '港区疏港公路'][n] ?? '基础设施'}工程`,
      ownerName: org.name,
      category: 'provincialKey',
      location: { city: p.name },
      investmentWan: 30_000 + n * 7_500,
      governmentInvested: n % 2 === 0,
      promisedCompletion: '2028-12-31',
    });
    const applied = await s.projects.applyAdmission(applicant, project.value.id, project.version);
    await s.projects.decideAdmission(supervisor, project.value.id, applied.version, {
      admit: true,
      reasons: '符合省级重点项目绿色通道准入条件',
    });
    const c = await s.cases.submit(applicant, { projectId: project.value.id, stage: cfg.stage, materials });
    const accepted = await s.cases.actOnAcceptance(window, c.value.id, c.version, { outcome: 'accept' });
    return accepted.value;
  };

  for (const [n, ago] of ACCEPTED_DAYS_AGO.entries()) {
    const c = await openCase(n, ago);
    const start = c.items[0]!.startDate!;
    // the item with the longest promise is the slow one: an open case three days in is still green there
    const slow = c.items.reduce((m, i) => (i.promisedDays > m.promisedDays ? i : m));
    // decide each item a few working days inside its limit, the slow one three days over unless on time
    const plan = c.items.map((item) => {
      const days =
        item.code === slow.code && !ON_TIME.has(n)
          ? item.promisedDays + 3
          : Math.max(1, item.promisedDays - 2);
      return { item, ago: Math.max(0, daysAgo(cal.addWorkingDays(start, days).date)) };
    });
    for (const { item, ago: when } of plan.sort((a, b) => b.ago - a.ago)) {
      await past(when).cases.decideItem(reviewerOf(item.department), c.id, item.code, undefined, {
        outcome: 'approve',
      });
    }
    await services.cases.feedback(applicant, c.id, { satisfaction: SATISFACTION[n]! });
  }
  // accepted three days ago, not yet decided: still green, forecast late from the history above
  await openCase(ACCEPTED_DAYS_AGO.length, 3);
  return { projects: ACCEPTED_DAYS_AGO.length + 1, cases: ACCEPTED_DAYS_AGO.length + 1 };
}
