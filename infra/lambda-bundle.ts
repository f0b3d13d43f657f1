/**
 * The one build of a Lambda bundle, used by the stack (infra/constructs/lambda.ts), the bundle tests
 * and `npm run bench -- bundles`. esbuild's JS API (plugins need it, the CLI that NodejsFunction
 * drives has none):
 *
 * - ESM, minified, for Node 24, with a `require` banner for bundled CommonJS dependencies;
 * - code splitting: every AWS client but DynamoDB is behind a dynamic import (functions/aws/lazy.ts),
 *   so it sits in its own chunk that a function loads only when it first calls it;
 * - zod's locale index (all ~60 locales, reachable through `z.locales`) replaced by the locales this
 *   code uses (ZOD_LOCALES);
 * - china-area-data's division list cut to the province's part (plus the province names) when the
 *   bundle is built for one province;
 * - source maps external (`.map` beside each file, linked, no sources content): Node reads them only
 *   with `NODE_OPTIONS=--enable-source-maps`.
 *
 * Run as a script (`tsx infra/lambda-bundle.ts <outDir> <entry> [province]`) so CDK's synchronous
 * bundling can call it in a child process.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildResult, build, type Metafile, type Plugin } from 'esbuild';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The zod locales the code uses: `en` (zod's default) and `zhCN` (province-config.ts). */
export const ZOD_LOCALES = { en: 'en.js', zhCN: 'zh-CN.js' } as const;

export const BANNER =
  "import { createRequire as __gcCreateRequire } from 'node:module';const require = __gcCreateRequire(import.meta.url);";

/** The file the Lambda runtime loads: `index.handler`. */
export const BUNDLE_FILE = 'index.mjs';

/** zod/v4/{classic,core} `export * as locales from "../locales/index.js"` → only ZOD_LOCALES. */
export const zodLocalesPlugin: Plugin = {
  name: 'zod-locales',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer)) return undefined;
      return { path: join(dirname(args.importer), '../locales/index.js'), namespace: 'zod-locales' };
    });
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: Object.entries(ZOD_LOCALES)
        .map(
          ([name, file]) =>
            `export { default as ${name} } from ${JSON.stringify(join(dirname(args.path), file))};`,
        )
        .join('\n'),
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * china-area-data/v5/data.json is keyed by parent code ('86' → provinces, '320000' → its
 * prefectures, '320100' → its counties). Kept: '86' and the keys of the province's two-digit prefix.
 */
export function areaDataPlugin(regionPrefix: string): Plugin {
  return {
    name: 'area-data',
    setup(b) {
      b.onLoad({ filter: /china-area-data[\\/]v5[\\/]data\.json$/ }, async (args) => {
        const { readFile } = await import('node:fs/promises');
        const all = JSON.parse(await readFile(args.path, 'utf8')) as Record<string, unknown>;
        const kept = Object.fromEntries(
          Object.entries(all).filter(([key]) => key === '86' || key.startsWith(regionPrefix)),
        );
        return { contents: JSON.stringify(kept), loader: 'json' };
      });
    },
  };
}

/**
 * chinese-days/dist/chinese-days.json maps each holiday, working weekend and in-lieu day to its
 * names; the working calendar (shared/domain/calendar.ts) reads only which dates are holidays and
 * which are workdays. Kept: those two key sets, every year, each date's value emptied.
 */
export const chineseDaysPlugin: Plugin = {
  name: 'chinese-days',
  setup(b) {
    b.onLoad({ filter: /chinese-days[\\/]dist[\\/]chinese-days\.json$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const all = JSON.parse(await readFile(args.path, 'utf8')) as Record<string, Record<string, unknown>>;
      const datesOf = (key: string) => Object.fromEntries(Object.keys(all[key] ?? {}).map((d) => [d, '']));
      return {
        contents: JSON.stringify({ holidays: datesOf('holidays'), workdays: datesOf('workdays') }),
        loader: 'json',
      };
    });
  },
};

/**
 * shared/config/provinces/index.ts lists every province's default catalogue; a function deployed
 * for one province reads only its own (loadProvince(PROVINCE)). Kept: that province's entry and
 * import. The build fails if the module no longer has the shape this rewrites.
 */
export function provincesPlugin(province: string): Plugin {
  const code = province.toUpperCase();
  return {
    name: 'provinces',
    setup(b) {
      b.onLoad({ filter: /shared[\\/]config[\\/]provinces[\\/]index\.ts$/ }, async (args) => {
        const { readFile } = await import('node:fs/promises');
        const source = await readFile(args.path, 'utf8');
        const entries = [...source.matchAll(/^ {2}([A-Z]{2}): (\w+),$/gm)].map((m) => ({
          code: m[1]!,
          name: m[2]!,
        }));
        const own = entries.find((e) => e.code === code);
        const imports = [...source.matchAll(/^import \{ (\w+) \} from '\.\/[\w-]+\.js';$/gm)];
        if (!own || imports.length !== entries.length)
          throw new Error(
            `provinces plugin: cannot cut ${args.path} to ${code}; update infra/lambda-bundle.ts`,
          );
        const dropped = new Set(entries.filter((e) => e !== own).map((e) => e.name));
        const contents = source
          .split('\n')
          .filter((line) => {
            const entry =
              /^ {2}[A-Z]{2}: (\w+),$/.exec(line) ?? /^import \{ (\w+) \} from '\.\/[\w-]+\.js';$/.exec(line);
            return !(entry && dropped.has(entry[1]!));
          })
          .join('\n');
        return { contents, loader: 'ts' };
      });
    },
  };
}

export interface BundleOptions {
  /** entry relative to the repository root, e.g. `functions/lambda/api.ts` */
  entry: string;
  outDir: string;
  /** the province the bundle is for: keeps only its part of the division list */
  province?: string;
  write?: boolean;
}

async function regionPrefixOf(province: string): Promise<string> {
  const { defaultProvinces } = await import('../shared/config/provinces/index.js');
  const config = defaultProvinces[province.toUpperCase()];
  if (!config) throw new Error(`no default catalogue for province ${province}`);
  return config.regionPrefix;
}

export async function bundleLambda(options: BundleOptions): Promise<BuildResult & { metafile: Metafile }> {
  const plugins = [zodLocalesPlugin, chineseDaysPlugin];
  if (options.province)
    plugins.push(areaDataPlugin(await regionPrefixOf(options.province)), provincesPlugin(options.province));
  if (options.write !== false) mkdirSync(options.outDir, { recursive: true });
  return build({
    entryPoints: { index: join(REPO_ROOT, options.entry) },
    absWorkingDir: REPO_ROOT,
    outdir: options.outDir,
    outExtension: { '.js': '.mjs' },
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    banner: { js: BANNER },
    // The embedded SQLite store is for the local runtime only; a native module cannot run here.
    external: ['better-sqlite3'],
    plugins,
    metafile: true,
    write: options.write ?? true,
    logLevel: 'warning',
  });
}

/** Bytes of the output files a cold start loads: the entry and the chunks it imports statically. */
export function coldOutputs(meta: Metafile): string[] {
  const entry = Object.keys(meta.outputs).find((o) => o.endsWith(`/${BUNDLE_FILE}`) || o === BUNDLE_FILE);
  if (!entry) throw new Error('no entry output in the metafile');
  const seen = new Set<string>();
  const visit = (out: string) => {
    if (seen.has(out)) return;
    seen.add(out);
    for (const i of meta.outputs[out]?.imports ?? [])
      if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entry);
  return [...seen];
}

/** The source inputs that end up in the given output files. */
export function inputsOf(meta: Metafile, outputs: readonly string[]): string[] {
  return outputs.flatMap((o) => Object.keys(meta.outputs[o]?.inputs ?? {}));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [outDir, entry, province] = process.argv.slice(2);
  if (!outDir || !entry) {
    console.error('usage: tsx infra/lambda-bundle.ts <outDir> <entry> [province]');
    process.exit(2);
  }
  await bundleLambda({ outDir, entry, ...(province ? { province } : {}) });
}
