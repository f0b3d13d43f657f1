/**
 * The single table's keys and indexes, shared by the DynamoDB adapter and the CDK table so the two
 * can never disagree. Free of SDK imports: infra reads it without pulling in the AWS SDK.
 */
export const TABLE_DESIGN = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  billingMode: 'PAY_PER_REQUEST',
  /** epoch seconds after which DynamoDB deletes the item (idempotency records) */
  timeToLiveAttribute: 'ttl',
  globalSecondaryIndexes: [
    {
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
      projectionType: 'ALL',
    },
  ],
} as const;
