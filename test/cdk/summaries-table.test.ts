import { describe, expect, it } from 'vitest';
import { PARTITION_KEY, TTL_ATTRIBUTE } from '../../lambdas/adapters/dynamodb/table-design.ts';
import { OUTPUT_NAMES } from '../../lib/stack/output-names.ts';
import { NO_BUNDLING, ofType, synth } from '../support/cdk-synth.ts';

const { template } = synth(NO_BUNDLING);
const json = template.toJSON();
const tableOf = (of: ReturnType<typeof synth>['template']) =>
  ofType(of, 'AWS::DynamoDB::Table').find(([id]) => id.startsWith('Summaries')) ?? [];
const [summaries = '', table] = tableOf(template);

describe("the run summaries' table", () => {
  it('is keyed by pk alone, on demand, with TTL, PITR, deletion protection and encryption, retained, no index and no stream', () => {
    expect(table?.Properties).toMatchObject({
      KeySchema: [{ AttributeName: PARTITION_KEY, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: PARTITION_KEY, AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      SSESpecification: { SSEEnabled: true },
    });
    expect(table?.Properties.GlobalSecondaryIndexes).toBeUndefined();
    expect(table?.Properties.LocalSecondaryIndexes).toBeUndefined();
    expect(table?.Properties.StreamSpecification).toBeUndefined();
    expect(json.Resources[summaries]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    // Encrypted as the other two.
    for (const [id, other] of ofType(template, 'AWS::DynamoDB::Table')) {
      expect(other.Properties.SSESpecification, id).toEqual(table?.Properties.SSESpecification);
    }
  });

  it("is pre-warmed as the records table with warmWriteUnits, and left AWS's defaults without", () => {
    const [, warm] = tableOf(synth({ ...NO_BUNDLING, warmWriteUnits: 12_000 }).template);
    expect(warm?.Properties.WarmThroughput).toEqual({ WriteUnitsPerSecond: 12_000 });
    expect(table?.Properties.WarmThroughput).toBeUndefined();
  });

  it('gives its name as the output the backfill command reads', () => {
    expect(json.Outputs[OUTPUT_NAMES.summariesTableName].Value).toEqual({ Ref: summaries });
  });

  it('is written by the change stream consumer alone (UpdateItem) and read by the summary operation alone (BatchGetItem)', () => {
    const grants = ofType(template, 'AWS::IAM::Policy').flatMap(([id, policy]) =>
      (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((statement) => JSON.stringify(statement.Resource).includes(`"${summaries}"`))
        .map((statement) => [id.replace(/Role\w*$/, ''), statement.Action, statement.Resource]),
    );
    expect(grants.sort()).toEqual([
      ['RecordChangesPublishRecordChanges', 'dynamodb:UpdateItem', { 'Fn::GetAtt': [summaries, 'Arn'] }],
      ['getBillingRunSummary', 'dynamodb:BatchGetItem', { 'Fn::GetAtt': [summaries, 'Arn'] }],
    ]);
  });

  it('alarms on its throttling, summed over the operations that use it, saying what it means and what to do', () => {
    const [, alarm] = ofType(template, 'AWS::CloudWatch::Alarm').find(([id]) => id.startsWith('SummariesThrottled')) ?? [];
    type Metric = { MetricName: string; Dimensions: { Name: string; Value: unknown }[] };
    const operations = (alarm?.Properties.Metrics as { MetricStat?: { Metric: Metric } }[])
      .flatMap((metric) => (metric.MetricStat ? [metric.MetricStat.Metric] : []))
      .map((metric) => {
        expect(metric.MetricName).toBe('ThrottledRequests');
        expect(metric.Dimensions).toContainEqual({ Name: 'TableName', Value: { Ref: summaries } });
        return metric.Dimensions.find((dimension) => dimension.Name === 'Operation')?.Value;
      });
    expect(operations).toEqual(expect.arrayContaining(['TransactWriteItems', 'UpdateItem', 'BatchGetItem']));
    const description = alarm?.Properties.AlarmDescription as string;
    expect(description).toMatch(/RecordChangesLag/);
    expect(description).toMatch(/warmWriteUnits/);
    expect(description.length).toBeLessThanOrEqual(1024);
    expect(ofType(template, 'AWS::CloudWatch::Alarm').some(([id]) => id.startsWith('SummariesSystemErrors'))).toBe(true);
  });
});
