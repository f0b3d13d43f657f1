import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The repository root: entries, lock file and tsconfig are resolved from here, not from cwd. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * nodejs20.x is deprecated in Lambda since 2026-04-30. nodejs24.x is GA and aws-cdk-lib's region
 * facts list it as the latest Node runtime in cn-north-1 and cn-northwest-1 as well, so it is
 * safe in both partitions. Pinned (not NODEJS_LATEST) so a CDK upgrade never changes it silently.
 */
export const NODE_RUNTIME = Runtime.NODEJS_24_X;

export interface AppFunctionProps {
  /** path of the entry point relative to the repository root, e.g. `functions/lambda/api.ts` */
  entry: string;
  description: string;
  environment: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  /**
   * For asynchronously invoked functions (EventBridge targets): how often Lambda retries a failed
   * invocation, how old an event may get, and where it goes when every attempt failed.
   */
  async?: { retryAttempts: number; maxEventAge: Duration; deadLetterQueue: IQueue };
}

/**
 * The bundle of one entry for one province, built by infra/lambda-bundle.ts (esbuild's JS API, which
 * plugins need) in a child process, because CDK's local bundling is synchronous. CDK skips it for
 * stacks outside `aws:cdk:bundling-stacks`, exactly as it did for NodejsFunction.
 */
export function lambdaCode(entry: string, province: string): Code {
  return Code.fromAsset(`${REPO_ROOT}functions/lambda`, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // never used: local bundling always succeeds or throws (no Docker on build machines)
      image: DockerImage.fromRegistry('green-channel/no-docker-bundling'),
      // part of CDK's bundling cache key, which must differ per entry and province
      command: ['bundle', entry, province],
      local: {
        tryBundle(outputDir: string) {
          execFileSync(
            process.execPath,
            ['--import', 'tsx', `${REPO_ROOT}infra/lambda-bundle.ts`, outputDir, entry, province],
            { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
          );
          return true;
        },
      },
    },
  });
}

/**
 * A Lambda built the same way for every entry point: Node 24 on arm64, bundled locally by esbuild
 * (no Docker on build machines; infra/lambda-bundle.ts), one explicit log group with retention
 * (avoids the LogRetention custom resource, which would add a CDK-managed Lambda on a runtime we
 * do not control), X-Ray tracing active. Source maps sit beside the bundle but are not loaded: set
 * `NODE_OPTIONS=--enable-source-maps` on the function to get source positions in stack traces.
 */
export class AppFunction extends Construct {
  readonly fn: LambdaFunction;
  /** the entry point it is built from (bench/bundles.ts rebuilds it exactly so) */
  readonly entry: string;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    this.entry = props.entry;
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.SIX_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.fn = new LambdaFunction(this, 'Function', {
      code: lambdaCode(props.entry, props.environment.PROVINCE ?? ''),
      handler: 'index.handler',
      description: props.description,
      runtime: NODE_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(29),
      logGroup,
      // X-Ray: the function's segment, and a subsegment per SDK call (functions/aws/observability.ts
      // loads the Tracer only when this is on)
      tracing: Tracing.ACTIVE,
      ...(props.async ?? {}),
      environment: props.environment,
    });
  }
}
