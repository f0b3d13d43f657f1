/** The input of one stage-case execution; everything else is read from the store. */
export interface StageCaseWorkflowInput {
  caseId: string;
  round: number;
  /** of the request that started it; every Task passes it on (see executionInput) */
  correlationId?: string;
}

/**
 * What both engines start an execution with. It always carries a correlation id (the starting
 * request's, else one naming the case and round), because the ASL's Tasks read it from the
 * execution input, where a missing field would be a runtime error.
 */
export function executionInput(input: StageCaseWorkflowInput): Required<StageCaseWorkflowInput> {
  return {
    caseId: input.caseId,
    round: input.round,
    correlationId: input.correlationId ?? `${input.caseId}/r${input.round}`,
  };
}

/**
 * The workflow engine: Step Functions on AWS, the local ASL runner on one machine. Both execute
 * statemachines/stage-case.asl.json. Human steps wait on task tokens kept in the store.
 */
export interface WorkflowEngine {
  /** start the execution of a stage case; starting an already running case is a no-op */
  start(input: StageCaseWorkflowInput): Promise<void>;
  /** complete a waiting callback task; a token that is no longer waiting is ignored */
  sendTaskSuccess(token: string, output: unknown): Promise<void>;
  sendTaskFailure(token: string, error: string, cause: string): Promise<void>;
}

/**
 * What the state machine's Task states invoke (via one task Lambda on AWS, in-process locally).
 * `token` is present for `.waitForTaskToken` tasks.
 */
export type WorkflowTaskRequest = (
  | { action: 'awaitAcceptance'; caseId: string; round: number; token: string }
  | { action: 'awaitResubmission'; caseId: string; round: number; token: string }
  | { action: 'listItems'; caseId: string }
  | { action: 'awaitItemDecision'; caseId: string; itemCode: string; token: string }
  | { action: 'consolidate'; caseId: string }
  | { action: 'closeStage'; caseId: string }
) & {
  /** of the execution (executionInput); absent in requests of executions started before it was */
  correlationId?: string;
};

export interface WorkflowTaskHandler {
  handle(request: WorkflowTaskRequest): Promise<unknown>;
}
