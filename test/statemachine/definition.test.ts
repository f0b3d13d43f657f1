import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { prepareLocalDefinition } from '../../shared/adapters/local-workflow/local-workflow.js';
import {
  type AslDefinition,
  type AslState,
  listPlaceholders,
  loadStageCaseDefinition,
  PLACEHOLDERS,
  renderDefinition,
  STAGE_CASE_ASL_PATH,
} from '../../statemachines/load.js';

type Validate = (
  definition: unknown,
  options?: unknown,
) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as Validate;

const ARN = 'arn:aws:lambda:cn-north-1:123456789012:function:gc-tasks';
/** `${name}` spelled without tripping the template-literal lint */
const ph = (name: string) => `\${${name}}`;
const TOKEN = ph('Token[TOKEN.12]');

/** every state at every nesting level */
function allStates(def: AslDefinition): Array<[string, AslState]> {
  const out: Array<[string, AslState]> = [];
  for (const [name, state] of Object.entries(def.States)) {
    out.push([name, state]);
    const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
    if (processor) out.push(...allStates(processor));
  }
  return out;
}

describe('stage-case ASL', () => {
  it('is found on disk and accepted by asl-validator with default options', () => {
    expect(existsSync(STAGE_CASE_ASL_PATH)).toBe(true);
    const result = aslValidator(loadStageCaseDefinition());
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('stays valid after rendering', () => {
    const rendered = JSON.parse(renderDefinition(loadStageCaseDefinition(), { TaskFunctionArn: ARN }));
    expect(aslValidator(rendered).isValid).toBe(true);
  });

  it('uses JSONPath only, no Wait states, and only lambda invoke Tasks on the placeholder function', () => {
    const def = loadStageCaseDefinition();
    const text = JSON.stringify(def);
    expect(text).not.toContain('JSONata');
    expect(text).not.toContain('"Assign"');
    for (const [name, state] of allStates(def)) {
      expect(state.Type, name).not.toBe('Wait');
      if (state.Type !== 'Task') continue;
      expect(['arn:aws:states:::lambda:invoke', 'arn:aws:states:::lambda:invoke.waitForTaskToken']).toContain(
        state.Resource,
      );
      const params = state.Parameters as { FunctionName: string; Payload: Record<string, unknown> };
      expect(params.FunctionName).toBe(ph('TaskFunctionArn'));
      expect(typeof params.Payload.action).toBe('string');
      if (String(state.Resource).endsWith('.waitForTaskToken')) {
        expect(params.Payload['token.$']).toBe('$$.Task.Token');
        // long enough for human steps, well inside the one-year limit of a Standard workflow
        expect(state.TimeoutSeconds).toBeGreaterThanOrEqual(90 * 86400);
        expect(state.TimeoutSeconds).toBeLessThanOrEqual(200 * 86400);
      }
      const retry = state.Retry as Array<{ ErrorEquals: string[] }>;
      expect(retry.some((r) => r.ErrorEquals.includes('Lambda.ServiceException'))).toBe(true);
    }
  });

  it('catches CaseTerminated on every await task and on the Map, going to Terminated', () => {
    const def = loadStageCaseDefinition();
    for (const name of ['AwaitAcceptance', 'AwaitResubmission', 'ReviewItems']) {
      const catchers = def.States[name]?.Catch as Array<{ ErrorEquals: string[]; Next: string }>;
      expect(catchers.some((c) => c.ErrorEquals.includes('CaseTerminated') && c.Next === 'Terminated')).toBe(
        true,
      );
    }
    // Map iterations cannot jump outside; the item task leaves the error to the Map's Catch
    const selector = def.States.ReviewItems?.ItemSelector as Record<string, string>;
    expect(selector['caseId.$']).toBe('$.caseId');
  });
});

describe('renderDefinition', () => {
  it('lists the placeholders and leaves none after rendering', () => {
    const def = loadStageCaseDefinition();
    expect(listPlaceholders(def)).toEqual([...PLACEHOLDERS]);
    const text = renderDefinition(def, { TaskFunctionArn: ARN });
    expect(listPlaceholders(text)).toEqual([]);
    expect(text).not.toContain('${');
    expect(text).toContain(ARN);
  });

  it('throws on a missing or an unused substitution', () => {
    const def = loadStageCaseDefinition();
    expect(() => renderDefinition(def, {})).toThrow(/TaskFunctionArn/);
    expect(() => renderDefinition(def, { TaskFunctionArn: ARN, Other: 'x' })).toThrow(/unused.*Other/);
  });

  it('inserts values once, escaped, without rescanning them (CDK tokens look like placeholders)', () => {
    const def: AslDefinition = {
      StartAt: 'P',
      States: { P: { Type: 'Pass', Result: { a: ph('A'), b: `${ph('A')}-${ph('B')}` }, End: true } },
    };
    const text = renderDefinition(def, { A: TOKEN, B: 'say "hi"' });
    const parsed = JSON.parse(text) as { States: { P: { Result: { a: string; b: string } } } };
    expect(parsed.States.P.Result).toEqual({ a: TOKEN, b: `${TOKEN}-say "hi"` });
  });
});

describe('local rewrite of the definition', () => {
  it('makes callback tasks re-arm below Node’s timer limit and leaves invoke tasks alone', () => {
    const local = prepareLocalDefinition(loadStageCaseDefinition());
    expect(local.callbackStates.sort()).toEqual([
      'AwaitAcceptance',
      'AwaitItemDecision',
      'AwaitResubmission',
    ]);
    expect(local.invokeStates.sort()).toEqual([
      'CloseStage',
      'CloseStageRejected',
      'Consolidate',
      'ListItems',
    ]);
    const states = new Map(allStates(local.definition));
    for (const name of local.callbackStates) {
      const state = states.get(name)!;
      expect((state.TimeoutSeconds as number) * 1000).toBeLessThanOrEqual(2 ** 31 - 1);
      const first = (state.Retry as Array<{ ErrorEquals: string[]; MaxAttempts: number }>)[0]!;
      expect(first.ErrorEquals).toEqual(['States.Timeout']);
      expect(first.MaxAttempts).toBeGreaterThan(1000);
    }
    expect(states.get('ListItems')?.TimeoutSeconds).toBe(60);
    expect(JSON.stringify(local.definition)).not.toContain('${');
  });

  it('refuses a Task it cannot serve locally (it would call real AWS)', () => {
    const def: AslDefinition = {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true } },
    };
    expect(() => prepareLocalDefinition(def)).toThrow(/unsupported resource/);
  });
});
