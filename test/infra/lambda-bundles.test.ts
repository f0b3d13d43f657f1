import { readFileSync } from 'node:fs';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { lazyPort } from '../../functions/aws/lazy.js';
import { REPO_ROOT } from '../../infra/constructs/lambda.js';
import {
  bundleLambda,
  chineseDaysPlugin,
  coldOutputs,
  inputsOf,
  ZOD_LOCALES,
  zodLocalesPlugin,
} from '../../infra/lambda-bundle.js';
import { WorkingCalendar } from '../../shared/domain/calendar.js';

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
const clientsIn = (paths: readonly string[]) =>
  [...new Set(paths.map((p) => /@aws-sdk\/(client-[a-z0-9-]+)\//.exec(p)?.[1]).filter(Boolean))].sort();

// Built exactly as the stack builds them (infra/lambda-bundle.ts), for 江苏, without writing.
const metas = new Map<string, Metafile>();
beforeAll(async () => {
  for (const entry of ENTRIES) {
    const result = await bundleLambda({
      entry,
      outDir: `${REPO_ROOT}cdk.out/.bundle-test`,
      province: 'JS',
      write: false,
    });
    metas.set(entry, result.metafile);
  }
}, 120_000);

describe('Lambda bundles', () => {
  it.each(ENTRIES)('%s imports nothing of the local runtime', (entry) => {
    const meta = metas.get(entry)!;
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

  it.each(ENTRIES)('%s loads only the DynamoDB client at cold start; the others on first use', (entry) => {
    const meta = metas.get(entry)!;
    const cold = coldOutputs(meta);
    expect(clientsIn(inputsOf(meta, cold)), entry).toEqual(['client-dynamodb']);
    // S3, KMS, Step Functions and EventBridge are in chunks only a dynamic import reaches
    const lazy = Object.keys(meta.outputs).filter((o) => !o.endsWith('.map') && !cold.includes(o));
    expect(clientsIn(inputsOf(meta, lazy)), entry).toEqual(
      expect.arrayContaining(['client-eventbridge', 'client-kms', 'client-s3', 'client-sfn']),
    );
  });

  it.each(ENTRIES)(
    '%s carries only the zod locales the code uses and only its province’s divisions',
    (entry) => {
      const inputs = Object.keys(metas.get(entry)!.inputs);
      const locales = inputs
        .filter((p) => /^node_modules\/zod\/v4\/locales\/[^/]+\.js$/.test(p))
        .map((p) => p.split('/').pop());
      expect(locales.sort()).toEqual(Object.values(ZOD_LOCALES).sort());
    },
  );

  // The functions behind the bus, the schedule, the stream and the state machine call a few services
  // each: the HTTP app, its OpenAPI layer, token verification and the console's services stay out.
  const NOT_BEHIND_THE_API = [
    /^functions\/http\//,
    /node_modules\/hono\//,
    /node_modules\/@hono\//,
    /node_modules\/@asteasolutions\//,
    /node_modules\/jose\//,
    /shared\/services\/(dashboard|approval-map|public-disclosure|agency|commitment-letters|coordination|complaints|token-revocations|special-procedures|joint-reviews|exit-review|extension-delivery|pledge-approval)\.ts$/,
  ];
  it.each(ENTRIES.filter((e) => !e.endsWith('/api.ts')))(
    '%s bundles neither the HTTP app nor the services it never calls',
    (entry) => {
      // what ends up in some output file (the metafile's inputs also list modules tree-shaken away)
      const meta = metas.get(entry)!;
      const inputs = Object.values(meta.outputs).flatMap((o) =>
        Object.entries(o.inputs)
          .filter(([, i]) => i.bytesInOutput > 0)
          .map(([path]) => path),
      );
      for (const pattern of NOT_BEHIND_THE_API)
        expect(
          inputs.filter((p) => pattern.test(p)),
          `${entry} bundles ${pattern}`,
        ).toEqual([]);
    },
  );

  it.each(ENTRIES)('%s carries only the default catalogue of the province it is built for', (entry) => {
    const catalogues = Object.keys(metas.get(entry)!.inputs)
      .filter((p) => p.startsWith('shared/config/provinces/'))
      .map((p) => p.replace('shared/config/provinces/', ''))
      .sort();
    expect(catalogues).toEqual(['index.ts', 'jiangsu.ts', 'national-catalogue.ts', 'yangtze-delta.ts']);
  });

  it('the working calendar bundled with only the dates of chinese-days answers every day as the source does', async () => {
    const result = await build({
      stdin: {
        contents: `import { WorkingCalendar } from './shared/domain/calendar.ts';
          const cal = WorkingCalendar.fromChineseDays();
          export const years = cal.coveredYears();
          export const working = (dates) => dates.map((d) => cal.isWorkingDay(d));`,
        resolveDir: REPO_ROOT,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      plugins: [zodLocalesPlugin, chineseDaysPlugin],
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    expect(code).not.toContain('春节'); // the holidays' names are left out
    const mod = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as {
      years: number[];
      working: (dates: string[]) => boolean[];
    };
    const source = WorkingCalendar.fromChineseDays();
    expect(mod.years).toEqual(source.coveredYears());
    const days: string[] = [];
    for (const year of source.coveredYears())
      for (let d = Date.UTC(year, 0, 1); d < Date.UTC(year + 1, 0, 1); d += 86_400_000)
        days.push(new Date(d).toISOString().slice(0, 10));
    expect(mod.working(days)).toEqual(days.map((d) => source.isWorkingDay(d as never)));
  });

  it('keeps every zod locale the source names (z.locales.xx)', () => {
    const used = new Set<string>();
    for (const file of ['shared/config/province-config.ts']) {
      for (const m of readFileSync(`${REPO_ROOT}${file}`, 'utf8').matchAll(/\blocales\.(\w+)/g))
        used.add(m[1]!);
    }
    for (const name of used) expect(Object.keys(ZOD_LOCALES)).toContain(name);
  });

  it('zod messages still work with the trimmed locale index (English by default, Chinese on request)', async () => {
    const result = await build({
      stdin: {
        contents: `import { z } from 'zod';
          const s = z.object({ n: z.number() });
          export const en = s.safeParse({ n: 'x' }).error.issues[0].message;
          export const zh = s.safeParse({ n: 'x' }, { error: z.locales.zhCN().localeError }).error.issues[0].message;
          export const names = Object.keys(z.locales).sort();`,
        resolveDir: REPO_ROOT,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      plugins: [zodLocalesPlugin],
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    const mod = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as {
      en: string;
      zh: string;
      names: string[];
    };
    expect(mod.en).toMatch(/expected number, received string/i);
    expect(mod.zh).toMatch(/无效输入/);
    expect(mod.names).toEqual(Object.keys(ZOD_LOCALES).sort());
  });
});

describe('lazyPort', () => {
  it('loads once, on the first call, and answers known properties without loading', async () => {
    let loads = 0;
    const port = lazyPort<{ keyId: string; sign(b: string): Promise<string> }>(
      async () => {
        loads += 1;
        return { keyId: 'k', sign: async (b: string) => `signed:${b}` };
      },
      { keyId: 'k' },
    );
    expect(port.keyId).toBe('k');
    expect(loads).toBe(0);
    expect(await Promise.all([port.sign('a'), port.sign('b')])).toEqual(['signed:a', 'signed:b']);
    expect(loads).toBe(1);
  });

  it('retries a failed load on the next call', async () => {
    let attempt = 0;
    const port = lazyPort<{ get(): Promise<number> }>(async () => {
      attempt += 1;
      if (attempt === 1) throw new Error('throttled');
      return { get: async () => 42 };
    });
    await expect(port.get()).rejects.toThrow('throttled');
    expect(await port.get()).toBe(42);
  });
});
