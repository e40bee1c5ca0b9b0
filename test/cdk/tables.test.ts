import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { NO_BUNDLING, synth } from '../support/cdk-synth.ts';

const { template } = synth(NO_BUNDLING);

describe('the tables', () => {
  it('has the records table: on demand, PITR, deletion protection, TTL, the four lookup GSIs, the sweep’s (and test/bulk-load/in-the-stack.test.ts’s)', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      GlobalSecondaryIndexes: Match.arrayWith([
        ...['byCertification', 'byApplication', 'byTrainingProvider', 'byBillingRun'].map((name) =>
          Match.objectLike({
            IndexName: name,
            KeySchema: [Match.objectLike({ KeyType: 'HASH' }), { AttributeName: 'id', KeyType: 'RANGE' }],
            Projection: { ProjectionType: 'ALL' },
          }),
        ),
        // The sweep's: the legacy one as it was deployed (kept one release), and the one keyed by tenant, keys only.
        Match.objectLike({
          IndexName: 'byProcessingSince',
          KeySchema: [
            { AttributeName: 'processing_shard', KeyType: 'HASH' },
            { AttributeName: 'processing_since', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        }),
        Match.objectLike({
          IndexName: 'byTenantProcessing',
          KeySchema: [
            { AttributeName: 'tenant_processing_key', KeyType: 'HASH' },
            { AttributeName: 'tenant_processing_since', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        }),
      ]),
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'tenant_id', KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('has Contributor Insights (most accessed and most throttled keys) on the records table and on each of its indexes, not on the registry, throttled keys alone on the summaries', () => {
    const insights = { Enabled: true, Mode: 'ACCESSED_AND_THROTTLED_KEYS' };
    const tables = Object.entries(template.findResources('AWS::DynamoDB::Table'));
    const records = tables.find(([id]) => id.startsWith('Records'))?.[1].Properties;
    expect(records.ContributorInsightsSpecification).toEqual(insights);
    expect(records.GlobalSecondaryIndexes).toHaveLength(11);
    for (const index of records.GlobalSecondaryIndexes) expect(index.ContributorInsightsSpecification, index.IndexName).toEqual(insights);
    const registry = tables.find(([id]) => id.startsWith('Tenants'))?.[1].Properties;
    expect(registry.ContributorInsightsSpecification).toBeUndefined();
    const summaries = tables.find(([id]) => id.startsWith('Summaries'))?.[1].Properties;
    expect(summaries.ContributorInsightsSpecification).toEqual({ Enabled: true, Mode: 'THROTTLED_KEYS' });
  });
});
