import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/constructs/lambda.js';

// The Lambda entry points must reach only the AWS adapters: the embedded store is a native module
// the bundle excludes, and the local runtime's pieces have no business in the cloud.
const ENTRIES = [
  'functions/lambda/api.ts',
  'functions/lambda/workflow-task.ts',
  'functions/lambda/sweeper.ts',
  'functions/lambda/outbox-relay.ts',
  'functions/lambda/partner-events.ts',
];
const FORBIDDEN = [
  /(^|\/)better-sqlite3(\/|$)/,
  /shared\/adapters\/sqlite\//,
  /shared\/adapters\/local-/,
  /functions\/local\//,
  /aws-local-stepfunctions/,
  /@hono\/node-server/,
];

describe('Lambda bundles', () => {
  it.each(ENTRIES)('%s imports nothing of the local runtime', async (entry) => {
    const result = await build({
      entryPoints: [`${REPO_ROOT}${entry}`],
      absWorkingDir: REPO_ROOT,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      write: false,
      metafile: true,
      logLevel: 'silent',
      // Kept external exactly as in the stack, so an import of it shows up here as an import.
      external: ['better-sqlite3'],
    });
    const meta: Metafile = result.metafile;
    const reached = [
      ...Object.keys(meta.inputs),
      ...Object.values(meta.inputs).flatMap((input) => input.imports.map((i) => i.path)),
    ];
    for (const pattern of FORBIDDEN) {
      expect(
        reached.filter((path) => pattern.test(path)),
        `${entry} reaches ${pattern}`,
      ).toEqual([]);
    }
    // and it does reach the AWS adapters it is meant to use
    expect(reached.some((p) => p.includes('shared/adapters/dynamodb/'))).toBe(true);
  });
});
