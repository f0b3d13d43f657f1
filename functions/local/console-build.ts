import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds the console (web/) once, and again only when its sources change: `npm start` and the test
 * run call this, so a fresh clone serves a console without a separate build step.
 */

const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const WEB_ROOT = join(REPO_ROOT, 'web');
export const CONSOLE_DIST = join(WEB_ROOT, 'dist');
const HASH_FILE = '.source-hash';
const LOCK_DIR = join(WEB_ROOT, '.build-lock');
const SOURCES = ['index.html', 'vite.config.ts', 'tsconfig.json', 'src', 'public'];

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

/** What the built console depends on: its sources and the locked package versions. */
export function consoleSourceHash(): string {
  const hash = createHash('sha256');
  const files = [
    ...SOURCES.flatMap((s) => filesUnder(join(WEB_ROOT, s))),
    join(REPO_ROOT, 'package-lock.json'),
  ];
  for (const file of files) {
    hash.update(relative(REPO_ROOT, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export function consoleIsCurrent(hash = consoleSourceHash()): boolean {
  try {
    return readFileSync(join(CONSOLE_DIST, HASH_FILE), 'utf8') === hash;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Several processes may start at once (tests): one builds, the others wait for its result. */
async function withLock<T>(run: () => Promise<T>): Promise<T> {
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(LOCK_DIR);
      break;
    } catch {
      // a lock left by a build that died more than 5 minutes ago is stale
      const lock = statSync(LOCK_DIR, { throwIfNoEntry: false });
      if (waited > 300_000 || (lock && Date.now() - lock.mtimeMs > 300_000)) {
        rmSync(LOCK_DIR, { recursive: true, force: true });
      }
      await sleep(200);
    }
  }
  try {
    return await run();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

/** Returns true when it built, false when the build on disk was already current. */
export async function ensureConsoleBuilt(log: (line: string) => void = console.log): Promise<boolean> {
  if (consoleIsCurrent()) return false;
  return withLock(async () => {
    const hash = consoleSourceHash();
    if (consoleIsCurrent(hash)) return false;
    log('正在构建控制台（web/，首次启动或源码变更后需要几秒钟）…');
    const started = Date.now();
    // Built beside the served folder and swapped in, so a running server never sees half a build.
    const staging = join(WEB_ROOT, `.dist-${process.pid}`);
    const { build } = await import('vite');
    await build({
      configFile: join(WEB_ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: staging, emptyOutDir: true },
    });
    writeFileSync(join(staging, HASH_FILE), hash);
    rmSync(CONSOLE_DIST, { recursive: true, force: true });
    renameSync(staging, CONSOLE_DIST);
    log(`控制台已构建（${((Date.now() - started) / 1000).toFixed(1)} 秒）`);
    return true;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await ensureConsoleBuilt();
}
