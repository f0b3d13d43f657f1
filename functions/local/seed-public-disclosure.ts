import type { Project } from '../../shared/domain/model.js';
import type { Services } from '../../shared/services/index.js';
import { demoActors } from './demo-actors.js';

/**
 * 信息公开 in the demo: the owners of three demo projects agreed to publish their progress (公开同意);
 * `…000102` is left unpublished so its owner can turn consent on in the console. Runs after the
 * demo projects are registered; returns the codes it published.
 */
export const PUBLIC_DEMO_SUFFIXES = ['000101', '000103', '000104'] as const;
export const UNPUBLISHED_DEMO_SUFFIX = '000102';

export async function seedPublicDisclosure(services: Services): Promise<{ published: string[] }> {
  const { deps } = services;
  const p = deps.province;
  const actors = demoActors(p);
  const published: string[] = [];
  for (const found of await deps.store.getMany<Project>(
    'project',
    (await deps.store.query('status', 'project:admitted', { limit: 500 })).items.map((h) => h.id),
  )) {
    const project = found.value;
    if (!PUBLIC_DEMO_SUFFIXES.some((s) => project.projectCode.endsWith(`-${s}`))) continue;
    const owner = actors.find((a) => a.role === 'applicant' && a.creditCode === project.owner.creditCode);
    if (!owner) continue;
    await services.publicDisclosure.setConsent({ actor: owner }, project.id, true, found.version);
    published.push(project.projectCode);
  }
  return { published };
}
