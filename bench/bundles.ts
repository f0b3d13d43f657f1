/**
 * `npm run bench -- bundles`: each Lambda bundle built exactly as the stack builds it
 * (infra/lambda-bundle.ts, for 江苏), its size, and the cold import time of each in a fresh `node`
 * process with the environment the synthesized template gives the function (every token replaced
 * by a dummy value, so nothing connects). Interleaved with a baseline: a fresh process importing an
 * empty module, i.e. the cost of starting node itself.
 *
 * BENCH_BUNDLE_RUNS (default 9) processes per bundle. BENCH_BUNDLES_BEFORE=<dir> also measures
 * `<dir>/<function>.mjs` files built otherwise (e.g. the previous single-file bundles), with
 * `--enable-source-maps` as they ran before. BENCH_BUNDLES_REF=<git ref> also builds every bundle
 * from that commit's tree (its own infra/lambda-bundle.ts, this checkout's node_modules) and
 * measures it beside, interleaved: before and after in one run, on the same machine load.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { buildApp, loadDeployments } from '../infra/build.js';
import { AppFunction, REPO_ROOT } from '../infra/constructs/lambda.js';
import { bundleLambda, coldOutputs } from '../infra/lambda-bundle.js';
import { envInt, ms, num, table } from './lib.js';

export interface BundleFigures {
  name: string;
  coldKb: number;
  lazyKb: number;
  mapKb: number;
  importMs: number;
  processMs: number;
}

export interface BundlesResult {
  runs: number;
  baseline: { importMs: number; processMs: number };
  bundles: BundleFigures[];
  before: BundleFigures[];
}

const PROVINCE = 'JS';

/** Each function's entry and environment, from the JS stack synthesized without bundling. */
function functionsOfTemplate(): { name: string; entry: string; env: Record<string, string> }[] {
  const deployment = loadDeployments().find((d) => d.province === PROVINCE)!;
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const [stack] = buildApp(app, [deployment]);
  const template = Template.fromStack(stack!);
  const resources = template.findResources('AWS::Lambda::Function');
  const fns = stack!.node.findAll().filter((c): c is AppFunction => c instanceof AppFunction);
  return fns.map((f) => {
    const id = Stack.of(f).getLogicalId(f.fn.node.defaultChild as CfnFunction);
    const vars = (resources[id]?.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
    const env = Object.fromEntries(
      Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : `dummy-${k.toLowerCase()}`]),
    );
    return { name: f.entry.replace(/^.*\//, '').replace(/\.ts$/, ''), entry: f.entry, env };
  });
}

const LAMBDA_LIKE = {
  AWS_REGION: 'cn-north-1',
  AWS_ACCESS_KEY_ID: 'dummy',
  AWS_SECRET_ACCESS_KEY: 'dummy',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
};

/** One fresh process: its wall time, and the import's own time measured inside it. */
function coldImport(file: string, env: Record<string, string>, nodeArgs: string[] = []) {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});process.stdout.write(String(performance.now()-t));process.exit(0);`;
  const started = performance.now();
  const out = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...LAMBDA_LIKE, ...env },
    encoding: 'utf8',
  });
  const processMs = performance.now() - started;
  if (out.status !== 0) throw new Error(`importing ${file} failed:\n${out.stderr}`);
  return { importMs: Number(out.stdout), processMs };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Builds the given entries from the tree of a git ref into `<dir>/<name>/`, with that tree's own
 * bundler; returns each bundle's sizes as the current build reports them (entries the ref lacks
 * are left out).
 */
function bundlesAtRef(
  ref: string,
  dir: string,
  fns: { name: string; entry: string }[],
): Map<string, { coldKb: number; lazyKb: number; mapKb: number }> {
  if (!/^[\w./^~-]+$/.test(ref)) throw new Error(`BENCH_BUNDLES_REF: not a git ref: ${ref}`);
  const tree = join(dir, 'ref-tree');
  mkdirSync(tree);
  const archive = execFileSync('git', ['archive', '--format=tar', ref], {
    cwd: REPO_ROOT,
    maxBuffer: 1 << 30,
  });
  execFileSync('tar', ['-x', '-C', tree], { input: archive });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(tree, 'node_modules'));
  const script = join(tree, 'bench-build-at-ref.mts');
  writeFileSync(
    script,
    `import { bundleLambda, coldOutputs } from './infra/lambda-bundle.ts';
const [outRoot, ...pairs] = process.argv.slice(2);
const sizes = {};
for (const pair of pairs) {
  const [name, entry] = pair.split('=');
  const { metafile } = await bundleLambda({ entry, outDir: outRoot + '/' + name, province: '${PROVINCE}' });
  const cold = coldOutputs(metafile);
  const kb = (files) => files.reduce((n, o) => n + metafile.outputs[o].bytes, 0) / 1024;
  const all = Object.keys(metafile.outputs);
  const js = all.filter((o) => !o.endsWith('.map'));
  sizes[name] = { coldKb: kb(cold), lazyKb: kb(js.filter((o) => !cold.includes(o))), mapKb: kb(all.filter((o) => o.endsWith('.map'))) };
}
process.stdout.write(JSON.stringify(sizes));
`,
  );
  const present = fns.filter((f) => existsSync(join(tree, f.entry)));
  const out = spawnSync(
    process.execPath,
    ['--import', 'tsx', script, join(dir, 'ref'), ...present.map((f) => `${f.name}=${f.entry}`)],
    { cwd: tree, encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (out.status !== 0) throw new Error(`building the bundles of ${ref} failed:\n${out.stderr}`);
  return new Map(
    Object.entries(
      JSON.parse(out.stdout) as Record<string, { coldKb: number; lazyKb: number; mapKb: number }>,
    ),
  );
}

export async function bundlesBench(): Promise<BundlesResult> {
  const runs = envInt('BENCH_BUNDLE_RUNS', 9);
  const dir = mkdtempSync(join(tmpdir(), 'gc-bundles-'));
  try {
    const fns = functionsOfTemplate();
    const targets: {
      name: string;
      file: string;
      env: Record<string, string>;
      args: string[];
      sizes: { coldKb: number; lazyKb: number; mapKb: number };
      before: boolean;
    }[] = [];
    const ref = process.env.BENCH_BUNDLES_REF;
    const atRef = ref ? bundlesAtRef(ref, dir, fns) : new Map<string, never>();
    for (const f of fns) {
      const outDir = join(dir, f.name);
      const { metafile } = await bundleLambda({ entry: f.entry, outDir, province: PROVINCE });
      const cold = coldOutputs(metafile);
      const kb = (files: string[]) => files.reduce((n, o) => n + metafile.outputs[o]!.bytes, 0) / 1024;
      const js = Object.keys(metafile.outputs).filter((o) => !o.endsWith('.map'));
      const sizes = {
        coldKb: kb(cold),
        lazyKb: kb(js.filter((o) => !cold.includes(o))),
        mapKb: kb(Object.keys(metafile.outputs).filter((o) => o.endsWith('.map'))),
      };
      targets.push({
        name: f.name,
        file: join(outDir, 'index.mjs'),
        env: f.env,
        args: [],
        sizes,
        before: false,
      });
      const refSizes = atRef.get(f.name);
      if (ref && refSizes) {
        targets.push({
          name: `${f.name} (${ref})`,
          file: join(dir, 'ref', f.name, 'index.mjs'),
          env: f.env,
          args: [],
          sizes: refSizes,
          before: true,
        });
      }
      const beforeDir = process.env.BENCH_BUNDLES_BEFORE;
      const beforeFile = beforeDir ? join(beforeDir, `${f.name}.mjs`) : '';
      if (beforeFile && existsSync(beforeFile)) {
        const size = statSync(beforeFile).size / 1024;
        const map = existsSync(`${beforeFile}.map`) ? statSync(`${beforeFile}.map`).size / 1024 : 0;
        targets.push({
          name: `${f.name} (before)`,
          file: beforeFile,
          env: f.env,
          args: ['--enable-source-maps'],
          sizes: { coldKb: size, lazyKb: 0, mapKb: map },
          before: true,
        });
      }
    }
    const empty = join(dir, 'empty.mjs');
    writeFileSync(empty, 'export {};\n');

    const samples = new Map<string, { importMs: number[]; processMs: number[] }>();
    const record = (name: string, s: { importMs: number; processMs: number }) => {
      const entry = samples.get(name) ?? { importMs: [], processMs: [] };
      entry.importMs.push(s.importMs);
      entry.processMs.push(s.processMs);
      samples.set(name, entry);
    };
    coldImport(empty, {}); // warm the file system cache once, unmeasured
    for (const t of targets) coldImport(t.file, t.env, t.args);
    for (let run = 0; run < runs; run += 1) {
      record('baseline', coldImport(empty, {}));
      for (const t of targets) record(t.name, coldImport(t.file, t.env, t.args));
    }
    const med = (name: string) => ({
      importMs: median(samples.get(name)!.importMs),
      processMs: median(samples.get(name)!.processMs),
    });
    const figures = targets.map((t) => ({ name: t.name, ...t.sizes, ...med(t.name), before: t.before }));
    const result: BundlesResult = {
      runs,
      baseline: med('baseline'),
      bundles: figures.filter((f) => !f.before),
      before: figures.filter((f) => f.before),
    };
    console.log(
      `\n── Lambda bundles (${PROVINCE}, ${runs} fresh processes each, interleaved, medians) ${'─'.repeat(20)}`,
    );
    table(
      ['bundle', 'loaded at cold start', 'on demand', 'maps', 'cold import', 'whole process'],
      [
        ...figures.map((f) => [
          f.name,
          `${num(f.coldKb, 0)} KB`,
          `${num(f.lazyKb, 0)} KB`,
          `${num(f.mapKb, 0)} KB`,
          ms(f.importMs),
          ms(f.processMs),
        ]),
        ['baseline: empty module', '', '', '', ms(result.baseline.importMs), ms(result.baseline.processMs)],
      ],
    );
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
