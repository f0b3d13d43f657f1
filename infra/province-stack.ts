import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ProvinceDeployment } from './config.js';
import { Alarms } from './constructs/alarms.js';
import { Api } from './constructs/api.js';
import { DataTable } from './constructs/data-table.js';
import { Events } from './constructs/events.js';
import { Sweeper } from './constructs/sweeper.js';
import { Workflow } from './constructs/workflow.js';

export interface ProvinceStackProps extends StackProps {
  deployment: ProvinceDeployment;
}

/**
 * One province's deployment: the HTTP API, the stage-case workflow, the single table, the bus and
 * the sweeper. Every function gets the same wiring variables (functions/aws/compose.ts reads them)
 * and only the permissions its role needs.
 */
export class ProvinceStack extends Stack {
  readonly api: Api;
  readonly workflow: Workflow;
  readonly data: DataTable;
  readonly events: Events;
  readonly sweeper: Sweeper;

  constructor(scope: Construct, id: string, props: ProvinceStackProps) {
    super(scope, id, props);
    const { deployment } = props;
    const province = deployment.province;

    this.data = new DataTable(this, 'Data');
    this.events = new Events(this, 'Events', { province, partners: deployment.partners });

    const environment = {
      PROVINCE: province,
      TABLE_NAME: this.data.table.tableName,
      EVENT_BUS_NAME: this.events.bus.eventBusName,
    };
    this.workflow = new Workflow(this, 'Workflow', { province, environment });
    const wired = { ...environment, STATE_MACHINE_ARN: this.workflow.stateMachineArn };

    this.api = new Api(this, 'Api', { province, identity: deployment.identity, environment: wired });
    this.sweeper = new Sweeper(this, 'Sweeper', { province, environment: wired });

    for (const fn of [this.api.handler, this.workflow.taskFunction, this.sweeper.handler]) {
      this.data.table.grantReadWriteData(fn);
      this.events.bus.grantPutEventsTo(fn);
    }
    this.workflow.grantDrive(this.api.handler);
    this.workflow.grantDrive(this.sweeper.handler);

    if (deployment.alarmEmail) {
      new Alarms(this, 'Alarms', {
        email: deployment.alarmEmail,
        functions: { Api: this.api.handler, Task: this.workflow.taskFunction, Sweeper: this.sweeper.handler },
        stateMachine: this.workflow.stateMachine,
      });
    }

    Tags.of(this).add('application', 'green-channel');
    Tags.of(this).add('province', province);
  }
}
