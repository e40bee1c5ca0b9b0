import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambdas/routes.ts';
import { NO_BUNDLING, ofType, synth, tableActionsOf } from '../support/cdk-synth.ts';

const { template } = synth(NO_BUNDLING);

describe('the functions and what they may do', () => {
  it('has one function per operation, plus the authorizer, the sweep and three bulk load steps, all nodejs24.x on arm64 with tracing and their own log group', () => {
    const functions = ofType(template, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(ROUTES.length + 5);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Handler: expect.stringMatching(/^index\.(handler|prepare|chunk|finish)$/),
      });
      expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();
    }
    for (const [, logs] of ofType(template, 'AWS::Logs::LogGroup')) expect(logs.Properties.RetentionInDays).toBe(30);
  });

  it('grants each function only the table actions its operation needs', () => {
    expect(tableActionsOf(template, 'getBillingRunAction')).toEqual({ Records: ['dynamodb:GetItem'] });
    for (const route of ROUTES.filter((candidate) => candidate.operation.startsWith('list'))) {
      expect(tableActionsOf(template, route.operation)).toEqual({ Records: ['dynamodb:Query'] });
    }
    expect(tableActionsOf(template, 'createBillingRunAction')).toEqual({
      Records: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      Tenants: ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
    });
    expect(tableActionsOf(template, 'updateBillingRunAction')).toEqual({ Records: ['dynamodb:GetItem', 'dynamodb:PutItem'] });
    expect(tableActionsOf(template, 'deleteBillingRunAction')).toEqual({
      Records: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      Tenants: ['dynamodb:UpdateItem'],
    });
    expect(tableActionsOf(template, 'Authorizer')).toEqual({ Tenants: ['dynamodb:GetItem'] });
    // A list function may query its own index and nothing else.
    const [, listPolicy] =
      ofType(template, 'AWS::IAM::Policy').find(([id]) => id.startsWith('listBillingRunActionsByCertificationRole')) ?? [];
    expect(JSON.stringify(listPolicy)).toContain('/index/byCertification');
    expect(JSON.stringify(listPolicy)).not.toContain('/index/byApplication');
  });

  it('wires the processor ARN into the writing functions only, with StartExecution on it alone', () => {
    for (const route of ROUTES) {
      const [, fn] = ofType(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith(`${route.operation}Function`)) ?? [];
      const [, policy] = ofType(template, 'AWS::IAM::Policy').find(([id]) => id.startsWith(`${route.operation}Role`)) ?? [];
      const starts = (policy?.Properties.PolicyDocument.Statement ?? []).filter((statement: { Action: unknown }) =>
        JSON.stringify(statement.Action).includes('states:'),
      );
      if (route.access.startsProcessing) {
        expect(fn?.Properties.Environment.Variables.STATE_MACHINE_ARN, route.operation).toEqual({
          Ref: expect.stringMatching(/^DefaultProcessorStateMachine/),
        });
        expect(starts).toEqual([
          { Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^DefaultProcessorStateMachine/) } },
        ]);
      } else {
        expect(fn?.Properties.Environment.Variables.STATE_MACHINE_ARN, route.operation).toBeUndefined();
        expect(starts).toEqual([]);
      }
    }
  });
});
