import { describe, expect, it } from 'vitest';
import { PARTITION_KEY, RECORD_KEY_FORMAT, recordKey } from '../../lambdas/adapters/dynamodb/table-design.ts';
import { CHANGE_STAMP_FIELDS } from '../../lambdas/domain/record-stamp.ts';
import { NO_BUNDLING, ofType, synth } from '../support/cdk-synth.ts';

const { template } = synth(NO_BUNDLING);

describe('the default processor', () => {
  it('provisions the default processor: EventBridge dispatch with a task token, conditional write-back, errors to error', () => {
    const [, machine] = ofType(template, 'AWS::StepFunctions::StateMachine')[0] ?? [];
    const definition = JSON.stringify(machine?.Properties.DefinitionString);
    expect(definition).toContain(':states:::events:putEvents.waitForTaskToken');
    expect(definition).toContain('"TimeoutSeconds\\":86400');
    expect(definition).toContain('step_function_execution_arn = :execution');
    expect(definition).toContain('States.ALL');
    expect(definition).toContain('DynamoDB.ConditionalCheckFailedException');
    expect(machine?.Properties.TracingConfiguration).toEqual({ Enabled: true });
    template.resourceCountIs('AWS::Events::EventBus', 1);
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
