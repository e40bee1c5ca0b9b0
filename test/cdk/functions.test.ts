import { describe, expect, it } from 'vitest';
import { ROUTES, type Route } from '../../lambdas/routes.ts';
import { NO_BUNDLING, ofType, synth, tableActionsOf } from '../support/cdk-synth.ts';

const { template } = synth(NO_BUNDLING);

describe('the functions and what they may do', () => {
  it('has one function per operation, plus the authorizer, the sweep, the starter, the closer of ended executions, the change stream consumer and three bulk load steps, all nodejs24.x on arm64 with tracing and their own log group', () => {
    const functions = ofType(template, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(ROUTES.length + 8);
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
      // Its lookup's two indexes (by id, by status), and a status page's records by key.
      expect(tableActionsOf(template, route.operation)).toEqual({ Records: ['dynamodb:BatchGetItem', 'dynamodb:Query'] });
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
    // A run's summary reads its counters in the summaries table, nothing of the records.
    expect(tableActionsOf(template, 'getBillingRunSummary')).toEqual({ Summaries: ['dynamodb:BatchGetItem'] });
    // A list function may query its own index and nothing else.
    const [, listPolicy] =
      ofType(template, 'AWS::IAM::Policy').find(([id]) => id.startsWith('listBillingRunActionsByCertificationRole')) ?? [];
    expect(JSON.stringify(listPolicy)).toContain('/index/byCertification');
    expect(JSON.stringify(listPolicy)).not.toContain('/index/byApplication');
  });

  it('tells the summary operation alone, among the operations, where the summaries are, and lets no other read them', () => {
    const summaries = { Ref: expect.stringMatching(/^Summaries/) };
    for (const route of ROUTES as readonly Route[]) {
      const [, fn] = ofType(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith(`${route.operation}Function`)) ?? [];
      const reads = route.access.summaries === true;
      expect(route.operation === 'getBillingRunSummary', route.operation).toBe(reads);
      if (reads) expect(fn?.Properties.Environment.Variables.SUMMARIES_TABLE_NAME).toEqual(summaries);
      else expect(fn?.Properties.Environment.Variables.SUMMARIES_TABLE_NAME, route.operation).toBeUndefined();
      expect(tableActionsOf(template, route.operation).Summaries, route.operation).toEqual(reads ? ['dynamodb:BatchGetItem'] : undefined);
    }
  });

  it('lets the writing functions hand starts to the queue of starts, and only the starter start executions', () => {
    const statementsOf = (prefix: string, service: string) => {
      const [, policy] = ofType(template, 'AWS::IAM::Policy').find(([id]) => id.startsWith(prefix)) ?? [];
      return (policy?.Properties.PolicyDocument.Statement ?? []).filter((statement: { Action: unknown }) =>
        JSON.stringify(statement.Action).includes(`${service}:`),
      );
    };
    const functionOf = (prefix: string) => ofType(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith(prefix))?.[1];
    const processor = { Ref: expect.stringMatching(/^DefaultProcessorStateMachine/) };
    const queue = { 'Fn::GetAtt': [expect.stringMatching(/^ProcessingStartsQueue/), 'Arn'] };
    const sendOnly = [{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: queue }];
    for (const [prefix, writes] of [
      ...ROUTES.map((route) => [route.operation, route.access.startsProcessing] as const),
      ['BulkLoadsBulkLoadChunk', true] as const,
    ]) {
      const variables = functionOf(`${prefix}Function`)?.Properties.Environment.Variables;
      expect(statementsOf(`${prefix}Role`, 'states'), prefix).toEqual([]);
      if (writes) {
        expect(variables.STATE_MACHINE_ARN, prefix).toEqual(processor);
        expect(variables.PROCESSING_QUEUE_URL, prefix).toEqual({ Ref: expect.stringMatching(/^ProcessingStartsQueue/) });
        expect(statementsOf(`${prefix}Role`, 'sqs'), prefix).toEqual(sendOnly);
      } else {
        expect(variables.STATE_MACHINE_ARN, prefix).toBeUndefined();
        expect(variables.PROCESSING_QUEUE_URL, prefix).toBeUndefined();
        expect(statementsOf(`${prefix}Role`, 'sqs'), prefix).toEqual([]);
      }
    }
    expect(statementsOf('ProcessingStartsStartProcessingRole', 'states')).toEqual([
      { Action: 'states:StartExecution', Effect: 'Allow', Resource: processor },
    ]);
    // The starter knows its own queue: a start over its tenant's cap goes back to it, delayed.
    expect(functionOf('ProcessingStartsStartProcessingFunction')?.Properties.Environment.Variables.PROCESSING_QUEUE_URL).toEqual({
      Ref: expect.stringMatching(/^ProcessingStartsQueue/),
    });
    expect(statementsOf('ProcessingStartsStartProcessingRole', 'sqs')).toContainEqual(
      expect.objectContaining({ Action: expect.arrayContaining(['sqs:SendMessage', 'sqs:ReceiveMessage']), Resource: queue }),
    );
  });
});
