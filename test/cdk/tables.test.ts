import { Match } from 'aws-cdk-lib/assertions';
import { describe, it } from 'vitest';
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
        Match.objectLike({
          IndexName: 'byProcessingSince',
          KeySchema: [
            { AttributeName: 'processing_shard', KeyType: 'HASH' },
            { AttributeName: 'processing_since', KeyType: 'RANGE' },
          ],
        }),
      ]),
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'tenant_id', KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });
});
