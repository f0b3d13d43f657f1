import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalWorkflowEngine } from '../../shared/adapters/local-workflow/local-workflow.js';
import { acceptKey, FakeCaseWorld, itemKey, resubmitKey } from './fake-case.js';

const engines: LocalWorkflowEngine[] = [];

function setup(world = new FakeCaseWorld()) {
  const errors: Array<{ caseId: string; err: unknown }> = [];
  const engine = new LocalWorkflowEngine({
    tasks: world,
    onError: (caseId, err) => errors.push({ caseId, err }),
  });
  world.engine = engine;
  engines.push(engine);
  return { world, engine, errors };
}

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(engines.splice(0).map((e) => e.stop()));
});

const codes = (n: number) => Array.from({ length: n }, (_, i) => `ITEM${String(i + 1).padStart(2, '0')}`);

describe('LocalWorkflowEngine on the stage-case ASL', () => {
  it('happy path: accepted, three items approved → Approved', async () => {
    const { world, engine, errors } = setup();
    world.addCase('C1', codes(3));
    await engine.start({ caseId: 'C1', round: 1 });
    await engine.start({ caseId: 'C1', round: 1 }); // already running: no-op
    expect(engine.runningCount()).toBe(1);

    await world.whenPending(acceptKey('C1', 1));
    await world.accept('C1', 'accept');
    for (const code of codes(3)) await world.whenPending(itemKey('C1', code));
    expect(engine.waitingCount()).toBe(3);
    for (const code of codes(3)) await world.decideItem('C1', code, 'approved');

    const result = await engine.executionResult('C1');
    expect(result?.status).toBe('SUCCEEDED');
    expect(result?.output).toMatchObject({ caseId: 'C1', round: 1, consolidation: { outcome: 'approved' } });
    expect(engine.visitedStates('C1')).toEqual([
      'AwaitAcceptance',
      'AcceptanceOutcome',
      'ListItems',
      'ReviewItems',
      'AwaitItemDecision',
      'AwaitItemDecision',
      'AwaitItemDecision',
      'Consolidate',
      'ConsolidationOutcome',
      'CloseStage',
      'Approved',
    ]);
    expect(world.cases.get('C1')?.closed).toBe(1);
    expect(engine.runningCount()).toBe(0);
    expect(engine.waitingCount()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('gives every callback its own token, also across Map iterations', async () => {
    const { world, engine } = setup();
    world.addCase('C1', codes(4));
    await engine.start({ caseId: 'C1', round: 1 });
    await world.whenPending(acceptKey('C1', 1));
    await world.accept('C1', 'acceptWithDeficiencies');
    for (const code of codes(4)) await world.whenPending(itemKey('C1', code));
    const tokens = [...world.tokens.values()].map((r) => r.token);
    expect(new Set(tokens).size).toBe(5);
  });

  it('rejection: one item rejected → Rejected', async () => {
    const { world, engine } = setup();
    world.addCase('C2', codes(3));
    await world.accept('C2', 'accept'); // decided before the task arrives: replayed at once
    await engine.start({ caseId: 'C2', round: 1 });
    for (const code of codes(3)) await world.whenPending(itemKey('C2', code));
    await world.decideItem('C2', 'ITEM01', 'approved');
    await world.decideItem('C2', 'ITEM02', 'rejected');
    await world.decideItem('C2', 'ITEM03', 'approved');
    expect((await engine.executionResult('C2'))?.status).toBe('SUCCEEDED');
    const visited = engine.visitedStates('C2');
    expect(visited.slice(-3)).toEqual(['ConsolidationOutcome', 'CloseStageRejected', 'Rejected']);
    expect(world.log).toContain(`awaitAcceptance ${acceptKey('C2', 1)} replay`);
  });

  it('correction loop: correction → resubmission → accept → Approved in round 2', async () => {
    const { world, engine } = setup();
    world.addCase('C3', codes(1));
    await engine.start({ caseId: 'C3', round: 1 });
    await world.whenPending(acceptKey('C3', 1));
    await world.accept('C3', 'correction');
    await world.whenPending(resubmitKey('C3', 1));
    await world.resubmit('C3');
    await world.whenPending(acceptKey('C3', 2));
    await world.accept('C3', 'accept');
    await world.whenPending(itemKey('C3', 'ITEM01'));
    await world.decideItem('C3', 'ITEM01', 'approved');

    const result = await engine.executionResult('C3');
    expect(result?.status).toBe('SUCCEEDED');
    expect(result?.output).toMatchObject({ caseId: 'C3', round: 2 });
    expect(engine.visitedStates('C3').slice(0, 6)).toEqual([
      'AwaitAcceptance',
      'AcceptanceOutcome',
      'AwaitResubmission',
      'NextRound',
      'AwaitAcceptance',
      'AcceptanceOutcome',
    ]);
    expect(engine.visitedStates('C3').at(-1)).toBe('Approved');
  });

  it('refusal ends in Refused', async () => {
    const { world, engine } = setup();
    world.addCase('C4', codes(2));
    await engine.start({ caseId: 'C4', round: 1 });
    await world.whenPending(acceptKey('C4', 1));
    await world.accept('C4', 'refuse');
    await engine.whenIdle('C4');
    expect(engine.visitedStates('C4')).toEqual(['AwaitAcceptance', 'AcceptanceOutcome', 'Refused']);
    expect(world.log.some((l) => l.startsWith('listItems'))).toBe(false);
  });

  it('termination: a pending item failed with CaseTerminated → Terminated, all waits released', async () => {
    const { world, engine, errors } = setup();
    world.addCase('C5', codes(3));
    await world.accept('C5', 'accept');
    await engine.start({ caseId: 'C5', round: 1 });
    for (const code of codes(3)) await world.whenPending(itemKey('C5', code));
    await world.decideItem('C5', 'ITEM01', 'approved');
    await world.failStep(itemKey('C5', 'ITEM02'), 'CaseTerminated', 'withdrawn by the applicant');

    const result = await engine.executionResult('C5');
    expect(result?.status).toBe('SUCCEEDED');
    expect(result?.output).toMatchObject({ termination: { Error: 'CaseTerminated' } });
    expect(engine.visitedStates('C5').at(-1)).toBe('Terminated');
    expect(engine.visitedStates('C5')).not.toContain('Consolidate');
    expect(engine.waitingCount()).toBe(0);
    expect(world.cases.get('C5')?.closed).toBe(0);
    expect(errors).toEqual([]);
  });

  it('termination while awaiting acceptance → Terminated', async () => {
    const { world, engine } = setup();
    world.addCase('C6', codes(1));
    await engine.start({ caseId: 'C6', round: 1 });
    await world.whenPending(acceptKey('C6', 1));
    await world.failStep(acceptKey('C6', 1), 'CaseTerminated', 'terminated by supervisor');
    await engine.whenIdle('C6');
    expect(engine.visitedStates('C6')).toEqual(['AwaitAcceptance', 'Terminated']);
  });

  it('an unknown failure fails the execution and reaches onError, not the process', async () => {
    const { world, engine, errors } = setup();
    world.addCase('C7', codes(1));
    await engine.start({ caseId: 'C7', round: 1 });
    await world.whenPending(acceptKey('C7', 1));
    await world.failStep(acceptKey('C7', 1), 'Boom', 'something broke');
    const result = await engine.executionResult('C7');
    expect(result).toEqual({ status: 'FAILED', error: { name: 'Boom', message: 'something broke' } });
    expect(errors.map((e) => e.caseId)).toEqual(['C7']);
  });

  it('a handler error on an invoke task fails the execution via onError', async () => {
    const { world, engine, errors } = setup();
    world.addCase('C8', codes(1));
    world.cases.delete('C8'); // the handler throws "no case"
    await engine.start({ caseId: 'C8', round: 1 });
    await engine.whenIdle('C8');
    expect((await engine.executionResult('C8'))?.status).toBe('FAILED');
    expect(errors).toHaveLength(1);
  });

  it('ignores unknown and already used tokens', async () => {
    const { world, engine } = setup();
    world.addCase('C9', codes(1));
    await engine.sendTaskSuccess('no-such-token', {});
    await engine.sendTaskFailure('no-such-token', 'CaseTerminated', 'x');
    await engine.start({ caseId: 'C9', round: 1 });
    await world.whenPending(acceptKey('C9', 1));
    const token = world.tokens.get(acceptKey('C9', 1))!.token!;
    await world.accept('C9', 'refuse');
    await engine.sendTaskSuccess(token, { outcome: 'accept' }); // second completion: ignored
    await engine.whenIdle('C9');
    expect(engine.visitedStates('C9').at(-1)).toBe('Refused');
  });

  it('runs 15 items in parallel: all wait at once, then Approved', async () => {
    const { world, engine } = setup();
    world.addCase('C15', codes(15));
    await world.accept('C15', 'accept');
    await engine.start({ caseId: 'C15', round: 1 });
    await Promise.all(codes(15).map((code) => world.whenPending(itemKey('C15', code))));
    expect(engine.waitingCount()).toBe(15);
    // decide in reverse order: iterations are independent
    for (const code of codes(15).reverse()) await world.decideItem('C15', code, 'approved');
    await engine.whenIdle('C15');
    const visited = engine.visitedStates('C15');
    expect(visited.filter((s) => s === 'AwaitItemDecision')).toHaveLength(15);
    expect(visited.at(-1)).toBe('Approved');
  });

  it('resumes after a restart: decided steps replay, the undecided item waits, no decision repeated', async () => {
    const world = new FakeCaseWorld();
    world.addCase('R1', codes(3));
    const first = setup(world).engine;
    await first.start({ caseId: 'R1', round: 1 });
    await world.whenPending(acceptKey('R1', 1));
    await world.accept('R1', 'accept');
    for (const code of codes(3)) await world.whenPending(itemKey('R1', code));
    await world.decideItem('R1', 'ITEM01', 'approved');
    await world.decideItem('R1', 'ITEM02', 'approved');

    // "restart": the process's engine goes away mid-review; only the fake store survives
    await first.stop();
    expect((await first.executionResult('R1'))?.status).toBe('ABORTED');
    expect(first.runningCount()).toBe(0);
    await expect(first.start({ caseId: 'R1', round: 1 })).rejects.toThrow(/stopped/);
    const logBefore = world.log.length;

    const staleToken = world.tokens.get(itemKey('R1', 'ITEM03'))?.token;
    const { engine: second, errors } = setup(world);
    await second.start({ caseId: 'R1', round: 1 });
    await world.whenPending(itemKey('R1', 'ITEM03'), staleToken);
    const replayed = world.log.slice(logBefore);
    expect(replayed).toEqual(
      expect.arrayContaining([
        `awaitAcceptance ${acceptKey('R1', 1)} replay`,
        `awaitItemDecision ${itemKey('R1', 'ITEM01')} replay`,
        `awaitItemDecision ${itemKey('R1', 'ITEM02')} replay`,
        `awaitItemDecision ${itemKey('R1', 'ITEM03')} readopt`,
      ]),
    );
    expect(second.waitingCount()).toBe(1);

    await world.decideItem('R1', 'ITEM03', 'approved');
    const result = await second.executionResult('R1');
    expect(result?.status).toBe('SUCCEEDED');
    expect(second.visitedStates('R1').at(-1)).toBe('Approved');
    for (const item of world.cases.get('R1')!.items.values()) expect(item.decisions).toBe(1);
    expect(world.cases.get('R1')?.closed).toBe(1);
    expect(errors).toEqual([]);
  });

  it('a callback wait outlasts 60 s and Node’s 24.8-day timer limit (fake timers)', async () => {
    vi.useFakeTimers();
    const { world, engine } = setup();
    world.addCase('W1', codes(1));
    await engine.start({ caseId: 'W1', round: 1 });
    await world.whenPending(acceptKey('W1', 1));

    await vi.advanceTimersByTimeAsync(61_000);
    expect(engine.isRunning('W1')).toBe(true);
    // past one local timeout (2 147 483 s): the task re-arms with a fresh token, re-adopted by the store
    await vi.advanceTimersByTimeAsync(30 * 86_400_000);
    expect(engine.isRunning('W1')).toBe(true);
    expect(world.log.filter((l) => l.startsWith('awaitAcceptance'))).toEqual([
      `awaitAcceptance ${acceptKey('W1', 1)} pending`,
      `awaitAcceptance ${acceptKey('W1', 1)} readopt`,
    ]);

    await world.accept('W1', 'refuse');
    await engine.whenIdle('W1');
    expect((await engine.executionResult('W1'))?.status).toBe('SUCCEEDED');
    expect(engine.visitedStates('W1').at(-1)).toBe('Refused');
  });
});
