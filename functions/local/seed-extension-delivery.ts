import { offsetClock } from '../../shared/adapters/system/system-clock.js';
import type { Actor, Stage } from '../../shared/domain/model.js';
import type { Ctx } from '../../shared/services/context.js';
import { createServices, type Services } from '../../shared/services/index.js';
import { demoActors, demoOrganisations } from './demo-actors.js';
import { demoDivision } from './seed-approval-map.js';

const DAY_MS = 86_400_000;

/**
 * 延长审查期限 and 送达 in the demo: a project whose stage-1 case was accepted a week ago; its first
 * item was extended (asked by the department's reviewer, approved by its lead, the applicant told
 * why), its second item is decided and waits for delivery, so the window can record it or the
 * applicant sign for it. Returns how many projects and cases it added.
 */
export async function seedExtensionDelivery(
  services: Services,
): Promise<{ projects: number; cases: number }> {
  const { deps } = services;
  const p = deps.province;
  const actors = demoActors(p);
  const org = demoOrganisations(p)[1]!;
  const find = (pred: (a: Actor) => boolean) => actors.find(pred)!;
  const as = (actor: Actor): Ctx => ({ actor });
  const applicant = as(find((a) => a.role === 'applicant' && a.creditCode === org.creditCode));
  const window = as(find((a) => a.role === 'windowOfficer'));
  const supervisor = as(find((a) => a.role === 'supervisor'));
  const reviewerOf = (department: string) =>
    as(find((a) => a.role === 'reviewer' && a.department === department && !a.lead));
  const leadOf = (department: string) =>
    as(find((a) => a.role === 'reviewer' && a.department === department && !!a.lead));
  const past = (days: number) => createServices({ ...deps, clock: offsetClock(-days * DAY_MS) });

  const s = past(7);
  const project = await s.projects.register(applicant, {
    projectCode: `2026-${p.regionPrefix}0000-48-01-000191`,
    name: `${p.name}城市快速路互通立交改造工程`,
    ownerName: org.name,
    category: 'provincialKey',
    location: demoDivision(p, 13),
    investmentWan: 215_000,
    governmentInvested: true,
    promisedCompletion: '2028-12-31',
  });
  const applied = await s.projects.applyAdmission(applicant, project.value.id, project.version);
  await s.projects.decideAdmission(supervisor, project.value.id, applied.version, {
    admit: true,
    reasons: '符合省级重点项目绿色通道准入条件，按“三个优先”原则纳入',
  });

  const stage: Stage = 'projectApproval';
  const cfg = p.stages.find((x) => x.stage === stage)!;
  const materials = [
    ...new Set(
      cfg.items
        .filter((i) => i.required)
        .flatMap((i) => p.items.find((x) => x.code === i.code)?.materials ?? []),
    ),
  ].map((code) => ({ code, fileName: `${code}.pdf` }));
  const c = await s.cases.submit(applicant, { projectId: project.value.id, stage, materials });
  const accepted = await s.cases.actOnAcceptance(window, c.value.id, c.version, { outcome: 'accept' });
  const [extended, decided] = accepted.value.items;

  if (decided) {
    await past(3).cases.decideItem(reviewerOf(decided.department), c.value.id, decided.code, undefined, {
      outcome: 'approve',
    });
  }
  if (extended) {
    const x = past(2);
    await x.extensionDelivery.requestExtension(
      reviewerOf(extended.department),
      c.value.id,
      extended.code,
      undefined,
      {
        days: Math.min(5, p.extension.maxDays),
        reasonZh: '选址涉及生态保护红线，需征求省自然资源厅意见',
      },
    );
    await x.extensionDelivery.decideExtension(
      leadOf(extended.department),
      c.value.id,
      extended.code,
      undefined,
      {
        action: 'approve',
        commentZh: '同意延长',
      },
    );
  }
  return { projects: 1, cases: 1 };
}
