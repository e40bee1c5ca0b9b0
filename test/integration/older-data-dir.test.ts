import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbStuckRecords } from '../../lambdas/adapters/dynamodb/dynamodb-stuck-records.ts';
import { LEGACY_PROCESSING_INDEX, STATUS_INDEXES, recordKey } from '../../lambdas/adapters/dynamodb/table-design.ts';
import type { StuckRecordKey } from '../../lambdas/ports/stuck-records.ts';
import { type RunningDynamoDb, startDynamoDbLocal } from '../../lib/local/dynamodb-local.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { storedRecord } from '../support/fixtures.ts';

/**
 * An older DATA_DIR's records table gains the later indexes at start. On a DynamoDB Local of its own:
 * the suite's shared instance, busy with every other file's tables, was seen to leave an added index
 * building for minutes.
 */
let dynamoDb: RunningDynamoDb;
let client: ReturnType<typeof createDocumentClient>;
beforeAll(async () => {
  dynamoDb = await startDynamoDbLocal();
  client = createDocumentClient({ region: 'us-east-1', endpoint: dynamoDb.endpoint });
});
afterAll(async () => {
  client?.destroy();
  await dynamoDb?.stop();
});

describe('a records table made before the later indexes (an older DATA_DIR)', () => {
  it('gains them at start, and its record in processing under the legacy keys is still found', async () => {
    await client.send(
      new CreateTableCommand({
        TableName: 'older',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: LEGACY_PROCESSING_INDEX.partitionKey, AttributeType: 'S' },
          { AttributeName: LEGACY_PROCESSING_INDEX.sortKey, AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: LEGACY_PROCESSING_INDEX.indexName,
            KeySchema: [
              { AttributeName: LEGACY_PROCESSING_INDEX.partitionKey, KeyType: 'HASH' },
              { AttributeName: LEGACY_PROCESSING_INDEX.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
    // A record of t1 put in processing before the upgrade: under the legacy index's keys, as record-items.ts wrote them.
    const before = storedRecord({ id: 'before-upgrade', status: 'processing', sys_last_modified_at: '2026-11-06T00:00:00Z' });
    await client.send(
      new PutCommand({
        TableName: 'older',
        Item: {
          ...before,
          pk: recordKey('t1', before.id),
          [LEGACY_PROCESSING_INDEX.partitionKey]: 'processing#3',
          [LEGACY_PROCESSING_INDEX.sortKey]: before.sys_last_modified_at,
        },
      }),
    );
    await ensureTables(client, { tableName: 'older', tenantsTableName: 'tenants' });
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'older' }));
    const indexes = Object.fromEntries(
      (Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index.Projection?.ProjectionType]),
    );
    expect(indexes).toEqual({
      byBulkLoadError: 'ALL',
      byProcessingSince: 'ALL',
      byTenantProcessing: 'KEYS_ONLY',
      ...Object.fromEntries(Object.values(STATUS_INDEXES).map((index) => [index.indexName, 'KEYS_ONLY'])),
    });
    const found: StuckRecordKey[] = [];
    for await (const page of new DynamoDbStuckRecords(client, 'older').changedBefore(['t1'], '2026-11-15T00:00:00Z', 100))
      found.push(...page);
    expect(found).toEqual([{ tenantId: 't1', id: before.id }]);
  }, 120_000);
});
