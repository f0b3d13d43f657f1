/**
 * Lambda entry of every Task state of the stage-case state machine. The ASL passes the request as
 * the invocation Payload; what this returns becomes the Task's result.
 */
import type { WorkflowTaskRequest } from '../../shared/ports/workflow.js';
import { awsWorkflowServices } from '../aws/compose.js';
import { observed } from '../aws/observability.js';

const { workflowTasks } = awsWorkflowServices();

export const handler = observed('workflow-task', async (event: WorkflowTaskRequest, log) => {
  const result = await workflowTasks.handle(event);
  log.info('workflow task', {
    caseId: event.caseId,
    action: event.action,
    ...(event.correlationId ? { correlationId: event.correlationId } : {}),
  });
  return result;
});
