import { Annotations, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type ProvinceDeployment, partnersEnvironment } from './config.js';
import { AccessLogs } from './constructs/access-logs.js';
import { Alarms } from './constructs/alarms.js';
import { Api } from './constructs/api.js';
import { CheckpointBucket } from './constructs/checkpoint-bucket.js';
import { ConsoleSite } from './constructs/console-site.js';
import { DataTable } from './constructs/data-table.js';
import { Events } from './constructs/events.js';
import { MATERIAL_MAX_BYTES, MaterialBucket } from './constructs/material-bucket.js';
import { OutboxRelay } from './constructs/outbox-relay.js';
import { PartnerReceiver } from './constructs/partner-receiver.js';
import { SigningKey } from './constructs/signing-key.js';
import { Sweeper } from './constructs/sweeper.js';
import { WebhookSecret } from './constructs/webhook-secret.js';
import { Workflow } from './constructs/workflow.js';
import { acknowledgeNagFindings } from './nag.js';

export interface ProvinceStackProps extends StackProps {
  deployment: ProvinceDeployment;
}

/**
 * One province's deployment: the HTTP API, the stage-case workflow, the single table, the bus and
 * its links to partner provinces, the signing key, the material bucket, the sweeper and the outbox
 * relay. Every function gets the same wiring variables (functions/aws/compose.ts reads them) and
 * only the permissions its role needs.
 */
export class ProvinceStack extends Stack {
  readonly api: Api;
  readonly workflow: Workflow;
  readonly data: DataTable;
  readonly events: Events;
  readonly sweeper: Sweeper;
  readonly signing: SigningKey;
  readonly materials: MaterialBucket;
  readonly checkpoints: CheckpointBucket;
  readonly relay: OutboxRelay;
  readonly console: ConsoleSite;
  /** S3 server access logs of the material, checkpoint and console buckets */
  readonly accessLogs: AccessLogs;
  /** only when webhooks are configured */
  readonly webhooks: WebhookSecret | undefined;
  /** only when partners are configured */
  readonly receiver: PartnerReceiver | undefined;

  constructor(scope: Construct, id: string, props: ProvinceStackProps) {
    super(scope, id, props);
    const { deployment } = props;
    const province = deployment.province;

    this.data = new DataTable(this, 'Data');
    this.events = new Events(this, 'Events', { province, partners: deployment.partners });
    this.signing = new SigningKey(this, 'Signing', { province });
    this.materials = new MaterialBucket(this, 'Materials');
    this.checkpoints = new CheckpointBucket(this, 'AuditCheckpoints');

    const environment = {
      PROVINCE: province,
      TABLE_NAME: this.data.table.tableName,
      EVENT_BUS_NAME: this.events.bus.eventBusName,
      // Every function can build the whole Deps; only the roles below decide what each may do.
      SIGNING_KEY_ID: this.signing.key.keyArn,
      BLOB_BUCKET: this.materials.bucket.bucketName,
      PARTNERS: partnersEnvironment(deployment.partners),
    };
    this.workflow = new Workflow(this, 'Workflow', { province, environment });
    const wired = { ...environment, STATE_MACHINE_ARN: this.workflow.stateMachineArn };

    this.api = new Api(this, 'Api', {
      province,
      identity: deployment.identity,
      console: deployment.console,
      environment: wired,
    });
    this.console = new ConsoleSite(this, 'Console', {
      province,
      partition: deployment.partition,
      console: deployment.console,
      api: this.api.httpApi,
    });
    this.accessLogs = new AccessLogs(this, 'AccessLogs');
    this.accessLogs.record(this.materials.bucket, 'materials');
    this.accessLogs.record(this.checkpoints.bucket, 'checkpoints');
    this.accessLogs.record(this.console.bucket, 'console');
    this.api.fn.addEnvironment('CONSOLE_BUCKET', this.console.bucket.bucketName);
    this.console.grantServe(this.api.handler);
    this.sweeper = new Sweeper(this, 'Sweeper', { province, environment: wired });
    // Webhooks go out where events are published, i.e. from the outbox relay only (nothing else on
    // AWS publishes), so only the relay gets their list and may read their secret.
    this.webhooks =
      deployment.webhooks.length > 0
        ? new WebhookSecret(this, 'Webhooks', { province, webhooks: deployment.webhooks })
        : undefined;
    this.relay = new OutboxRelay(this, 'OutboxRelay', {
      province,
      environment: { ...wired, ...this.webhooks?.environment },
      table: this.data.table,
    });
    this.webhooks?.grantRead(this.relay.handler);
    this.receiver =
      deployment.partners.length > 0
        ? new PartnerReceiver(this, 'PartnerReceiver', {
            province,
            bus: this.events.bus,
            partners: deployment.partners.map((p) => p.code),
            environment: wired,
          })
        : undefined;

    // Store and own bus: every function commits changes with their events (transactional outbox)
    // and may publish what it committed.
    const all: IFunction[] = [
      this.api.handler,
      this.workflow.taskFunction,
      this.sweeper.handler,
      this.relay.handler,
      ...(this.receiver ? [this.receiver.handler] : []),
    ];
    for (const fn of all) {
      this.data.table.grantReadWriteData(fn);
      this.events.bus.grantPutEventsTo(fn);
    }
    // Cases are started and callbacks completed from the API and the sweeper only.
    this.workflow.grantDrive(this.api.handler);
    this.workflow.grantDrive(this.sweeper.handler);
    // A partner's result recognised here completes the waiting item callbacks (互认); it starts nothing.
    if (this.receiver) this.workflow.stateMachine.grantTaskResponse(this.receiver.handler);
    // Results are signed where they are committed (API decisions, workflow tasks); the API also
    // serves the public key to partners. The relay publishes what is already signed.
    this.signing.grantSign(this.api.handler);
    this.signing.grantSign(this.workflow.taskFunction);
    // Material content is uploaded and served (to partners too) through URLs the API presigns, so
    // its role needs the same rights; the console's browser sends and fetches them cross-origin.
    this.materials.grantReadPut(this.api.handler);
    this.materials.allowConsole([
      this.api.httpApi.apiEndpoint,
      ...(this.console.distribution
        ? [`https://${deployment.console.domainName ?? this.console.distribution.distributionDomainName}`]
        : []),
    ]);
    this.api.fn.addEnvironment('GC_MATERIAL_MAX_BYTES', String(MATERIAL_MAX_BYTES));
    // 审计检查点: the sweeper signs and appends one each run (on its EventBridge schedule) and can
    // do nothing else to the bucket; the API serves them to auditors and partners.
    this.sweeper.fn.addEnvironment('CHECKPOINT_BUCKET', this.checkpoints.bucket.bucketName);
    this.api.fn.addEnvironment('CHECKPOINT_BUCKET', this.checkpoints.bucket.bucketName);
    this.checkpoints.grantAppend(this.sweeper.handler);
    this.signing.grantSign(this.sweeper.handler);
    this.checkpoints.grantRead(this.api.handler);

    if (deployment.alarmEmail) {
      const deadLetterQueues: Record<string, IQueue> = {};
      if (this.events.forwardDeadLetters) deadLetterQueues.Forward = this.events.forwardDeadLetters;
      if (this.receiver) deadLetterQueues.PartnerEvents = this.receiver.deadLetters;
      deadLetterQueues.OutboxStream = this.relay.streamFailures;
      new Alarms(this, 'Alarms', {
        email: deployment.alarmEmail,
        province,
        httpApi: this.api.httpApi,
        functions: {
          Api: this.api.handler,
          Task: this.workflow.taskFunction,
          Sweeper: this.sweeper.handler,
          OutboxRelay: this.relay.handler,
          ...(this.receiver ? { PartnerEvents: this.receiver.handler } : {}),
        },
        stateMachine: this.workflow.stateMachine,
        deadLetterQueues,
      });
    }

    const unpinned = deployment.partners.filter((p) => !p.publicKeyPem).map((p) => p.code);
    if (unpinned.length > 0) {
      // Info, not a warning: the first deployment of linked provinces necessarily lacks the keys.
      Annotations.of(this).addInfo(
        `no publicKeyPem configured for partner(s) ${unpinned.join(', ')}: their events and material ` +
          'requests are refused until their public keys are added to the deployment config',
      );
    }

    // The alarm topic takes publishes over TLS only (cdk-nag SNS3), as every queue and bucket here.
    const alarms = this.node.tryFindChild('Alarms');
    if (alarms instanceof Alarms) {
      alarms.topic.addToResourcePolicy(
        new PolicyStatement({
          sid: 'EnforceTls',
          effect: Effect.DENY,
          principals: [new AnyPrincipal()],
          actions: ['sns:Publish'],
          resources: [alarms.topic.topicArn],
          conditions: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
    acknowledgeNagFindings(this, deployment);
    Tags.of(this).add('application', 'green-channel');
    Tags.of(this).add('province', province);
  }
}
