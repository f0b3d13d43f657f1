import type { Notification, StageCase } from '../domain/model.js';
import { noticeTexts, orgAddress } from '../domain/notifications.js';
import { stepOutcome, type WorkflowStep } from '../domain/stage-case.js';
import type { WorkflowTaskHandler, WorkflowTaskRequest } from '../ports/workflow.js';
import type { CaseService } from './cases.js';
import type { Deps } from './deps.js';
import { newNotification, notificationChange } from './notifications.js';
import { nowIso } from './unit-of-work.js';
import { taskKeys, WorkflowCallbacks } from './workflow-callbacks.js';

/**
 * What the state machine's Task states do. Callback steps register their token under a business
 * key; if the store already holds the decision (it arrived first, or the execution is replaying
 * after a restart) the step completes at once with the stored outcome.
 */
export function createWorkflowTasks(deps: Deps, cases: CaseService): WorkflowTaskHandler {
  const callbacks = new WorkflowCallbacks(deps);

  async function awaitStep(key: string, caseId: string, token: string, step: WorkflowStep): Promise<unknown> {
    const record = await deps.store.putTaskToken({ key, caseId, token, updatedAt: nowIso(deps) });
    if (record.status === 'completed') {
      await deps.workflow.sendTaskSuccess(token, record.output);
      return { waiting: false };
    }
    if (record.status === 'failed') {
      const { error, cause } = (record.output ?? {}) as { error?: string; cause?: string };
      await deps.workflow.sendTaskFailure(token, error ?? 'CaseTerminated', cause ?? '');
      return { waiting: false };
    }
    const found = await deps.store.get<StageCase>('stageCase', caseId);
    if (!found) return { waiting: true };
    if (found.value.status === 'terminated') {
      await callbacks.failAll(caseId, 'CaseTerminated', found.value.terminationReason ?? '');
      return { waiting: false };
    }
    const outcome = stepOutcome(found.value, step);
    if (outcome !== undefined) {
      await deps.workflow.sendTaskSuccess(token, outcome);
      return { waiting: false };
    }
    return { waiting: true };
  }

  async function handle(request: WorkflowTaskRequest): Promise<unknown> {
    switch (request.action) {
      case 'awaitAcceptance':
        return awaitStep(taskKeys.acceptance(request.caseId, request.round), request.caseId, request.token, {
          kind: 'acceptance',
          round: request.round,
        });
      case 'awaitResubmission':
        return awaitStep(
          taskKeys.resubmission(request.caseId, request.round),
          request.caseId,
          request.token,
          {
            kind: 'resubmission',
            round: request.round,
          },
        );
      case 'awaitItemDecision':
        return awaitStep(taskKeys.item(request.caseId, request.itemCode), request.caseId, request.token, {
          kind: 'item',
          itemCode: request.itemCode,
        });
      case 'listItems': {
        const { value } = await loadCase(request.caseId);
        return { items: value.items.map((i) => ({ caseId: value.id, itemCode: i.code })) };
      }
      case 'consolidate': {
        const { value } = await loadCase(request.caseId);
        return { outcome: value.status === 'approved' ? 'approved' : 'rejected' };
      }
      case 'closeStage':
        return closeStage(request.caseId, request.correlationId);
    }
  }

  async function loadCase(caseId: string) {
    const found = await deps.store.get<StageCase>('stageCase', caseId);
    if (!found) throw new Error(`stage case ${caseId} not found`);
    return found;
  }

  /**
   * 办结: results are out, the applicant is asked for feedback (满意度回访) with a notice to their
   * organisation, in the same commit. Idempotent under replay; the sweeper reminds once if silent.
   */
  async function closeStage(caseId: string, correlationId: string | undefined) {
    let notes: Notification[] = [];
    await cases.mutate(
      {
        actor: { id: 'workflow', name: '流程引擎', role: 'admin' },
        ...(correlationId ? { correlationId } : {}),
      },
      caseId,
      undefined,
      async (c) => {
        notes = [];
        // a withdrawn recognition (互认撤回) may have reopened the case while the workflow moved on
        if (c.stageClosedAt || c.status === 'underReview') return { next: c, events: [] };
        const at = nowIso(deps);
        const ask = !c.feedback && (c.status === 'approved' || c.status === 'rejected');
        const next: StageCase = { ...c, stageClosedAt: at, ...(ask ? { feedbackRequestedAt: at } : {}) };
        if (ask) {
          notes = [
            newNotification(
              deps,
              orgAddress(c),
              noticeTexts.feedbackRequested(c),
              {
                caseId: c.id,
                projectId: c.projectId,
              },
              at,
            ),
          ];
        }
        return {
          next,
          events: [
            {
              type: 'StageClosed',
              data: {
                status: c.status,
                results: c.items
                  .filter((i) => i.decision?.resultNo && !i.decision.resultWithheld)
                  .map((i) => ({ itemCode: i.code, resultNo: i.decision?.resultNo })),
                feedbackRequested: ask,
              },
            },
          ],
        };
      },
      async () => notes.map((n) => notificationChange(n, 'workflow')),
    );
    return { closed: true };
  }

  return { handle };
}
