import { createHash } from 'node:crypto';
import {
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { executionInput, type StageCaseWorkflowInput, type WorkflowEngine } from '../../ports/workflow.js';

/**
 * The workflow engine on AWS: one Standard execution per stage case and round, named after them so
 * that a repeated start is rejected by Step Functions itself (the name is the idempotency key).
 */

export interface StepFunctionsWorkflowEngineOptions {
  /** anything with the SFNClient's `send`; tests pass a fake */
  client: Pick<SFNClient, 'send'>;
  stateMachineArn: string;
}

const NAME_MAX = 80;
// Step Functions allows more, but CloudWatch logging and metrics need plain ASCII names.
const NAME_CHAR = /[^A-Za-z0-9_-]/g;
// Limits of SendTaskFailure's fields.
const ERROR_MAX = 256;
const CAUSE_MAX = 32_768;
/** the token is no longer waiting: the task was already settled, timed out, or its execution ended */
const SETTLED = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * `${caseId}-r${round}` restricted to [A-Za-z0-9_-] and 80 characters. When anything had to be
 * replaced or cut, a hash of the case id is appended, so two cases never share a name (which would
 * silently turn the second start into a no-op).
 */
export function executionName(caseId: string, round: number): string {
  const suffix = `-r${round}`;
  const plain = caseId.replace(NAME_CHAR, '_');
  if (plain === caseId && plain.length + suffix.length <= NAME_MAX) return `${plain}${suffix}`;
  const hash = `-${createHash('sha256').update(caseId).digest('hex').slice(0, 12)}`;
  return `${plain.slice(0, NAME_MAX - suffix.length - hash.length)}${hash}${suffix}`;
}

function errorName(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? (err as { name?: string }).name : undefined;
}

export class StepFunctionsWorkflowEngine implements WorkflowEngine {
  private readonly client: Pick<SFNClient, 'send'>;
  private readonly stateMachineArn: string;

  constructor(options: StepFunctionsWorkflowEngineOptions) {
    this.client = options.client;
    this.stateMachineArn = options.stateMachineArn;
  }

  async start(input: StageCaseWorkflowInput): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: executionName(input.caseId, input.round),
          input: JSON.stringify(executionInput(input)),
        }),
      );
    } catch (err) {
      // Same name already used (running, or finished within 90 days): this round is started already.
      if (errorName(err) === 'ExecutionAlreadyExists') return;
      throw err;
    }
  }

  async sendTaskSuccess(token: string, output: unknown): Promise<void> {
    await this.settle(
      new SendTaskSuccessCommand({
        taskToken: token,
        output: JSON.stringify(output === undefined ? null : output),
      }),
    );
  }

  async sendTaskFailure(token: string, error: string, cause: string): Promise<void> {
    await this.settle(
      new SendTaskFailureCommand({
        taskToken: token,
        error: error.slice(0, ERROR_MAX),
        cause: cause.slice(0, CAUSE_MAX),
      }),
    );
  }

  private async settle(command: SendTaskSuccessCommand | SendTaskFailureCommand): Promise<void> {
    try {
      // The union defeats send()'s overloads; each branch is a valid SFN command.
      await this.client.send(command as SendTaskSuccessCommand);
    } catch (err) {
      const name = errorName(err);
      if (name !== undefined && SETTLED.has(name)) return;
      throw err;
    }
  }
}
