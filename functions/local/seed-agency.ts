import { offsetClock } from '../../shared/adapters/system/system-clock.js';
import { AGENCY_AUTHORISATION_MATERIAL } from '../../shared/domain/agency.js';
import type { Actor } from '../../shared/domain/model.js';
import type { Ctx } from '../../shared/services/context.js';
import { createServices, type Services } from '../../shared/services/index.js';
import { demoActors, demoOrganisations } from './demo-actors.js';
import { demoDivision } from './seed-approval-map.js';

const DAY_MS = 86_400_000;
export const AGENCY_DEMO_PROJECT_SUFFIX = '000195';

/**
 * 专窗代办 in the demo: the desk (first window officer) registered a project for the second demo
 * organisation two days ago and filed its first stage with the signed 代办授权委托书; the case waits
 * for the organisation's person to sign in and confirm it. Returns how many cases it added.
 */
export async function seedAgency(services: Services): Promise<{ projects: number; cases: number }> {
  const { deps } = services;
  const p = deps.province;
  const actors = demoActors(p);
  const org = demoOrganisations(p)[1]!;
  const as = (actor: Actor): Ctx => ({ actor });
  const desk = as(actors.find((a) => a.role === 'windowOfficer')!);
  const supervisor = as(actors.find((a) => a.role === 'supervisor')!);
  const s = createServices({ ...deps, clock: offsetClock(-2 * DAY_MS) });

  const project = await s.agency.registerProject(desk, {
    owner: { creditCode: org.creditCode, name: org.name },
    projectCode: `2026-${p.regionPrefix}0000-48-01-${AGENCY_DEMO_PROJECT_SUFFIX}`,
    name: `${p.name}老旧小区改造配套工程（专窗代办）`,
    category: 'majorLivelihood',
    location: demoDivision(p, 11),
    investmentWan: 52_000,
    governmentInvested: true,
    promisedCompletion: '2028-10-31',
  });
  const applied = await s.projects.applyAdmission(desk, project.value.id, project.version);
  await s.projects.decideAdmission(supervisor, project.value.id, applied.version, {
    admit: true,
    reasons: '重大民生工程，符合绿色通道准入条件',
  });
  const stage = p.stages[0]!;
  const materials = [
    ...new Set(
      stage.items
        .filter((i) => i.required)
        .flatMap((i) => p.items.find((x) => x.code === i.code)?.materials ?? []),
    ),
    AGENCY_AUTHORISATION_MATERIAL,
  ].map((code) => ({ code, fileName: `${code}.pdf` }));
  await s.agency.submitCase(desk, { projectId: project.value.id, stage: stage.stage, materials });
  return { projects: 1, cases: 1 };
}
