import {
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { executionName, StepFunctionsWorkflowEngine } from '../../shared/adapters/sfn/sfn-workflow.js';

const ARN = 'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:gc-js-stage-case';
const meta = { $metadata: {} };

/** records the commands sent; `fail` makes the next send throw */
function fakeClient() {
  const sent: unknown[] = [];
  let failure: Error | undefined;
  const client = {
    send: async (command: unknown) => {
      sent.push(command);
      if (failure) {
        const err = failure;
        failure = undefined;
        throw err;
      }
      return {};
    },
  };
  return {
    sent,
    failNext: (err: Error) => {
      failure = err;
    },
    engine: new StepFunctionsWorkflowEngine({ client: client as never, stateMachineArn: ARN }),
  };
}

describe('StepFunctionsWorkflowEngine', () => {
  it('starts an execution named after case and round', async () => {
    const { sent, engine } = fakeClient();
    await engine.start({ caseId: 'SC-2025-000123', round: 2 });
    expect(sent).toHaveLength(1);
    const command = sent[0] as StartExecutionCommand;
    expect(command).toBeInstanceOf(StartExecutionCommand);
    expect(command.input).toEqual({
      stateMachineArn: ARN,
      name: 'SC-2025-000123-r2',
      // every Task reads the correlation id from the input: one naming the case and round when none was given
      input: JSON.stringify({ caseId: 'SC-2025-000123', round: 2, correlationId: 'SC-2025-000123/r2' }),
    });
  });

  it('treats ExecutionAlreadyExists as already started', async () => {
    const { engine, failNext } = fakeClient();
    failNext(new ExecutionAlreadyExists({ message: 'exists', ...meta }));
    await expect(engine.start({ caseId: 'C1', round: 1 })).resolves.toBeUndefined();
  });

  it('passes other start errors on', async () => {
    const { engine, failNext } = fakeClient();
    failNext(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(engine.start({ caseId: 'C1', round: 1 })).rejects.toThrow('denied');
  });

  it('sends task success with JSON output and task failure with error and cause', async () => {
    const { sent, engine } = fakeClient();
    await engine.sendTaskSuccess('tok-1', { outcome: 'accept' });
    await engine.sendTaskSuccess('tok-2', undefined);
    await engine.sendTaskFailure('tok-3', 'CaseTerminated', 'withdrawn');
    expect(sent[0]).toBeInstanceOf(SendTaskSuccessCommand);
    expect((sent[0] as SendTaskSuccessCommand).input).toEqual({
      taskToken: 'tok-1',
      output: '{"outcome":"accept"}',
    });
    expect((sent[1] as SendTaskSuccessCommand).input).toEqual({ taskToken: 'tok-2', output: 'null' });
    expect(sent[2]).toBeInstanceOf(SendTaskFailureCommand);
    expect((sent[2] as SendTaskFailureCommand).input).toEqual({
      taskToken: 'tok-3',
      error: 'CaseTerminated',
      cause: 'withdrawn',
    });
  });

  it('truncates failure fields to the API limits', async () => {
    const { sent, engine } = fakeClient();
    await engine.sendTaskFailure('t', 'E'.repeat(300), 'c'.repeat(40_000));
    const input = (sent[0] as SendTaskFailureCommand).input;
    expect(input.error).toHaveLength(256);
    expect(input.cause).toHaveLength(32_768);
  });

  it.each([
    new TaskTimedOut({ message: 'timed out', ...meta }),
    new TaskDoesNotExist({ message: 'gone', ...meta }),
    new InvalidToken({ message: 'bad', ...meta }),
  ])('ignores a token that is no longer waiting ($name)', async (err) => {
    const { engine, failNext } = fakeClient();
    failNext(err);
    await expect(engine.sendTaskSuccess('t', {})).resolves.toBeUndefined();
    failNext(err);
    await expect(engine.sendTaskFailure('t', 'E', 'c')).resolves.toBeUndefined();
  });

  it('passes throttling and other errors on', async () => {
    const { engine, failNext } = fakeClient();
    failNext(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    await expect(engine.sendTaskSuccess('t', {})).rejects.toThrow('slow down');
  });
});

describe('executionName', () => {
  it('keeps plain ids as they are', () => {
    expect(executionName('SC_1-a', 1)).toBe('SC_1-a-r1');
  });

  it('sanitises, bounds the length, and keeps different ids apart', () => {
    const a = executionName('案件/2025:001', 3);
    const b = executionName('案件/2025:002', 3);
    expect(a).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(a.endsWith('-r3')).toBe(true);
    expect(a).not.toBe(b);
    const long = executionName('x'.repeat(200), 12);
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long.endsWith('-r12')).toBe(true);
    expect(long).not.toBe(executionName(`${'x'.repeat(199)}y`, 12));
  });
});
