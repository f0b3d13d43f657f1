import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge/eventbridge-publisher.js';
import { StepFunctionsWorkflowEngine } from '../../shared/adapters/sfn/sfn-workflow.js';
import type { Project, StageCase } from '../../shared/domain/model.js';
import type { DomainEvent } from '../../shared/ports/runtime.js';
import type { StageCaseWorkflowInput } from '../../shared/ports/workflow.js';
import { relayIdle } from '../../shared/services/unit-of-work.js';
import { ApiClient, actors, projectBody, versionOf } from '../support/api-client.js';

/**
 * A correlation id follows a request's work out of the process: the caller's `X-Correlation-Id`
 * (or the request id) is answered, written on every outbox event the request commits (and so on
 * what the bus and partner provinces receive) and put in the workflow execution's input.
 */

const clients: ApiClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});

const STAGE = 'projectApproval';
const CHOSEN = ['investmentApproval'];

async function watched() {
  const c = await ApiClient.create();
  clients.push(c);
  const published: DomainEvent[] = [];
  const publish = c.h.bus.publish.bind(c.h.bus);
  vi.spyOn(c.h.bus, 'publish').mockImplementation(async (events) => {
    published.push(...events);
    return publish(events);
  });
  const started: StageCaseWorkflowInput[] = [];
  const start = c.h.workflow.start.bind(c.h.workflow);
  vi.spyOn(c.h.workflow, 'start').mockImplementation(async (input) => {
    started.push(input);
    return start(input);
  });
  /** what the outbox published for one aggregate, once the relay is done */
  const eventsOf = async (subject: string) => {
    await relayIdle(c.h.services.deps);
    return published.filter((e) => e.subject === subject);
  };
  return { c, started, eventsOf };
}

describe('correlation id', () => {
  it('the header given travels to the answer, the outbox events and the workflow input', async () => {
    const { c, started, eventsOf } = await watched();
    const corr = (step: string) => ({ 'x-correlation-id': `corr-${step}-7f3a` });

    const registered = await c.post(actors.applicantA, '/projects', projectBody(), corr('register'));
    expect(registered.status, registered.text).toBe(201);
    expect(registered.headers.get('x-correlation-id')).toBe('corr-register-7f3a');
    const project = registered.body as Project & { version: number };
    const applied = await c.post(actors.applicantA, `/projects/${project.id}/admission`, undefined, {
      'if-match': `"${project.version}"`,
      ...corr('apply'),
    });
    expect(applied.status, applied.text).toBe(200);
    const admitted = await c.post(
      actors.supervisor,
      `/projects/${project.id}/admission/decision`,
      { admit: true, reasons: '省级重点项目，符合准入条件' },
      { 'if-match': `"${versionOf(applied)}"`, ...corr('admit') },
    );
    expect(admitted.status, admitted.text).toBe(200);
    // each request's events carry that request's id, none of another's
    const projectEvents = await eventsOf(`project/${project.id}`);
    expect(projectEvents.map((e) => [e.type, e.correlationId])).toEqual([
      ['ProjectRegistered', 'corr-register-7f3a'],
      ['AdmissionApplied', 'corr-apply-7f3a'],
      ['ProjectAdmitted', 'corr-admit-7f3a'],
    ]);

    const submitted = await c.post(
      actors.applicantA,
      '/cases',
      { projectId: project.id, stage: STAGE, itemCodes: CHOSEN, materials: c.materialsFor(STAGE, CHOSEN) },
      corr('submit'),
    );
    expect(submitted.status, submitted.text).toBe(201);
    const stageCase = submitted.body as StageCase;
    expect(started).toEqual([{ caseId: stageCase.id, round: 1, correlationId: 'corr-submit-7f3a' }]);
    const caseEvents = await eventsOf(`stageCase/${stageCase.id}`);
    expect(caseEvents.find((e) => e.type === 'CaseSubmitted')?.correlationId).toBe('corr-submit-7f3a');

    // what the workflow commits itself (the stage close) carries the execution's correlation id
    const accepted = await c.post(
      actors.windowOfficer,
      `/cases/${stageCase.id}/acceptance`,
      { outcome: 'accept' },
      { 'if-match': `"${versionOf(submitted)}"`, ...corr('accept') },
    );
    expect(accepted.status, accepted.text).toBe(200);
    await vi.waitFor(() => expect(c.h.workflow.waitingCount()).toBe(stageCase.items.length));
    for (const item of stageCase.items) {
      const decided = await c.post(
        actors.reviewer(item.department),
        `/cases/${stageCase.id}/items/${item.code}/decision`,
        { outcome: 'approve' },
        corr('decide'),
      );
      expect(decided.status, decided.text).toBe(200);
    }
    await vi.waitFor(async () => {
      const closed = (await eventsOf(`stageCase/${stageCase.id}`)).find((e) => e.type === 'StageClosed');
      expect(closed?.correlationId).toBe('corr-submit-7f3a');
    });
    const byType = Object.fromEntries(
      (await eventsOf(`stageCase/${stageCase.id}`)).map((e) => [e.type, e.correlationId]),
    );
    expect(byType).toMatchObject({ CaseAccepted: 'corr-accept-7f3a', ItemApproved: 'corr-decide-7f3a' });
  });

  it('without the header the request id is the correlation id; a malformed one is not taken', async () => {
    const { c, eventsOf } = await watched();
    const plain = await c.post(actors.applicantA, '/projects', projectBody());
    expect(plain.status, plain.text).toBe(201);
    const requestId = plain.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    expect(plain.headers.get('x-correlation-id')).toBe(requestId);
    const [registered] = await eventsOf(`project/${(plain.body as Project).id}`);
    expect(registered?.correlationId).toBe(requestId);

    const odd = await c.post(actors.applicantA, '/projects', projectBody(), {
      'x-correlation-id': 'has spaces and\u00e9 "quotes"',
    });
    expect(odd.status, odd.text).toBe(201);
    expect(odd.headers.get('x-correlation-id')).toBe(odd.headers.get('x-request-id'));
  });

  it('the AWS adapters pass it on: the Step Functions execution input and the EventBridge detail', async () => {
    const sent: { input?: string; Entries?: { Detail?: string }[] }[] = [];
    const client = {
      send: async (command: { input: Record<string, unknown> }) => {
        sent.push(command.input as (typeof sent)[number]);
        return { FailedEntryCount: 0, Entries: [{ EventId: 'x' }] };
      },
    };
    const engine = new StepFunctionsWorkflowEngine({
      client: client as never,
      stateMachineArn: 'arn:aws-cn:states:cn-north-1:111111111111:stateMachine:stage-case',
    });
    await engine.start({ caseId: 'C-1', round: 1, correlationId: 'corr-1' });
    expect(JSON.parse(sent[0]!.input!)).toEqual({ caseId: 'C-1', round: 1, correlationId: 'corr-1' });
    // an execution started without one (the sweeper's resume) is named by its case and round
    await engine.start({ caseId: 'C-2', round: 2 });
    expect(JSON.parse(sent[1]!.input!)).toEqual({ caseId: 'C-2', round: 2, correlationId: 'C-2/r2' });
    sent.splice(0);

    const bus = new EventBridgePublisher({ client: client as never, busName: 'green-channel-JS' });
    await bus.publish([
      {
        id: 'JS:E-1',
        type: 'ItemApproved',
        version: 1,
        source: 'JS',
        time: '2026-03-02T01:00:00.000Z',
        subject: 'stageCase/C-1',
        data: {},
        correlationId: 'corr-1',
      },
    ]);
    expect(JSON.parse(sent[0]!.Entries![0]!.Detail!).correlationId).toBe('corr-1');
  });
});
