/**
 * The local supervisor's policy for its province processes: restart a crashed province with a
 * back-off that resets once a run was stable, kill a province that never becomes ready or stops
 * answering its heartbeat (a blocked event loop answers nothing), and on stop give each a grace
 * period before killing it.
 */

/** What the supervisor needs of a child process (node's ChildProcess has it; tests pass fakes). */
export interface SupervisedChild {
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  send(message: unknown): boolean;
  kill(signal?: NodeJS.Signals): boolean;
}

export interface SupervisorTiming {
  /** delay before the first restart after a stable run */
  restartDelayMs: number;
  /** the back-off doubles per crash in a row, up to this */
  maxRestartDelayMs: number;
  /** a run this long counts as stable: the next crash starts the back-off again */
  stableAfterMs: number;
  /** a province not ready by then is killed (first starts seed demo data, so this is generous) */
  readyTimeoutMs: number;
  /** how often a ready province is asked for a heartbeat */
  heartbeatEveryMs: number;
  /** a ready province that has not answered for this long is hung and killed */
  hungAfterMs: number;
  /** on stop, how long a province may take to drain before it is killed */
  stopGraceMs: number;
}

export const DEFAULT_TIMING: SupervisorTiming = {
  restartDelayMs: 1_000,
  maxRestartDelayMs: 32_000,
  stableAfterMs: 60_000,
  readyTimeoutMs: 180_000,
  heartbeatEveryMs: 5_000,
  hungAfterMs: 30_000,
  stopGraceMs: 15_000,
};

/** The delay before restarting after `crashesInARow` crashes (1 for the first). */
export function restartDelay(crashesInARow: number, t: SupervisorTiming): number {
  return Math.min(t.maxRestartDelayMs, t.restartDelayMs * 2 ** Math.max(0, crashesInARow - 1));
}

/** Crashes in a row after a run of `ranForMs` ended: a stable run starts the count again. */
export function crashesAfter(previous: number, ranForMs: number, t: SupervisorTiming): number {
  return ranForMs >= t.stableAfterMs ? 1 : previous + 1;
}

interface ReadyMessage {
  ready?: string;
  url?: string;
  pong?: number;
}

export interface SupervisorOptions {
  spawn: (code: string, index: number) => SupervisedChild;
  log: (line: string) => void;
  now?: () => number;
  timing?: Partial<SupervisorTiming>;
  /** called with each province's console URL once it is ready */
  onReady?: (code: string, url: string | undefined) => void;
}

interface Running {
  child: SupervisedChild;
  timers: NodeJS.Timeout[];
  exited: Promise<void>;
}

export class Supervisor {
  private readonly timing: SupervisorTiming;
  private readonly now: () => number;
  private readonly running = new Map<string, Running>();
  private stopping = false;

  constructor(private readonly options: SupervisorOptions) {
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.now = options.now ?? Date.now;
  }

  /** Starts a province; resolves when it is first ready (or when its first run ended). */
  start(code: string, index: number): Promise<void> {
    return new Promise((firstReady) => this.run(code, index, 0, firstReady));
  }

  private run(code: string, index: number, crashes: number, firstReady: () => void) {
    const t = this.timing;
    const child = this.options.spawn(code, index);
    const startedAt = this.now();
    let lastPong = startedAt;
    let seq = 0;
    const timers: NodeJS.Timeout[] = [];
    const kill = (why: string) => {
      this.options.log(`[${code}] ${why}，强制结束进程`);
      child.kill('SIGKILL');
    };
    timers.push(setTimeout(() => kill(`${t.readyTimeoutMs / 1000} 秒内未就绪`), t.readyTimeoutMs));
    let exitedResolve: () => void = () => {};
    const exited = new Promise<void>((resolve) => {
      exitedResolve = resolve;
    });
    this.running.set(code, { child, timers, exited });

    child.on('message', (raw) => {
      const m = (raw ?? {}) as ReadyMessage;
      if (m.pong !== undefined) lastPong = this.now();
      if (!m.ready) return;
      clearTimeout(timers[0]);
      lastPong = this.now();
      this.options.onReady?.(code, m.url);
      firstReady();
      timers.push(
        setInterval(() => {
          if (this.now() - lastPong > t.hungAfterMs) {
            kill(`${t.hungAfterMs / 1000} 秒无心跳应答（进程无响应）`);
            return;
          }
          child.send({ ping: ++seq });
        }, t.heartbeatEveryMs),
      );
    });
    child.on('exit', (exitCode, signal) => {
      for (const timer of timers) clearTimeout(timer);
      this.running.delete(code);
      exitedResolve();
      firstReady();
      if (this.stopping) return;
      const inARow = crashesAfter(crashes, this.now() - startedAt, t);
      const delay = restartDelay(inARow, t);
      this.options.log(
        `[${code}] 进程退出（${signal ?? exitCode}），${delay / 1000} 秒后重启；其他省份不受影响`,
      );
      setTimeout(() => {
        if (!this.stopping) this.run(code, index, inARow, () => {});
      }, delay);
    });
  }

  /** Asks every province to stop, kills those still running after the grace period. */
  async stop(): Promise<void> {
    this.stopping = true;
    const all = [...this.running.values()];
    for (const r of all) r.child.kill('SIGTERM');
    const grace = setTimeout(() => {
      for (const r of this.running.values()) r.child.kill('SIGKILL');
    }, this.timing.stopGraceMs);
    await Promise.all(all.map((r) => r.exited));
    clearTimeout(grace);
  }
}
