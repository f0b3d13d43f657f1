import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { traced } from '../../functions/aws/observability.js';

/**
 * X-Ray on a function with active tracing (functions/aws/observability.ts): the first call of a
 * traced SDK client loads the Tracer and lets it add its middleware, so every call after that is
 * a subsegment. In its own file: the Tracer instruments Node's HTTP modules for the whole process.
 */
describe('traced SDK clients', () => {
  it('get the X-Ray middleware with their first call when tracing is on', async () => {
    // what Lambda sets for a function with active tracing
    const env = {
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_FUNCTION_NAME: 'green-channel-JS-relay',
      AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
      AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    };
    Object.assign(process.env, env);
    const client = traced(
      new DynamoDBClient({
        region: 'cn-north-1',
        endpoint: 'http://127.0.0.1:9',
        credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
        maxAttempts: 1,
      }),
      env,
    );
    const names = () => client.middlewareStack.identify().join(' ');
    expect(names()).not.toMatch(/XRay/i);
    // nothing listens there: the call fails, but only after the Tracer has attached itself
    await expect(client.send(new DescribeTableCommand({ TableName: 't' }))).rejects.toThrow();
    expect(names()).toMatch(/XRay/i);
  });
});
