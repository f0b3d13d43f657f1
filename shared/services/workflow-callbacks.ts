import type { Deps } from './deps.js';

/** Business keys of the human steps the workflow waits for. */
export const taskKeys = {
  acceptance: (caseId: string, round: number) => `${caseId}/r${round}/accept`,
  resubmission: (caseId: string, round: number) => `${caseId}/r${round}/resubmit`,
  item: (caseId: string, itemCode: string) => `${caseId}/item/${itemCode}`,
};

/**
 * Completes waiting workflow steps once the store holds the decision. The decision's own commit is
 * the only write: the token record is not settled, because the stage case already holds the
 * outcome (stepOutcome). Whoever completes a step sends its token, the decision endpoint after its
 * commit or the task handler that registers the token after the decision arrived; both may send,
 * and the engine ignores a token that no longer waits (WorkflowEngine's contract). With consistent
 * reads no step is missed: a registration the endpoint does not see is later than its commit, so
 * the task handler reads the decision.
 */
export class WorkflowCallbacks {
  constructor(private readonly deps: Deps) {}

  async complete(key: string, output: unknown): Promise<void> {
    const record = await this.deps.store.getTaskToken(key);
    if (record?.status !== 'pending') return;
    await this.deps.workflow.sendTaskSuccess(record.token, output);
  }

  async failAll(caseId: string, error: string, cause: string): Promise<void> {
    for (const record of await this.deps.store.pendingTaskTokens(caseId)) {
      await this.deps.workflow.sendTaskFailure(record.token, error, cause);
    }
  }
}
