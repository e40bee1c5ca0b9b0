import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { countedVersionKey, recordKey, runSummaryKeys } from '../../lambdas/adapters/dynamodb/table-design.ts';
import { RECORD_CHANGES } from '../../lambdas/stack-functions.ts';
import { OUTPUT_NAMES } from '../../lib/stack/output-names.ts';
import { NO_BUNDLING, ofType, synth } from '../support/cdk-synth.ts';

const { template } = synth(NO_BUNDLING);
const json = template.toJSON();
const idOf = (type: string, prefix: string) => ofType(template, type).find(([id]) => id.startsWith(prefix))?.[0] as string;
const resourceOf = (type: string, prefix: string) => ofType(template, type).find(([id]) => id.startsWith(prefix))?.[1];
const records = idOf('AWS::DynamoDB::Table', 'Records');
const summaries = idOf('AWS::DynamoDB::Table', 'Summaries');
const bus = idOf('AWS::Events::EventBus', 'RecordChangesBus');
const failures = idOf('AWS::SQS::Queue', 'RecordChangesFailures');
const consumer = idOf('AWS::Lambda::Function', 'RecordChangesPublishRecordChangesFunction');
const [[, mapping] = []] = ofType(template, 'AWS::Lambda::EventSourceMapping').filter(
  ([, candidate]) => candidate.Properties.FunctionName.Ref === consumer,
);
type Statement = { Action: string | string[]; Resource: unknown };
const statementsOf = (prefix: string) => (resourceOf('AWS::IAM::Policy', prefix)?.Properties.PolicyDocument.Statement ?? []) as Statement[];
const actionsOf = (statement: Statement) => [statement.Action].flat();

/** Whether a Lambda filter pattern of nested keys and `[{ exists: true }]` leaves matches an event. */
function matches(pattern: Record<string, unknown>, event: Record<string, unknown> | undefined): boolean {
  return Object.entries(pattern).every(([key, rule]) =>
    Array.isArray(rule)
      ? rule.some((leaf) => leaf.exists === true && event?.[key] !== undefined)
      : matches(rule as Record<string, unknown>, event?.[key] as Record<string, unknown> | undefined),
  );
}

describe("the records table's change stream", () => {
  it('streams every change of the records table with the item before and after it', () => {
    expect(resourceOf('AWS::DynamoDB::Table', 'Records')?.Properties.StreamSpecification).toEqual({
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
  });

  it("feeds the consumer from the stream's oldest record, in batches it may fail in part, bisected and retried, then given up to the on-failure queue", () => {
    expect(mapping?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [records, 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: RECORD_CHANGES.batchSize,
      MaximumBatchingWindowInSeconds: RECORD_CHANGES.maxBatchingWindowSeconds,
      ParallelizationFactor: RECORD_CHANGES.parallelizationFactor,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: RECORD_CHANGES.retryAttempts,
      MaximumRecordAgeInSeconds: RECORD_CHANGES.maxRecordAgeSeconds,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failures, 'Arn'] } } },
    });
    expect(resourceOf('AWS::Lambda::Function', consumer)?.Properties.Timeout).toBe(RECORD_CHANGES.timeoutSeconds);
    expect(resourceOf('AWS::SQS::Queue', failures)?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    const queuePolicy = ofType(template, 'AWS::SQS::QueuePolicy').find(([, policy]) =>
      JSON.stringify(policy.Properties.Queues).includes(failures),
    )?.[1];
    expect(queuePolicy?.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('invokes the consumer for record items only: one with sys_version after the change, or before it (a delete)', () => {
    const patterns = (mapping?.Properties.FilterCriteria.Filters as { Pattern: string }[]).map((filter) => JSON.parse(filter.Pattern));
    expect(patterns).toEqual([
      { dynamodb: { NewImage: { sys_version: { N: [{ exists: true }] } } } },
      { dynamodb: { OldImage: { sys_version: { N: [{ exists: true }] } } } },
    ]);
    const invokes = (images: { OldImage?: Record<string, unknown>; NewImage?: Record<string, unknown> }) =>
      patterns.some((pattern) => matches(pattern, { dynamodb: images }));
    const record = (version: number) => marshall({ pk: recordKey('acme', 'r1'), id: 'r1', sys_version: version });
    expect(invokes({ NewImage: record(1) })).toBe(true);
    expect(invokes({ OldImage: record(1), NewImage: record(2) })).toBe(true);
    expect(invokes({ OldImage: record(2) })).toBe(true);
    // The consumer's own writes: a run's counter item and a record's bookkeeping item.
    const counter = marshall({ pk: runSummaryKeys('acme', 'run-1')[0], completed: 3, last_change_at: '2026-01-01T00:00:00Z' });
    const bookkeeping = marshall({ pk: countedVersionKey('acme', 'r1'), counted_version: 2 });
    expect(invokes({ NewImage: counter })).toBe(false);
    expect(invokes({ OldImage: counter, NewImage: { ...counter } })).toBe(false);
    expect(invokes({ OldImage: bookkeeping })).toBe(false);
  });

  it("lets the consumer update items of the summaries table, read the records table's stream and put events on its bus, and nothing more", () => {
    const statements = statementsOf('RecordChangesPublishRecordChangesRole');
    const onSummaries = statements.filter(
      (statement) => JSON.stringify(statement.Resource) === JSON.stringify({ 'Fn::GetAtt': [summaries, 'Arn'] }),
    );
    expect(onSummaries.flatMap(actionsOf)).toEqual(['dynamodb:UpdateItem']);
    // Of the records table, the stream alone: no item action on the table itself.
    expect(JSON.stringify(statements)).not.toContain(`"${records}","Arn"`);
    const dynamoDbActions = statements.flatMap(actionsOf).filter((action) => action.startsWith('dynamodb:'));
    expect(dynamoDbActions.sort()).toEqual(
      ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams', 'dynamodb:UpdateItem'].sort(),
    );
    for (const action of ['Scan', 'Query', 'DeleteItem', 'PutItem', 'BatchGetItem', 'BatchWriteItem', 'GetItem']) {
      expect(dynamoDbActions).not.toContain(`dynamodb:${action}`);
    }
    // The stream's records only from the records table's own stream.
    for (const statement of statements.filter((candidate) => actionsOf(candidate).includes('dynamodb:GetRecords'))) {
      expect(statement.Resource).toEqual({ 'Fn::GetAtt': [records, 'StreamArn'] });
    }
    expect(statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('events:')))).toEqual([
      { Action: 'events:PutEvents', Effect: 'Allow', Resource: { 'Fn::GetAtt': [bus, 'Arn'] } },
    ]);
    expect(JSON.stringify(statements)).not.toContain('Tenants');
  });

  it('tells the consumer its tables and the bus it publishes on', () => {
    expect(resourceOf('AWS::Lambda::Function', consumer)?.Properties.Environment.Variables).toMatchObject({
      TABLE_NAME: { Ref: records },
      TENANTS_TABLE_NAME: { Ref: expect.stringMatching(/^Tenants/) },
      SUMMARIES_TABLE_NAME: { Ref: summaries },
      EVENT_BUS_NAME: { Ref: bus },
    });
  });

  it("owns the change events' bus, named after the stack, not retained, and gives its name and ARN as outputs", () => {
    const resource = json.Resources[bus];
    expect(resource.Properties.Name).toMatch(/^BillingRunActions/);
    expect(resource.DeletionPolicy).toBeUndefined();
    expect(synth({ ...NO_BUNDLING, stage: 'dev' }).template.toJSON().Resources[bus]?.Properties.Name ?? '').not.toBe(
      resource.Properties.Name,
    );
    expect(json.Outputs[OUTPUT_NAMES.changeEventBusName].Value).toEqual({ Ref: bus });
    expect(json.Outputs[OUTPUT_NAMES.changeEventBusArn].Value).toEqual({ 'Fn::GetAtt': [bus, 'Arn'] });
  });

  it('alarms when the consumer lags, fails whole batches or gives changes up, each alarm saying what to do, and graphs its lag', () => {
    const alarm = (prefix: string) => resourceOf('AWS::CloudWatch::Alarm', prefix)?.Properties;
    const consumerDimension = [{ Name: 'FunctionName', Value: { Ref: consumer } }];
    expect(alarm('RecordChangesLag')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 2,
      Threshold: 5 * 60_000,
      Dimensions: consumerDimension,
    });
    expect(alarm('PublishRecordChangesErrors')).toMatchObject({ MetricName: 'Errors', Dimensions: consumerDimension });
    expect(alarm('PublishRecordChangesErrors')?.AlarmDescription).toContain('on-failure queue');
    expect(alarm('PublishRecordChangesThrottles')).toMatchObject({ MetricName: 'Throttles', Dimensions: consumerDimension });
    expect(alarm('RecordChangesGivenUp')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Threshold: 1,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [failures, 'QueueName'] } }],
    });
    expect(alarm('RecordChangesGivenUp')?.AlarmDescription).toMatch(/24 hours.*sequence numbers|sequence numbers.*24 hours/);
    for (const prefix of ['RecordChangesLag', 'RecordChangesGivenUp', 'PublishRecordChangesErrors']) {
      expect(alarm(prefix)?.AlarmDescription.length, prefix).toBeLessThanOrEqual(1024);
    }
    const [[, dashboard] = []] = ofType(template, 'AWS::CloudWatch::Dashboard');
    expect(JSON.stringify(dashboard?.Properties.DashboardBody)).toContain('IteratorAge');
  });
});
