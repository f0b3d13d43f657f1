import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../shared/adapters/sqlite/sqlite-store.js';
import { verifyChain } from '../../shared/domain/audit-chain.js';
import { storeContract } from './store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'green-channel-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const tempFile = () => join(dir, `store-${process.pid}-${++counter}.db`);

storeContract('SqliteStore (file)', async () => {
  const store = SqliteStore.open(tempFile());
  return { store, cleanup: () => store.close() };
});

storeContract('SqliteStore (:memory:)', async () => {
  const store = SqliteStore.open(':memory:');
  return { store, cleanup: () => store.close() };
});

describe('SqliteStore durability', () => {
  it('keeps everything after close and reopen', async () => {
    const file = tempFile();
    const first = SqliteStore.open(file);
    await first.commit(
      [
        {
          kind: 'project',
          id: 'p1',
          expectedVersion: 0,
          value: { name: '示范项目' },
          indexes: [{ index: 'applicant', key: '91320000MA1', sort: '2026-05-01#p1' }],
          events: [{ type: 'ProjectRegistered', actor: 'u1', at: '2026-05-01T00:00:00Z', data: {} }],
        },
      ],
      { scope: 'u1 POST /projects', key: 'k1', requestHash: 'h', status: 201, body: { id: 'p1' }, at: 'now' },
    );
    await first.putTaskToken({ key: 'c1/accept', caseId: 'c1', token: 't', updatedAt: 'now' });
    await first.close();

    const second = SqliteStore.open(file);
    expect(await second.get('project', 'p1')).toEqual({ value: { name: '示范项目' }, version: 1 });
    expect((await second.query('applicant', '91320000MA1')).items).toHaveLength(1);
    expect(verifyChain(await second.audit('project/p1'))).toMatchObject({ valid: true, length: 1 });
    expect(await second.getIdempotency('u1 POST /projects', 'k1')).toMatchObject({ body: { id: 'p1' } });
    expect(await second.pendingTaskTokens('c1')).toHaveLength(1);
    // and the chain continues where it stopped
    const next = await second.commit([
      {
        kind: 'project',
        id: 'p1',
        expectedVersion: 1,
        value: {},
        indexes: [],
        events: [{ type: 'X', actor: 'u1', at: 'now', data: {} }],
      },
    ]);
    expect(next.events[0]?.seq).toBe(2);
    expect(verifyChain(await second.audit('project/p1')).valid).toBe(true);
    await second.close();
  });

  it('keeps outbox messages, their order and reschedules after close and reopen', async () => {
    const file = tempFile();
    const first = SqliteStore.open(file);
    const event = { id: 'e1', 'detail-type': 'CaseAccepted', detail: { caseId: 'c1' } };
    await first.commit([], undefined, [
      { id: 'e2', event: { id: 'e2' }, createdAt: 'T2', attempts: 0, nextAttemptAt: 'T2' },
      { id: 'e1', event, createdAt: 'T1', attempts: 0, nextAttemptAt: 'T1' },
      { id: 'e3', event: null, createdAt: 'T3', attempts: 0, nextAttemptAt: 'T3' },
    ]);
    await first.rescheduleOutbox('e2', 1, 'T5', 'bus down');
    await first.deleteOutbox(['e3']);
    await first.close();

    const second = SqliteStore.open(file);
    expect(await second.dueOutbox('T9', 10)).toEqual([
      { id: 'e1', event, createdAt: 'T1', attempts: 0, nextAttemptAt: 'T1' },
      {
        id: 'e2',
        event: { id: 'e2' },
        createdAt: 'T2',
        attempts: 1,
        nextAttemptAt: 'T5',
        lastError: 'bus down',
      },
    ]);
    expect((await second.dueOutbox('T4', 10)).map((m) => m.id)).toEqual(['e1']);
    await second.close();
  });

  it('loses no acknowledged write when the writer is killed with SIGKILL', async () => {
    const file = tempFile();
    const script = resolve(dirname(fileURLToPath(import.meta.url)), '../support/sqlite-crash-writer.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', script, file, '100000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const killAfter = 200;
    let acknowledged = 0;
    let buffer = '';
    const exited = new Promise<NodeJS.Signals | null>((resolveExit) => {
      child.on('exit', (_code, signal) => resolveExit(signal));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^ack (\d+)$/.exec(line);
        if (match) acknowledged = Number(match[1]);
      }
      // Kill mid-stream, while the writer is busy committing.
      if (acknowledged >= killAfter && child.exitCode === null) child.kill('SIGKILL');
    });
    const signal = await exited;
    expect(signal, `writer ended on its own:\n${stderr}`).toBe('SIGKILL');
    expect(acknowledged).toBeGreaterThanOrEqual(killAfter);

    const store = SqliteStore.open(file);
    const counter = await store.get<{ i: number }>('stageCase', 'counter');
    // Every acknowledged commit is there; at most the one in flight may also have landed.
    expect(counter?.version).toBeGreaterThanOrEqual(acknowledged);
    expect(counter?.value.i).toBe(counter?.version);
    const projects = await store.getMany(
      'project',
      Array.from({ length: acknowledged }, (_, i) => `p${i + 1}`),
    );
    expect(projects).toHaveLength(acknowledged);
    const events = await store.audit('stageCase/counter');
    expect(events).toHaveLength(counter?.version ?? -1);
    expect(verifyChain(events).valid).toBe(true);
    expect((await store.query('due', 'crash')).items).toHaveLength(1);
    await store.close();
  });
});

describe('SqliteStore group commit', () => {
  const change = (id: string, expectedVersion: number, value: unknown) => ({
    kind: 'stageCase' as const,
    id,
    expectedVersion,
    value,
    indexes: [],
    events: [{ type: 'Changed', actor: 'u1', at: '2026-05-01T00:00:00Z', data: {} }],
  });

  it('commits sent in one turn are written together, yet each succeeds or fails on its own', async () => {
    const store = SqliteStore.open(tempFile());
    // all issued before any is settled: one group
    const results = await Promise.allSettled([
      store.commit([change('a', 0, { n: 1 })]),
      store.commit([change('a', 1, { n: 2 })]), // sees the first one's write inside the group
      store.commit([change('a', 0, { n: 'stale' })]), // conflicts: rolled back alone
      store.commit([change('b', 0, { n: 1 })]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'VERSION_CONFLICT' });
    expect(await store.get('stageCase', 'a')).toEqual({ value: { n: 2 }, version: 2 });
    expect(await store.get('stageCase', 'b')).toEqual({ value: { n: 1 }, version: 1 });
    expect((await store.audit('stageCase/a')).map((e) => e.seq)).toEqual([1, 2]);
    await store.close();
  });

  it('a commit issued after the group was written starts the next group', async () => {
    const store = SqliteStore.open(tempFile());
    await store.commit([change('c', 0, { n: 1 })]);
    await store.commit([change('c', 1, { n: 2 })]);
    expect(await store.get('stageCase', 'c')).toEqual({ value: { n: 2 }, version: 2 });
    await store.close();
  });

  it('close writes what was queued before it', async () => {
    const file = tempFile();
    const store = SqliteStore.open(file);
    const pending = store.commit([change('d', 0, { n: 1 })]);
    await store.close();
    await pending;
    const reopened = SqliteStore.open(file);
    expect(await reopened.get('stageCase', 'd')).toEqual({ value: { n: 1 }, version: 1 });
    await reopened.close();
  });
});

describe('SqliteStore task-token retention', () => {
  it('deletes exactly the records whose retention ended', async () => {
    const store = SqliteStore.open(':memory:');
    const token = (key: string, updatedAt: string) => ({ key, caseId: 'c1', token: `t-${key}`, updatedAt });
    await store.putTaskToken(token('c1/r1/accept', '2025-01-01T00:00:00.000Z'));
    await store.putTaskToken(token('c1/item/a', '2026-03-02T00:00:00.000Z'));
    await store.putTaskToken(token('c1/item/b', '2026-11-01T00:00:00.000Z'));
    expect(await store.purgeTaskTokens('2027-04-06T00:00:00.000Z')).toBe(2);
    expect((await store.pendingTaskTokens('c1')).map((t) => t.key)).toEqual(['c1/item/b']);
    await store.close();
  });
});
