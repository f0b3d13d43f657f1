// One Lambda execution environment for test/support/deployed-function.ts: a fresh node process
// (forked with the function's environment) that imports a built bundle the way the Node.js runtime
// does (`index.handler` from index.mjs) and invokes its handler once per message, one at a time.
import { randomBytes, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const [bundle, functionName] = process.argv.slice(2);
let handler;
try {
  ({ handler } = await import(pathToFileURL(bundle).href));
  if (typeof handler !== 'function') throw new TypeError(`${bundle} exports no handler`);
  process.send({ type: 'ready' });
} catch (err) {
  process.send({ type: 'initError', error: String(err?.stack ?? err) });
  process.exit(1);
}

const memory = 512;
function contextFor(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws-cn:lambda:cn-north-1:111111111111:function:${functionName}`,
    memoryLimitInMB: String(memory),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `2026/01/01/[$LATEST]${randomUUID().replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {},
    fail() {},
    succeed() {},
  };
}

let queue = Promise.resolve();
process.on('message', (msg) => {
  queue = queue.then(async () => {
    // the runtime sets the trace header per invocation; not sampled, so nothing is sent to X-Ray
    process.env._X_AMZN_TRACE_ID = `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
    try {
      const result = await handler(msg.event, contextFor(msg.timeoutMs ?? 29_000));
      process.send({ type: 'result', id: msg.id, ok: true, result: result ?? null });
    } catch (err) {
      process.send({ type: 'result', id: msg.id, ok: false, error: String(err?.stack ?? err) });
    }
  });
});
