import type { Deps } from './deps.js';
import { nowIso } from './unit-of-work.js';

/** Business keys of the human steps the workflow waits for. */
export const taskKeys = {
  acceptance: (caseId: string, round: number) => `${caseId}/r${round}/accept`,
  resubmission: (caseId: string, round: number) => `${caseId}/r${round}/resubmit`,
  item: (caseId: string, itemCode: string) => `${caseId}/item/${itemCode}`,
};

/**
 * Completes waiting workflow steps once the store holds the decision. The store is written first;
 * the token is settled by compare-and-set so that exactly one caller sends it, whether the decision
 * endpoint or the task handler that registers the token after the decision arrived.
 */
export class WorkflowCallbacks {
  constructor(private readonly deps: Deps) {}

  async complete(key: string, output: unknown): Promise<void> {
    const record = await this.deps.store.getTaskToken(key);
    if (record?.status !== 'pending') return;
    await this.settleAndSend(key, record.token, output);
  }

  async settleAndSend(key: string, token: string, output: unknown): Promise<void> {
    const won = await this.deps.store.settleTaskToken(key, 'completed', output, nowIso(this.deps));
    if (won) await this.deps.workflow.sendTaskSuccess(token, output);
  }

  async failAll(caseId: string, error: string, cause: string): Promise<void> {
    for (const record of await this.deps.store.pendingTaskTokens(caseId)) {
      const won = await this.deps.store.settleTaskToken(
        record.key,
        'failed',
        { error, cause },
        nowIso(this.deps),
      );
      if (won) await this.deps.workflow.sendTaskFailure(record.token, error, cause);
    }
  }
}
