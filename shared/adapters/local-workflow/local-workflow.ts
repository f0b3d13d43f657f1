// The polyfill must be in place before the library runs any Task state.
import './promise-with-resolvers.js';
import { randomUUID } from 'node:crypto';
import {
  ExecutionAbortedError,
  ExecutionError,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import {
  type AslDefinition,
  type AslState,
  listPlaceholders,
  loadStageCaseDefinition,
  renderDefinition,
} from '../../../statemachines/load.js';
import {
  executionInput,
  type StageCaseWorkflowInput,
  type WorkflowEngine,
  type WorkflowTaskHandler,
  type WorkflowTaskRequest,
} from '../../ports/workflow.js';

/**
 * Runs the same ASL as Step Functions, in-process, with aws-local-stepfunctions. The library has no
 * task tokens and persists nothing, so this engine supplies per-invocation tokens through the
 * context object, keeps an in-memory waiter per token, and relies on the task handler (backed by the
 * store) to replay decided steps when an execution is re-run after a restart.
 */

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/**
 * Node's timers overflow above 2^31-1 ms (~24.8 days) and then fire at once; this is the largest
 * whole number of seconds below that. A callback Task re-arms (States.Timeout retry) after it, so
 * waits never expire locally.
 */
export const LOCAL_CALLBACK_TIMEOUT_SECONDS = 2_147_483;
/** The largest MaxAttempts Step Functions accepts: with ~24.8 days per attempt, effectively forever. */
const LOCAL_CALLBACK_REARMS = 99_999_999;

export interface LocalDefinition {
  definition: AslDefinition;
  /** Task state names (at any nesting level) that wait for a task token */
  callbackStates: string[];
  /** Task state names that invoke the task function synchronously */
  invokeStates: string[];
}

/**
 * Renders the placeholders with local dummies and rewrites every callback Task so it never times
 * out locally: TimeoutSeconds below Node's timer limit and a States.Timeout retry first (its
 * interval is overridden to 0 at run time). Throws on any Task the local runner cannot serve,
 * because the library would otherwise call real AWS.
 */
export function prepareLocalDefinition(source: AslDefinition): LocalDefinition {
  const substitutions = Object.fromEntries(
    listPlaceholders(source).map((name) => [name, `arn:aws:lambda:local:000000000000:function:${name}`]),
  );
  const definition = JSON.parse(renderDefinition(source, substitutions)) as AslDefinition;
  const kinds = new Map<string, 'callback' | 'invoke'>();

  const visit = (states: Record<string, AslState>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') {
        const kind =
          state.Resource === LAMBDA_CALLBACK
            ? 'callback'
            : state.Resource === LAMBDA_INVOKE
              ? 'invoke'
              : undefined;
        if (kind === undefined) {
          throw new Error(`local workflow: Task ${name} uses unsupported resource ${String(state.Resource)}`);
        }
        // Local handlers are keyed by state name across nesting levels, so names must not clash.
        if (kinds.has(name) && kinds.get(name) !== kind) {
          throw new Error(`local workflow: Task name ${name} is used for different resources`);
        }
        kinds.set(name, kind);
        if (kind === 'callback') {
          state.TimeoutSeconds = LOCAL_CALLBACK_TIMEOUT_SECONDS;
          delete state.TimeoutSecondsPath;
          delete state.HeartbeatSeconds;
          delete state.HeartbeatSecondsPath;
          const retry = Array.isArray(state.Retry) ? state.Retry : [];
          state.Retry = [
            {
              ErrorEquals: ['States.Timeout'],
              IntervalSeconds: 0,
              MaxAttempts: LOCAL_CALLBACK_REARMS,
              BackoffRate: 1,
            },
            ...retry,
          ];
        }
      } else if (state.Type === 'Map') {
        const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
        if (processor) visit(processor.States);
      } else if (state.Type === 'Parallel') {
        for (const branch of (state.Branches ?? []) as AslDefinition[]) visit(branch.States);
      }
    }
  };
  visit(definition.States);

  const names = (kind: 'callback' | 'invoke') => [...kinds].filter(([, k]) => k === kind).map(([n]) => n);
  return { definition, callbackStates: names('callback'), invokeStates: names('invoke') };
}

export interface ExecutionResult {
  status: 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  output?: unknown;
  error?: { name: string; message: string };
}

export interface LocalWorkflowEngineOptions {
  tasks: WorkflowTaskHandler;
  /** failed executions; never thrown, so a broken case cannot crash the process */
  onError?: (caseId: string, err: unknown) => void;
  /** defaults to statemachines/stage-case.asl.json */
  definition?: AslDefinition;
  /** how many finished executions keep their result and visited states (default 10 000) */
  retainFinished?: number;
}

interface Waiter {
  resolve: (output: unknown) => void;
  reject: (err: Error) => void;
  execution: RunningExecution;
}

interface RunningExecution {
  caseId: string;
  stopped: boolean;
  tokens: Set<string>;
  visited: string[];
  abort: () => void;
  done: Promise<ExecutionResult>;
}

/** An error whose `name` is what ASL Retry/Catch match on (e.g. CaseTerminated). */
function namedError(name: string, message: string): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

const stoppedError = () => namedError('ExecutionStopped', 'the local workflow engine stopped this execution');

/** What crosses a Lambda or SendTaskSuccess boundary is JSON; mimic that so local equals AWS. */
function asJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

function requestOf(input: unknown): WorkflowTaskRequest {
  const payload = (input as { Payload?: unknown } | null)?.Payload;
  if (
    typeof payload !== 'object' ||
    payload === null ||
    typeof (payload as { caseId?: unknown }).caseId !== 'string'
  ) {
    throw namedError('States.Runtime', 'task payload must be an object with a caseId');
  }
  return payload as WorkflowTaskRequest;
}

function describe(err: unknown): { name: string; message: string } {
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

export class LocalWorkflowEngine implements WorkflowEngine {
  readonly local: LocalDefinition;
  private readonly tasks: WorkflowTaskHandler;
  private readonly onError: (caseId: string, err: unknown) => void;
  private readonly retainFinished: number;
  private readonly machine: StateMachine;
  private readonly runOptions: NonNullable<Parameters<StateMachine['run']>[1]>;
  private readonly running = new Map<string, RunningExecution>();
  private readonly finished = new Map<string, { result: ExecutionResult; visited: string[] }>();
  private readonly waiters = new Map<string, Waiter>();
  private stopped = false;

  constructor(options: LocalWorkflowEngineOptions) {
    this.tasks = options.tasks;
    this.onError =
      options.onError ??
      ((caseId, err) => {
        console.error(`[local-workflow] execution of case ${caseId} failed:`, err);
      });
    this.retainFinished = options.retainFinished ?? 10_000;
    this.local = prepareLocalDefinition(options.definition ?? loadStageCaseDefinition());
    // Built once: the constructor validates the definition, which is too slow to repeat per case.
    this.machine = new StateMachine(this.local.definition as unknown as StateMachineDefinition);

    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    const retryIntervals: Record<string, number[]> = {};
    for (const name of this.local.callbackStates) {
      handlers[name] = (input) => this.callback(input);
      retryIntervals[name] = [0]; // the States.Timeout re-arm only; other retriers keep their intervals
    }
    for (const name of this.local.invokeStates) handlers[name] = (input) => this.invoke(input);
    this.runOptions = {
      overrides: {
        taskResourceLocalHandlers: handlers as NonNullable<
          NonNullable<Parameters<StateMachine['run']>[1]>['overrides']
        >['taskResourceLocalHandlers'],
        retryIntervalOverrides: retryIntervals,
      },
      // A getter, not a value: every Task (and every Map iteration) must get its own token.
      context: {
        Task: {
          get Token() {
            return randomUUID();
          },
        },
      },
    };
  }

  async start(input: StageCaseWorkflowInput): Promise<void> {
    if (this.stopped) throw new Error('LocalWorkflowEngine is stopped');
    const { caseId, round } = input;
    if (this.running.has(caseId)) return;

    const execution: RunningExecution = {
      caseId,
      stopped: false,
      tokens: new Set(),
      visited: [],
      abort: () => {},
      done: Promise.resolve({ status: 'ABORTED' }),
    };
    // Registered before run(): the first Task may call a handler synchronously inside run().
    this.running.set(caseId, execution);
    let run: ReturnType<StateMachine['run']>;
    try {
      // the same input Step Functions is started with (sfn-workflow.ts)
      run = this.machine.run(executionInput({ ...input, caseId, round }), this.runOptions);
    } catch (err) {
      this.running.delete(caseId);
      throw err;
    }
    execution.abort = run.abort;
    const drained = this.recordVisits(execution, run.eventLogs);
    const settled = run.result.then(
      (output): ExecutionResult => ({ status: 'SUCCEEDED', output }),
      (err: unknown): ExecutionResult => {
        if (err instanceof ExecutionAbortedError || execution.stopped) return { status: 'ABORTED' };
        const cause = err instanceof ExecutionError ? err.cause : err;
        return { status: 'FAILED', error: describe(cause) };
      },
    );
    execution.done = Promise.all([settled, drained]).then(([result]) => {
      this.finish(execution, result);
      return result;
    });
  }

  async sendTaskSuccess(token: string, output: unknown): Promise<void> {
    const waiter = this.take(token);
    waiter?.resolve(asJson(output));
  }

  async sendTaskFailure(token: string, error: string, cause: string): Promise<void> {
    const waiter = this.take(token);
    waiter?.reject(namedError(error, cause));
  }

  /** Aborts every execution and releases its waiters (and their timers), so nothing keeps the process alive. */
  async stop(): Promise<void> {
    this.stopped = true;
    const executions = [...this.running.values()];
    for (const execution of executions) {
      execution.stopped = true;
      execution.abort();
      this.releaseWaiters(execution);
    }
    await Promise.all(executions.map((e) => e.done));
  }

  runningCount(): number {
    return this.running.size;
  }

  isRunning(caseId: string): boolean {
    return this.running.has(caseId);
  }

  /** resolves when the case (or, without caseId, every case) has no running execution */
  async whenIdle(caseId?: string): Promise<void> {
    if (caseId !== undefined) {
      await this.running.get(caseId)?.done;
      return;
    }
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((e) => e.done));
  }

  /** the running execution's eventual result, else the last finished one's, else undefined */
  async executionResult(caseId: string): Promise<ExecutionResult | undefined> {
    const execution = this.running.get(caseId);
    if (execution) return execution.done;
    return this.finished.get(caseId)?.result;
  }

  /** state names entered by the running or last execution, Map iterations included */
  visitedStates(caseId: string): string[] {
    const visited = this.running.get(caseId)?.visited ?? this.finished.get(caseId)?.visited ?? [];
    return [...visited];
  }

  /** callback tasks currently waiting in this process */
  waitingCount(): number {
    return this.waiters.size;
  }

  private async invoke(input: unknown): Promise<unknown> {
    const request = requestOf(input);
    this.assertLive(request.caseId);
    const result = await this.tasks.handle(request);
    // The shape of a lambda:invoke result on AWS, so ResultSelector `$.Payload…` works the same.
    return { Payload: asJson(result), StatusCode: 200, ExecutedVersion: '$LATEST' };
  }

  private async callback(input: unknown): Promise<unknown> {
    const request = requestOf(input);
    const execution = this.assertLive(request.caseId);
    const token = (request as { token?: unknown }).token;
    if (typeof token !== 'string') throw namedError('States.Runtime', 'callback payload has no token');
    // The waiter exists before the handler runs: a handler replaying a decided step completes the
    // token from inside handle().
    const waiting = new Promise<unknown>((resolve, reject) => {
      this.waiters.set(token, { resolve, reject, execution });
      execution.tokens.add(token);
    });
    // stop() may reject it while the handler is still registering the token: handled below
    waiting.catch(() => {});
    try {
      await this.tasks.handle(request);
    } catch (err) {
      this.take(token);
      throw err;
    }
    return waiting;
  }

  private assertLive(caseId: string): RunningExecution {
    const execution = this.running.get(caseId);
    // After stop() nothing may reach the handler: a stopped execution must not record new steps.
    if (!execution || execution.stopped || this.stopped) throw stoppedError();
    return execution;
  }

  private take(token: string): Waiter | undefined {
    const waiter = this.waiters.get(token);
    if (!waiter) return undefined;
    this.waiters.delete(token);
    waiter.execution.tokens.delete(token);
    return waiter;
  }

  /** rejecting settles the library's Task promise, which clears its (long) timeout timer */
  private releaseWaiters(execution: RunningExecution): void {
    for (const token of [...execution.tokens]) this.take(token)?.reject(stoppedError());
  }

  private async recordVisits(
    execution: RunningExecution,
    events: ReturnType<StateMachine['run']>['eventLogs'],
  ): Promise<void> {
    // Consuming the log is also what keeps the library's event queue from growing without bound.
    try {
      for await (const event of events) {
        if (event.type === 'StateEntered') execution.visited.push(event.state.name);
      }
    } catch {
      // the log is diagnostics only
    }
  }

  private finish(execution: RunningExecution, result: ExecutionResult): void {
    if (this.running.get(execution.caseId) === execution) this.running.delete(execution.caseId);
    // Map iterations aborted after a sibling failed still wait; release them and their timers.
    this.releaseWaiters(execution);
    this.finished.delete(execution.caseId);
    this.finished.set(execution.caseId, { result, visited: execution.visited });
    while (this.finished.size > this.retainFinished) {
      const oldest = this.finished.keys().next().value;
      if (oldest === undefined) break;
      this.finished.delete(oldest);
    }
    if (result.status === 'FAILED') {
      try {
        this.onError(
          execution.caseId,
          namedError(result.error?.name ?? 'Error', result.error?.message ?? ''),
        );
      } catch {
        // an error reporter that throws must not take the process down
      }
    }
  }
}
