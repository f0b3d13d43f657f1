import type { Organisation, Project, StageCase } from '../domain/model.js';
import { abuseFinding, pledgeNotices, proposeAbuseExit } from '../domain/pledge-approval.js';
import type { Change } from '../ports/store.js';
import type { Deps } from './deps.js';
import { newNotification, notificationChange } from './notifications.js';
import { projectIndexes } from './projects.js';

/**
 * The store changes that follow a new credit mark: when the organisation's record now shows abuse
 * (滥用, the province's threshold of failed 事后核查 and lapsed 容缺), an exit proposal on the case's
 * project for the supervisor, who is told. Shared by the failed check and the lapsed-容缺 sweep.
 */
async function abuseExitChanges(
  deps: Deps,
  c: StageCase,
  org: Organisation,
  actor: string,
  at: string,
): Promise<Change[]> {
  const reasonsZh = abuseFinding(org, deps.province.pledge.abuseAfterCreditMarks);
  if (!reasonsZh) return [];
  const found = await deps.store.get<Project>('project', c.projectId);
  if (!found) return [];
  const next = proposeAbuseExit(found.value, reasonsZh, at);
  if (!next) return [];
  const note = newNotification(
    deps,
    'role:supervisor',
    pledgeNotices.abuseExitProposed(next),
    { projectId: next.id, caseId: c.id },
    at,
  );
  return [
    {
      kind: 'project',
      id: next.id,
      expectedVersion: found.version,
      value: next,
      indexes: projectIndexes(next),
      events: [
        {
          type: 'ExitProposed',
          actor,
          at,
          data: { year: next.exitProposal!.year, ground: 'abuse', reasonsZh, creditCode: org.creditCode },
        },
      ],
    },
    notificationChange(note),
  ];
}

/**
 * 记入信用记录: the organisation with one more credit mark, and what follows from it — when its record
 * now shows abuse (滥用: failed 事后核查 and lapsed 容缺 alike), an exit proposal on the case's
 * project. Every credit mark goes through here: the failed check, the sweeper's lapsed 容缺 and a
 * supervisor's termination with a mark.
 */
export async function creditMarkChanges(
  deps: Deps,
  c: StageCase,
  reason: string,
  actor: string,
  at: string,
): Promise<Change[]> {
  const { change, org } = await creditMarkChange(deps, c, reason, actor, at);
  return [change, ...(await abuseExitChanges(deps, c, org, actor, at))];
}

async function creditMarkChange(
  deps: Deps,
  c: StageCase,
  reason: string,
  actor: string,
  at: string,
): Promise<{ change: Change; org: Organisation }> {
  const found = await deps.store.get<Organisation>('organisation', c.applicant.creditCode);
  const org: Organisation = {
    creditCode: c.applicant.creditCode,
    name: found?.value.name ?? c.applicant.name,
    creditMarks: [...(found?.value.creditMarks ?? []), { at, caseId: c.id, reason }],
  };
  return {
    org,
    change: {
      kind: 'organisation',
      id: org.creditCode,
      expectedVersion: found?.version ?? 0,
      value: org,
      indexes: [],
      events: [{ type: 'CreditMarked', actor, at, data: { caseId: c.id, reason } }],
    },
  };
}
