import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_DESIGN } from '../../shared/adapters/dynamodb/table-design.js';

/**
 * The province's single table. Its keys and indexes come from the adapter's TABLE_DESIGN so the
 * deployed table and the code that reads it cannot drift apart. The store is the source of truth
 * (executions are disposable), hence point-in-time recovery, deletion protection and RETAIN.
 * Its stream (keys only: the relay reads the outbox itself) triggers the outbox relay.
 */
export class DataTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const attr = (a: { name: string; type: 'S' }) => ({ name: a.name, type: AttributeType.STRING });
    this.table = new Table(this, 'Table', {
      partitionKey: attr(TABLE_DESIGN.partitionKey),
      sortKey: attr(TABLE_DESIGN.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE_DESIGN.timeToLiveAttribute,
      stream: StreamViewType.KEYS_ONLY,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const gsi of TABLE_DESIGN.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: attr(gsi.partitionKey),
        sortKey: attr(gsi.sortKey),
        projectionType: ProjectionType[gsi.projectionType],
      });
    }
  }
}
