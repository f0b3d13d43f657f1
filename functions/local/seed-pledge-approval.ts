import { offsetClock } from '../../shared/adapters/system/system-clock.js';
import { shanghaiDate } from '../../shared/domain/calendar.js';
import type { Actor } from '../../shared/domain/model.js';
import type { Ctx } from '../../shared/services/context.js';
import { createServices, type Services } from '../../shared/services/index.js';
import { demoActors, demoOrganisations } from './demo-actors.js';
import { demoDivision } from './seed-approval-map.js';

const DAY_MS = 86_400_000;
export const PLEDGE_DEMO_PROJECT_SUFFIX = '000192';

/**
 * 告知承诺 in the demo (国办发〔2020〕42号), on a project whose one progress page shows the law's
 * whole clock: the project budget; a stage case the window never acted on, so the sweeper deemed it
 * accepted (行政许可法第三十二条); its first pledge-allowed item approved on the applicant's
 * commitment with its 事后核查 scheduled, the others left for the applicant to sign in the console;
 * and an item of another kind whose review was extended (第四十二条). Returns how many projects
 * and cases it added (none when the province lists no pledge-allowed item in any stage).
 */
export async function seedPledgeApproval(services: Services): Promise<{ projects: number; cases: number }> {
  const { deps } = services;
  const p = deps.province;
  const pledgeable = (code: string) => p.items.find((i) => i.code === code)?.pledgeAllowed === true;
  const cfg = p.stages.find((s) => s.items.some((i) => pledgeable(i.code)));
  if (!cfg) return { projects: 0, cases: 0 };
  const chosen = cfg.items.filter((i) => pledgeable(i.code) && !i.required).map((i) => i.code);
  const pledgeItems = cfg.items.filter((i) => pledgeable(i.code)).map((i) => i.code);

  const actors = demoActors(p);
  const org = demoOrganisations(p)[0]!;
  const as = (actor: Actor): Ctx => ({ actor });
  const find = (pred: (a: Actor) => boolean) => as(actors.find(pred)!);
  const applicant = find((a) => a.role === 'applicant' && a.creditCode === org.creditCode);
  const supervisor = find((a) => a.role === 'supervisor');
  const past = (days: number) => createServices({ ...deps, clock: offsetClock(-days * DAY_MS) });

  const s = past(14);
  const project = await s.projects.register(applicant, {
    projectCode: `2026-${p.regionPrefix}0000-48-01-${PLEDGE_DEMO_PROJECT_SUFFIX}`,
    name: `${p.name}生态环保产业园基础设施工程`,
    ownerName: org.name,
    category: 'provincialKey',
    location: demoDivision(p, 12),
    investmentWan: 86_000,
    governmentInvested: false,
    promisedCompletion: '2028-06-30',
  });
  const applied = await s.projects.applyAdmission(applicant, project.value.id, project.version);
  await s.projects.decideAdmission(supervisor, project.value.id, applied.version, {
    admit: true,
    reasons: '符合省级重点项目绿色通道准入条件',
  });
  const codes = cfg.items.filter((i) => i.required || chosen.includes(i.code)).map((i) => i.code);
  const materials = [
    ...new Set(codes.flatMap((code) => p.items.find((x) => x.code === code)?.materials ?? [])),
  ].map((code) => ({ code, fileName: `${code}.pdf` }));
  const c = await s.cases.submit(applicant, {
    projectId: project.value.id,
    stage: cfg.stage,
    itemCodes: chosen,
    materials,
  });
  // nobody at the window answers: the sweeper finds the limit run out on the deemed day and deems it
  // accepted then (a demo started around a long holiday may not reach that day; the case then waits)
  const deemedOn = c.value.acceptDeemedOn;
  const today = shanghaiDate(deps.clock.now());
  if (!deemedOn || deemedOn > today) return { projects: 1, cases: 1 };
  const daysAgo = Math.round((Date.parse(today) - Date.parse(deemedOn)) / DAY_MS);
  const onDeemedDay = past(daysAgo);
  await onDeemedDay.sweep();

  const first = pledgeItems[0]!;
  const signer = onDeemedDay;
  const offer = (await signer.pledges.offers(applicant, c.value.id)).items.find((o) => o.itemCode === first);
  if (offer?.signable) await signer.pledges.sign(applicant, c.value.id, first, { textZh: offer.textZh });

  const extended = c.value.items.find((i) => !pledgeable(i.code));
  if (extended) {
    const reviewer = find((a) => a.role === 'reviewer' && a.department === extended.department && !a.lead);
    const lead = find((a) => a.role === 'reviewer' && a.department === extended.department && !!a.lead);
    const x = onDeemedDay;
    await x.extensionDelivery.requestExtension(reviewer, c.value.id, extended.code, undefined, {
      days: Math.min(5, p.extension.maxDays),
      reasonZh: '项目涉及跨区域排水管网衔接，需征求相关设区市意见',
    });
    await x.extensionDelivery.decideExtension(lead, c.value.id, extended.code, undefined, {
      action: 'approve',
      commentZh: '同意延长',
    });
  }
  return { projects: 1, cases: 1 };
}
