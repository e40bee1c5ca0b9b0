import { rmSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/stack/app.ts';
import { BASE_CONTEXT, NO_BUNDLING, synth } from '../support/cdk-synth.ts';

describe('the CDK stack with an existing processor', () => {
  it('uses the processorStateMachineArn from context and provisions no processor of its own', () => {
    const arn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:their-processor';
    const { template: withTheirs, outdir } = synth({ processorStateMachineArn: arn, processingTimeoutHours: 2, ...NO_BUNDLING });
    // The bulk load state machine is the stack's own; no processor is.
    withTheirs.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    withTheirs.hasResourceProperties('AWS::StepFunctions::StateMachine', { DefinitionString: Match.objectLike({}) });
    expect(JSON.stringify(withTheirs.toJSON().Resources)).not.toContain('Dispatch and wait for the worker');
    // Its one bus is the change events' (record-changes.test.ts), none the processor's.
    expect(Object.keys(withTheirs.findResources('AWS::Events::EventBus'))).toEqual([expect.stringMatching(/^RecordChangesBus/)]);
    withTheirs.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ STATE_MACHINE_ARN: arn }) } });
    withTheirs.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'states:StartExecution', Effect: 'Allow', Resource: arn }]) },
    });
    rmSync(outdir, { recursive: true, force: true });
  }, 120_000);

  it('refuses invalid context with a message naming it', () => {
    expect(() => buildApp({ context: { ...BASE_CONTEXT, processorStateMachineArn: 'nope' } })).toThrow(/processorStateMachineArn/);
    expect(() => buildApp({ context: { ...BASE_CONTEXT, logRetentionDays: 31 } })).toThrow(/logRetentionDays/);
    expect(() => buildApp({ context: { ...BASE_CONTEXT, issuer: '' } })).toThrow(/issuer/);
    expect(() => buildApp({ context: { ...BASE_CONTEXT, tiers: { basic: { rateLimit: 0 } } } })).toThrow(/tiers/);
  });
});
