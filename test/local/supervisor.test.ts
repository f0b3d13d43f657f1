import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  crashesAfter,
  DEFAULT_TIMING,
  restartDelay,
  type SupervisedChild,
  Supervisor,
} from '../../functions/local/supervisor.js';

/** A province process as the supervisor sees it: messages in, signals out. */
class FakeChild extends EventEmitter implements SupervisedChild {
  readonly signals: string[] = [];
  readonly sent: unknown[] = [];
  /** a hung child receives pings and never answers */
  hung = false;
  alive = true;
  send(message: unknown): boolean {
    this.sent.push(message);
    const ping = (message as { ping?: number }).ping;
    if (ping !== undefined && !this.hung) queueMicrotask(() => this.emit('message', { pong: ping }));
    return true;
  }
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.signals.push(signal);
    // a hung child ignores SIGTERM; SIGKILL always ends it
    if (signal === 'SIGKILL' || !this.hung) this.exit(null, signal);
    return true;
  }
  ready() {
    this.emit('message', { ready: 'JS', url: 'http://127.0.0.1:8701' });
  }
  exit(code: number | null, signal: NodeJS.Signals | null = null) {
    if (!this.alive) return;
    this.alive = false;
    this.emit('exit', code, signal);
  }
}

let children: FakeChild[];
let log: string[];
let supervisor: Supervisor;

beforeEach(() => {
  vi.useFakeTimers();
  children = [];
  log = [];
  supervisor = new Supervisor({
    spawn: () => {
      const child = new FakeChild();
      children.push(child);
      return child;
    },
    log: (line) => log.push(line),
    now: () => Date.now(),
  });
});
afterEach(() => vi.useRealTimers());

const t = DEFAULT_TIMING;

describe('the local supervisor', () => {
  it('backs off on crashes in a row and starts again from one second after a stable run', async () => {
    const started = supervisor.start('JS', 0);
    children[0]!.ready();
    await started;
    const delays: number[] = [];
    // five quick crashes: 1, 2, 4, 8, 16 s
    for (let i = 0; i < 5; i++) {
      const before = children.length;
      children.at(-1)!.exit(1);
      const at = Date.now();
      while (children.length === before) await vi.advanceTimersByTimeAsync(100);
      delays.push(Date.now() - at);
      children.at(-1)!.ready();
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    // the last run stays up past the stable period: its crash restarts after one second again
    await vi.advanceTimersByTimeAsync(t.stableAfterMs);
    const before = children.length;
    children.at(-1)!.exit(1);
    const at = Date.now();
    while (children.length === before) await vi.advanceTimersByTimeAsync(100);
    expect(Date.now() - at).toBe(1_000);
  });

  it('kills a province that stops answering its heartbeat, then restarts it', async () => {
    const started = supervisor.start('JS', 0);
    children[0]!.ready();
    await started;
    await vi.advanceTimersByTimeAsync(t.heartbeatEveryMs * 3);
    expect(children[0]!.signals).toEqual([]);
    children[0]!.hung = true;
    await vi.advanceTimersByTimeAsync(t.hungAfterMs + t.heartbeatEveryMs * 2);
    expect(children[0]!.signals).toEqual(['SIGKILL']);
    expect(log.some((l) => l.includes('无心跳应答'))).toBe(true);
    await vi.advanceTimersByTimeAsync(t.restartDelayMs);
    expect(children).toHaveLength(2);
  });

  it('kills a province that never becomes ready', async () => {
    const started = supervisor.start('JS', 0);
    await vi.advanceTimersByTimeAsync(t.readyTimeoutMs - 1);
    expect(children[0]!.signals).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(children[0]!.signals).toEqual(['SIGKILL']);
    await started;
  });

  it('on stop, asks each province to drain and kills the one still running after the grace period', async () => {
    const a = supervisor.start('JS', 0);
    const b = supervisor.start('ZJ', 1);
    children[0]!.ready();
    children[1]!.ready();
    await Promise.all([a, b]);
    children[1]!.hung = true;
    let stopped = false;
    const stopping = supervisor.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(t.stopGraceMs - 1);
    expect(stopped).toBe(false);
    expect(children[0]!.signals).toEqual(['SIGTERM']);
    await vi.advanceTimersByTimeAsync(1);
    await stopping;
    expect(children[1]!.signals).toEqual(['SIGTERM', 'SIGKILL']);
    // nothing is restarted after a stop
    await vi.advanceTimersByTimeAsync(t.maxRestartDelayMs);
    expect(children).toHaveLength(2);
  });

  it('property: the restart delay never exceeds the maximum and never shrinks within a crash streak', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200_000 }), { maxLength: 30 }), (runs) => {
        let crashes = 0;
        let previous = 0;
        for (const ranFor of runs) {
          const next = crashesAfter(crashes, ranFor, t);
          const delay = restartDelay(next, t);
          expect(delay).toBeLessThanOrEqual(t.maxRestartDelayMs);
          expect(delay).toBeGreaterThanOrEqual(t.restartDelayMs);
          if (ranFor < t.stableAfterMs) expect(delay).toBeGreaterThanOrEqual(previous);
          else expect(delay).toBe(t.restartDelayMs);
          crashes = next;
          previous = delay;
        }
      }),
    );
  });
});
