import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
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
 * A Lambda built the same way for every entry point: Node 24 on arm64, bundled locally by esbuild
 * (no Docker on build machines), one explicit log group with retention (avoids the LogRetention
 * custom resource, which would add a CDK-managed Lambda on a runtime we do not control).
 */
export class AppFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.SIX_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.fn = new NodejsFunction(this, 'Function', {
      entry: `${REPO_ROOT}${props.entry}`,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      description: props.description,
      runtime: NODE_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(29),
      logGroup,
      ...(props.async ?? {}),
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        forceDockerBundling: false,
        // ESM matches the source (import.meta, top-level ESM-only deps); the banner gives bundled
        // CommonJS dependencies a `require` for Node built-ins, which ESM output lacks.
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner:
          "import { createRequire as __gcCreateRequire } from 'node:module';const require = __gcCreateRequire(import.meta.url);",
        target: 'node24',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The SDK is bundled so the versions pinned in the lock file are the ones that run.
        bundleAwsSDK: true,
        // The embedded SQLite store is for the local runtime only; a native module cannot run here.
        externalModules: ['better-sqlite3'],
      },
    });
  }
}
