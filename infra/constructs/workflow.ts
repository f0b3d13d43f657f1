import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { loadStageCaseDefinition, renderDefinition } from '../../statemachines/load.js';
import { AppFunction } from './lambda.js';

export interface WorkflowProps {
  province: string;
  /** environment shared by every function of the stack, without STATE_MACHINE_ARN */
  environment: Record<string, string>;
}

/**
 * The stage-case state machine and the one task Lambda its Task states invoke.
 *
 * The state machine has a fixed name so its ARN can be built without referencing the resource:
 * the task Lambda needs that ARN, and the state machine needs the task Lambda's ARN; a Ref in both
 * directions would be a dependency cycle in CloudFormation.
 */
export class Workflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly taskFunction: IFunction;
  /** the state machine's ARN as a plain formatted string, safe to hand to any function */
  readonly stateMachineArn: string;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const stateMachineName = `green-channel-${props.province}-stage-case`;
    this.stateMachineArn = Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    const task = new AppFunction(this, 'Task', {
      entry: 'functions/lambda/workflow-task.ts',
      description: `green-channel ${props.province}: stage-case workflow tasks`,
      environment: { ...props.environment, STATE_MACHINE_ARN: this.stateMachineArn },
    });
    this.taskFunction = task.fn;

    const logs = new LogGroup(this, 'Logs', {
      // The /aws/vendedlogs/ prefix keeps Step Functions from growing the account-wide
      // CloudWatch Logs resource policy with every state machine.
      logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Inline, not fromFile: the definition stays in the template where tests (and reviewers) see it.
    this.stateMachine = new StateMachine(this, 'StageCase', {
      stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(
        renderDefinition(loadStageCaseDefinition(), { TaskFunctionArn: task.fn.functionArn }),
      ),
      logs: { destination: logs, level: LogLevel.ERROR, includeExecutionData: true },
      // X-Ray: the execution's trace joins the task function's (which traces too)
      tracingEnabled: true,
    });
    task.fn.grantInvoke(this.stateMachine);

    // A callback task replayed after a redrive finds its decision already stored and completes the
    // new token itself. By name-built ARN (not a Ref) to avoid the cycle described above.
    task.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
        resources: [this.stateMachineArn],
      }),
    );
  }

  /**
   * What the API and the sweeper need: start cases and complete callbacks. A duplicate start is
   * recognised from ExecutionAlreadyExists, so no Describe/List rights are needed.
   */
  grantDrive(fn: IFunction): void {
    this.stateMachine.grantStartExecution(fn);
    this.stateMachine.grantTaskResponse(fn);
  }
}
