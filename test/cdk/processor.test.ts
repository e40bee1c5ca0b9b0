import { describe, expect, it } from 'vitest';
import { PARTITION_KEY, RECORD_KEY_FORMAT, recordKey } from '../../lambdas/adapters/dynamodb/table-design.ts';
import { CHANGE_STAMP_FIELDS } from '../../lambdas/domain/record-stamp.ts';
import { WRITE_BACKS, type WriteBackName, writeBackOf } from '../../lib/processor/default-processor-steps.ts';
import { NO_BUNDLING, ofType, synth } from '../support/cdk-synth.ts';

const { template } = synth(NO_BUNDLING);

/** The state machine's definition, the resource ARNs left out (their tokens are not part of what is checked). */
function states(): Record<string, any> {
  const [, machine] = ofType(template, 'AWS::StepFunctions::StateMachine')[0] ?? [];
  const definition = machine?.Properties.DefinitionString['Fn::Join'][1]
    .map((part: unknown) => (typeof part === 'string' ? part : ''))
    .join('');
  return (JSON.parse(definition) as { States: Record<string, any> }).States;
}

/** The value of a JSONPath of the form `$.a.b` in `input`, or `missing`. */
const MISSING = Symbol('missing');
function valueAt(input: unknown, path: string): unknown {
  let value: unknown = input;
  for (const key of path.replace(/^\$\./, '').split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) return MISSING;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A Choice rule of the operators the processor's Choice uses, evaluated as Step Functions does. */
function holds(rule: Record<string, any>, input: unknown): boolean {
  if (rule.And) return (rule.And as Record<string, any>[]).every((inner) => holds(inner, input));
  if (rule.Or) return (rule.Or as Record<string, any>[]).some((inner) => holds(inner, input));
  const value = valueAt(input, rule.Variable as string);
  if ('IsPresent' in rule) return (value !== MISSING) === rule.IsPresent;
  if ('IsString' in rule) return (typeof value === 'string') === rule.IsString;
  if ('StringEquals' in rule) return value === rule.StringEquals;
  throw new Error(`An operator this test does not evaluate: ${JSON.stringify(rule)}`);
}

describe('the default processor', () => {
  it("ends each worker's outcome with the write-back the local processor picks for it (default-processor-steps.ts)", () => {
    const choice = states()['Outcome reported?'];
    const byState = new Map(Object.entries(WRITE_BACKS).map(([name, write]) => [write.state as string, name as WriteBackName]));
    const outcomes = [{}, { status: 'completed' }, { status: 'payment failure' }, { status: 'processing' }, { status: 'sideways' }];
    for (const outcome of [...outcomes, { status: 5 }, { status: null }, { other: 1 }, 'a string', [1], 7, null]) {
      const input = { tenantId: 't', id: 'i', outcome };
      const rule = (choice.Choices as Record<string, any>[]).find((candidate) => holds(candidate, input));
      const next = rule ? rule.Next : choice.Default;
      expect(byState.get(next as string), JSON.stringify(outcome)).toBe(writeBackOf(outcome));
    }
  });

  it('provisions the default processor: EventBridge dispatch with a task token, conditional write-back, errors to error', () => {
    const [, machine] = ofType(template, 'AWS::StepFunctions::StateMachine')[0] ?? [];
    const definition = JSON.stringify(machine?.Properties.DefinitionString);
    expect(definition).toContain(':states:::events:putEvents.waitForTaskToken');
    expect(definition).toContain('"TimeoutSeconds\\":86400');
    expect(definition).toContain('step_function_execution_arn = :execution');
    expect(definition).toContain('States.ALL');
    expect(definition).toContain('DynamoDB.ConditionalCheckFailedException');
    expect(machine?.Properties.TracingConfiguration).toEqual({ Enabled: true });
    // The processor's bus, beside the change events' (record-changes.test.ts).
    expect(Object.keys(template.findResources('AWS::Events::EventBus')).sort()).toEqual([
      expect.stringMatching(/^DefaultProcessorBus/),
      expect.stringMatching(/^RecordChangesBus/),
    ]);
  });

  it("writes records back in the storage layer's format: its key, and every field of the change stamp", () => {
    const [, machine] = ofType(template, 'AWS::StepFunctions::StateMachine')[0] ?? [];
    // The definition with the resource ARNs left out: their tokens are not part of what is checked.
    const definition = machine?.Properties.DefinitionString['Fn::Join'][1]
      .map((part: unknown) => (typeof part === 'string' ? part : ''))
      .join('');
    const states = Object.values((JSON.parse(definition) as { States: Record<string, any> }).States).filter((state) =>
      String(state.Resource).includes('dynamodb:updateItem'),
    );
    expect(states.length).toBeGreaterThan(0);
    for (const state of states) {
      expect(state.Parameters.Key[PARTITION_KEY]['S.$']).toBe(`States.Format('${RECORD_KEY_FORMAT}', $.tenantId, $.id)`);
      for (const field of CHANGE_STAMP_FIELDS) expect(state.Parameters.UpdateExpression, field).toContain(`${field} = `);
    }
    expect(recordKey('tenant', 'id')).toBe(RECORD_KEY_FORMAT.replace('{}', 'tenant').replace('{}', 'id'));
  });
});
