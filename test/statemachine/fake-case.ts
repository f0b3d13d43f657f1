import type {
  WorkflowEngine,
  WorkflowTaskHandler,
  WorkflowTaskRequest,
} from '../../shared/ports/workflow.js';

/**
 * A tiny in-memory stand-in for the store-backed task service: cases with items and decisions, and a
 * task-token registry keyed by business key, with the same rules as the real one (completed →
 * replay the stored output, pending → re-adopt the new token, absent → insert pending).
 */

type Outcome = 'accept' | 'acceptWithDeficiencies' | 'correction' | 'refuse';

interface TokenRecord {
  token?: string;
  status: 'pending' | 'completed' | 'failed';
  output?: unknown;
  error?: { error: string; cause: string };
}

export interface FakeCase {
  caseId: string;
  round: number;
  items: Map<string, { outcome?: 'approved' | 'rejected'; decisions: number }>;
  closed: number;
}

export class FakeCaseWorld implements WorkflowTaskHandler {
  engine: WorkflowEngine | undefined;
  readonly cases = new Map<string, FakeCase>();
  readonly tokens = new Map<string, TokenRecord>();
  /** `${action} ${key} ${how}` per handled request, in order */
  readonly log: string[] = [];
  private readonly pendingListeners = new Map<string, Array<() => void>>();

  addCase(caseId: string, itemCodes: string[]): FakeCase {
    const c: FakeCase = {
      caseId,
      round: 1,
      items: new Map(itemCodes.map((code) => [code, { decisions: 0 }])),
      closed: 0,
    };
    this.cases.set(caseId, c);
    return c;
  }

  async handle(request: WorkflowTaskRequest): Promise<unknown> {
    const c = this.cases.get(request.caseId);
    if (!c) throw new Error(`no case ${request.caseId}`);
    switch (request.action) {
      case 'awaitAcceptance':
        return this.callback(request.action, acceptKey(c.caseId, request.round), request.token);
      case 'awaitResubmission':
        return this.callback(request.action, resubmitKey(c.caseId, request.round), request.token);
      case 'awaitItemDecision':
        return this.callback(request.action, itemKey(c.caseId, request.itemCode), request.token);
      case 'listItems':
        this.log.push(`listItems ${c.caseId}`);
        return { items: [...c.items.keys()].map((itemCode) => ({ caseId: c.caseId, itemCode })) };
      case 'consolidate': {
        this.log.push(`consolidate ${c.caseId}`);
        const rejected = [...c.items.values()].some((i) => i.outcome === 'rejected');
        return { outcome: rejected ? 'rejected' : 'approved' };
      }
      case 'closeStage':
        this.log.push(`closeStage ${c.caseId}`);
        c.closed += 1;
        return { closed: true };
    }
  }

  /**
   * resolves once the step's token is pending (at once if it already is); `otherThan` waits for a
   * token other than the given one, e.g. the re-adopted token after a restart
   */
  whenPending(key: string, otherThan?: string): Promise<void> {
    const record = this.tokens.get(key);
    if (record?.status === 'pending' && record.token && record.token !== otherThan) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.pendingListeners.get(key) ?? [];
      list.push(resolve);
      this.pendingListeners.set(key, list);
    });
  }

  pendingKeys(): string[] {
    return [...this.tokens].filter(([, r]) => r.status === 'pending').map(([k]) => k);
  }

  async accept(caseId: string, outcome: Outcome): Promise<void> {
    const c = this.mustGet(caseId);
    await this.complete(acceptKey(caseId, c.round), { outcome });
  }

  /** the applicant supplements; the next round begins */
  async resubmit(caseId: string): Promise<void> {
    const c = this.mustGet(caseId);
    const previous = c.round;
    c.round += 1;
    await this.complete(resubmitKey(caseId, previous), { round: c.round });
  }

  async decideItem(caseId: string, itemCode: string, outcome: 'approved' | 'rejected'): Promise<void> {
    const item = this.mustGet(caseId).items.get(itemCode);
    if (!item) throw new Error(`no item ${itemCode}`);
    item.outcome = outcome;
    item.decisions += 1;
    await this.complete(itemKey(caseId, itemCode), { itemCode, outcome });
  }

  /** a supervisor terminates the case: one pending step fails with CaseTerminated */
  async failStep(key: string, error: string, cause: string): Promise<void> {
    const record = this.tokens.get(key);
    if (record?.status !== 'pending' || !record.token) throw new Error(`${key} is not pending`);
    record.status = 'failed';
    record.error = { error, cause };
    await this.engine?.sendTaskFailure(record.token, error, cause);
  }

  private async callback(action: string, key: string, token: string): Promise<unknown> {
    const record = this.tokens.get(key);
    if (record?.status === 'completed') {
      this.log.push(`${action} ${key} replay`);
      await this.engine?.sendTaskSuccess(token, record.output);
      return null;
    }
    if (record?.status === 'failed' && record.error) {
      this.log.push(`${action} ${key} replay-failure`);
      await this.engine?.sendTaskFailure(token, record.error.error, record.error.cause);
      return null;
    }
    this.log.push(`${action} ${key} ${record ? 'readopt' : 'pending'}`);
    this.tokens.set(key, { token, status: 'pending' });
    const listeners = this.pendingListeners.get(key) ?? [];
    this.pendingListeners.delete(key);
    for (const listener of listeners) listener();
    return null;
  }

  /** compare-and-set pending → completed, then wake the workflow; a decision before the task arrives is kept */
  private async complete(key: string, output: unknown): Promise<void> {
    const record = this.tokens.get(key);
    if (record?.status === 'completed' || record?.status === 'failed')
      throw new Error(`${key} already settled`);
    this.tokens.set(key, { token: record?.token, status: 'completed', output });
    if (record?.token) await this.engine?.sendTaskSuccess(record.token, output);
  }

  private mustGet(caseId: string): FakeCase {
    const c = this.cases.get(caseId);
    if (!c) throw new Error(`no case ${caseId}`);
    return c;
  }
}

export const acceptKey = (caseId: string, round: number) => `${caseId}/r${round}/accept`;
export const resubmitKey = (caseId: string, round: number) => `${caseId}/r${round}/resubmit`;
export const itemKey = (caseId: string, itemCode: string) => `${caseId}/item/${itemCode}`;
