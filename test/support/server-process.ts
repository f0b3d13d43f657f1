import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The local runtime as a real process, started the way `npm start` starts it
 * (`tsx functions/local/main.ts`), for end-to-end tests over HTTP.
 */

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = join(REPO_ROOT, 'functions/local/main.ts');
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
/** Each province prints a block `=== 江苏省（JS）===` followed by its `API:` line. */
const PROVINCE_BLOCK = /===[^\n]*（([A-Z]{2})）===\s*\n\s*API:\s+(https?:\/\/\S+)/g;
/** main.ts prints this once every province it started is serving. */
const ALL_READY = '全部省份已就绪';

export interface DemoToken {
  token: string;
  role: string;
  name: string;
}

export interface ServerProcess {
  url: string;
  /** the province code the server was started for (JS unless `extraArgs` chose another) */
  province: string;
  /** every started province's API base URL, by code */
  urls: Record<string, string>;
  /** the demo sign-in tokens of another started province */
  tokensOf(code: string): Record<string, DemoToken>;
  tokens: Record<string, DemoToken>;
  pid: number;
  /** graceful stop (SIGTERM by default); resolves when the process has exited */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** crash: SIGKILL, resolves when the process has exited */
  kill(): Promise<void>;
  /** everything the process wrote to stdout and stderr so far */
  output(): string;
}

export interface StartServerOptions {
  /** the data folder (`--data`); tokens are read from `<dataDir>/<CODE>/tokens.json` */
  dataDir: string;
  /** the port of the first province; a free one is picked when omitted */
  port?: number;
  /** more arguments for main.ts, e.g. `['--provinces', 'JS']` */
  extraArgs?: string[];
  /** province whose tokens are read (default JS) */
  province?: string;
  /** extra environment variables for the server process */
  env?: Record<string, string>;
}

/** Every child still alive, so a crashed test (or worker) never leaves a server behind. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Kills every server this module started that is still running. */
export async function killAllServers(): Promise<void> {
  await Promise.all([...live].map((child) => terminate(child, 'SIGKILL')));
}

/** A port that was free a moment ago (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export async function startServer(options: StartServerOptions): Promise<ServerProcess> {
  // A port found free can be taken before the child binds it; pick another one in that case.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, options.port ?? (await freePort()));
    } catch (err) {
      const inUse = err instanceof Error && /EADDRINUSE/.test(err.message);
      if (!inUse || options.port !== undefined || attempt >= 3) throw err;
    }
  }
}

async function startOnce(options: StartServerOptions, port: number): Promise<ServerProcess> {
  const province = (options.province ?? 'JS').toUpperCase();
  const args = [
    '--import',
    'tsx',
    MAIN,
    '--data',
    options.dataDir,
    '--port',
    String(port),
    '--sweep-ms',
    '0',
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));

  let out = '';
  let stdout = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    out += chunk;
  });

  const urls: Record<string, string> = {};
  const url = await new Promise<string>((resolveUrl, reject) => {
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${why}\n--- server output ---\n${out}`));
    };
    const timer = setTimeout(
      () => fail(`the server did not print its API line within ${READY_TIMEOUT_MS / 1000} s`),
      READY_TIMEOUT_MS,
    );
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      stdout += chunk;
      if (!settled && stdout.includes(ALL_READY)) {
        for (const m of stdout.matchAll(PROVINCE_BLOCK)) urls[m[1]!] = m[2]!;
        const own = urls[province];
        if (!own) return fail(`province ${province} printed no API line`);
        settled = true;
        clearTimeout(timer);
        resolveUrl(own);
      }
    });
    child.once('error', (err) => fail(`could not spawn the server: ${err.message}`));
    child.once('exit', (code, signal) => fail(`the server exited before it was ready (${signal ?? code})`));
  });

  const tokenFile = join(options.dataDir, province, 'tokens.json');
  const tokens = JSON.parse(readFileSync(tokenFile, 'utf8')) as Record<string, DemoToken>;

  return {
    url,
    urls,
    province,
    tokens,
    tokensOf: (code: string) =>
      JSON.parse(readFileSync(join(options.dataDir, code, 'tokens.json'), 'utf8')) as Record<
        string,
        DemoToken
      >,
    pid: child.pid!,
    stop: (signal: NodeJS.Signals = 'SIGTERM') => terminate(child, signal),
    kill: () => terminate(child, 'SIGKILL'),
    output: () => out,
  };
}

/** Sends the signal and waits for the exit; escalates to SIGKILL if a graceful stop hangs. */
function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveExit) => {
    const escalate =
      signal === 'SIGKILL' ? undefined : setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      if (escalate) clearTimeout(escalate);
      resolveExit();
    });
    child.kill(signal);
  });
}
