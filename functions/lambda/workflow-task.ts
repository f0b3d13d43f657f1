/**
 * Lambda entry of every Task state of the stage-case state machine. The ASL passes the request as
 * the invocation Payload; what this returns becomes the Task's result.
 */
import type { WorkflowTaskRequest } from '../../shared/ports/workflow.js';
import { awsServices } from '../aws/compose.js';

const { workflowTasks } = awsServices();

export async function handler(event: WorkflowTaskRequest): Promise<unknown> {
  return workflowTasks.handle(event);
}
