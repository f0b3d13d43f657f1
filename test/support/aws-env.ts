/**
 * The environment infra/province-stack.ts gives a 江苏 function (DEPS_ENV of
 * functions/aws/compose.ts), with placeholder ARNs: enough for createAwsDeps to wire everything,
 * while no client connects until a test replaces or calls it.
 */
export const AWS_ENV = {
  PROVINCE: 'JS',
  TABLE_NAME: 'green-channel-JS-data',
  STATE_MACHINE_ARN: 'arn:aws-cn:states:cn-north-1:111111111111:stateMachine:stage-case',
  EVENT_BUS_NAME: 'green-channel-JS',
  SIGNING_KEY_ID: 'arn:aws-cn:kms:cn-north-1:111111111111:key/0000',
  BLOB_BUCKET: 'materials',
  PARTNERS: '{}',
} as const;
