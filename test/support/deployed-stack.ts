import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { buildApp, loadDeployments } from '../../infra/build.js';
import { stackName } from '../../infra/config.js';
import { BUNDLE_FILE } from '../../infra/lambda-bundle.js';

/**
 * A province's stack synthesized as `cdk deploy` would (bundling on), and its functions run from the
 * asset folders in the cloud assembly, each in its own node process with the environment the
 * template gives it: tokens (Ref, Fn::GetAtt, Fn::Join) replaced by local stand-ins.
 */

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is untyped
export type CfnResource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, any> };

export interface SynthesizedFunction {
  logicalId: string;
  description: string;
  /** the asset folder holding index.mjs, chunks and maps */
  dir: string;
  /** the template's environment, every token resolved by `resolveToken` */
  environment: Record<string, string>;
  /** the variables whose template value was a token (so a test must supply a local value) */
  tokens: string[];
}

export interface SynthesizedStack {
  stackName: string;
  region: string;
  template: { Resources: Record<string, CfnResource> };
  functions: SynthesizedFunction[];
  /** the function whose description matches */
  fn(description: RegExp): SynthesizedFunction;
}

const PSEUDO: Record<string, (region: string) => string> = {
  'AWS::Partition': (r) => (r.startsWith('cn-') ? 'aws-cn' : 'aws'),
  'AWS::Region': (r) => r,
  'AWS::AccountId': () => '111111111111',
  'AWS::URLSuffix': (r) => (r.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'),
};

/** A token as a readable local stand-in: `Ref X` → `local-X`, pseudo parameters → their values. */
function resolveToken(value: unknown, region: string): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return PSEUDO[v.Ref]?.(region) ?? `local-${v.Ref}`;
  if (Array.isArray(v['Fn::GetAtt'])) return `local-${(v['Fn::GetAtt'] as string[]).join('-')}`;
  if (Array.isArray(v['Fn::Join'])) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolveToken(p, region)).join(sep);
  }
  throw new Error(`cannot resolve token ${JSON.stringify(value)}`);
}

/** Synthesizes one province's stack with its Lambda bundles built, into `outdir`. */
export function synthesizeProvince(province: string, outdir: string): SynthesizedStack {
  const deployment = loadDeployments().find((d) => d.province === province);
  if (!deployment) throw new Error(`no deployment for ${province}`);
  const name = stackName(province);
  const app = new App({
    outdir,
    context: { 'aws:cdk:bundling-stacks': [name], 'aws:cdk:enable-asset-metadata': true },
  });
  buildApp(app, [deployment]);
  const assembly = app.synth();
  const artifact = assembly.getStackByName(name);
  const template = artifact.template as SynthesizedStack['template'];
  const region = deployment.region;
  const functions = Object.entries(template.Resources)
    .filter(
      ([, r]) => r.Type === 'AWS::Lambda::Function' && String(r.Properties.Runtime).startsWith('nodejs'),
    )
    .map(([logicalId, r]) => {
      const assetPath = r.Metadata?.['aws:asset:path'];
      if (typeof assetPath !== 'string') throw new Error(`${logicalId} has no asset path in its metadata`);
      const dir = join(assembly.directory, assetPath);
      if (r.Properties.Handler !== 'index.handler' || !existsSync(join(dir, BUNDLE_FILE)))
        throw new Error(`${logicalId}: expected index.handler in ${dir}/${BUNDLE_FILE}`);
      const vars = (r.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
      return {
        logicalId,
        description: String(r.Properties.Description ?? ''),
        dir,
        environment: Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, resolveToken(v, region)])),
        tokens: Object.entries(vars)
          .filter(([, v]) => typeof v !== 'string')
          .map(([k]) => k),
      };
    });
  return {
    stackName: name,
    region,
    template,
    functions,
    fn(description) {
      const found = functions.filter((f) => description.test(f.description));
      if (found.length !== 1) throw new Error(`${found.length} functions described ${description}`);
      return found[0]!;
    },
  };
}

const RUNNER = fileURLToPath(new URL('./lambda-runner.mjs', import.meta.url));

export interface RunningFunction {
  // biome-ignore lint/suspicious/noExplicitAny: handler results are inspected loosely in tests
  invoke(event: unknown): Promise<any>;
  /** what the function wrote to stdout/stderr so far (its logs) */
  logs(): string;
  stop(): Promise<void>;
}

/**
 * Starts a function's bundle in a fresh node process, as the Lambda Node.js runtime would: its
 * environment, the runtime's own variables, `index.handler` imported once (the cold start), then
 * one invocation at a time. Rejects if the import (init) fails.
 */
export async function startFunction(
  fn: SynthesizedFunction,
  region: string,
  overrides: Record<string, string>,
): Promise<RunningFunction> {
  const functionName = `${fn.logicalId}-test`;
  const child: ChildProcess = fork(RUNNER, [join(fn.dir, BUNDLE_FILE), functionName], {
    execArgv: [],
    cwd: fn.dir,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: {
      PATH: process.env.PATH ?? '',
      // what the Lambda runtime sets
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_LAMBDA_FUNCTION_NAME: functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      LAMBDA_TASK_ROOT: fn.dir,
      _HANDLER: 'index.handler',
      TZ: ':UTC',
      // credentials the role would give; DynamoDB Local and the fakes accept any
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_SESSION_TOKEN: 'local',
      ...fn.environment,
      ...overrides,
    },
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString('utf8');
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString('utf8');
  });
  const pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let exited = false;
  const ready = new Promise<void>((resolve, reject) => {
    child.on(
      'message',
      (msg: { type: string; id?: string; ok?: boolean; result?: unknown; error?: string }) => {
        if (msg.type === 'ready') resolve();
        else if (msg.type === 'initError') reject(new Error(`${fn.description}: init failed\n${msg.error}`));
        else if (msg.type === 'result' && msg.id) {
          const p = pending.get(msg.id);
          pending.delete(msg.id);
          if (msg.ok) p?.resolve(msg.result);
          else p?.reject(new Error(`${fn.description}: handler failed\n${msg.error}`));
        }
      },
    );
    child.on('exit', (code) => {
      exited = true;
      const err = new Error(`${fn.description}: process exited (${code})\n${output.slice(-4000)}`);
      reject(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    });
  });
  await ready;
  return {
    invoke(event) {
      const id = randomUUID();
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, event });
      });
    },
    logs: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

/** An API Gateway HTTP API (payload format 2.0) request, as the `$default` stage delivers it. */
export function httpApiEvent(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
) {
  const [rawPath = '/', rawQueryString = ''] = path.split('?');
  const headers: Record<string, string> = {
    host: 'api.js.green-channel.example',
    'user-agent': 'deployed-bundles-test',
    'x-forwarded-for': '203.0.113.7',
    'x-forwarded-proto': 'https',
    'x-forwarded-port': '443',
    ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
  };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    ...(rawQueryString
      ? { queryStringParameters: Object.fromEntries(new URLSearchParams(rawQueryString)) }
      : {}),
    requestContext: {
      accountId: '111111111111',
      apiId: 'testapi',
      domainName: headers.host,
      domainPrefix: 'api',
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: headers['user-agent'],
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body !== undefined ? { body, isBase64Encoded: false } : { isBase64Encoded: false }),
  };
}
