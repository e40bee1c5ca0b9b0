import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BillingRunAction } from '../../lambdas/domain/record-schema.ts';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbBillingRunActionRepository } from '../../lambdas/adapters/dynamodb/dynamodb-billing-run-action-repository.ts';
import { DynamoDbStuckRecords } from '../../lambdas/adapters/dynamodb/dynamodb-stuck-records.ts';
import { DynamoDbTenantRegistry } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-registry.ts';
import { PROCESSING_INDEX } from '../../lambdas/adapters/dynamodb/table-design.ts';
import { provisionTenant } from '../../lib/tenants/tenant-provisioning.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { storedRecord, uniqueName } from '../support/fixtures.ts';

const client = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
const tableName = uniqueName('stuck');
const tenantsTableName = uniqueName('tenants');
const repository = new DynamoDbBillingRunActionRepository(client, tableName, tenantsTableName);
const stuck = new DynamoDbStuckRecords(client, tableName);
let sequence = 0;
const record = (status: BillingRunAction['status'], changed: string): BillingRunAction =>
  storedRecord({ id: `stuck-${String(++sequence).padStart(4, '0')}`, status, sys_last_modified_at: changed });

beforeAll(async () => {
  await ensureTables(client, { tableName, tenantsTableName });
  for (const tenantId of ['t1', 't2']) await provisionTenant(new DynamoDbTenantRegistry(client, tenantsTableName), tenantId);
});
afterAll(() => client.destroy());

describe('the sweep’s query on the sparse processing index, against DynamoDB Local', () => {
  it('finds records of every tenant in processing changed before the cut-off, and no other', async () => {
    const old = [record('processing', '2026-11-01T00:00:00Z'), record('processing', '2026-11-02T00:00:00Z')];
    await repository.create('t1', old[0] as BillingRunAction);
    await repository.create('t2', old[1] as BillingRunAction);
    await repository.create('t1', record('processing', '2026-11-30T00:00:00Z'));
    await repository.create('t1', record('completed', '2026-11-01T00:00:00Z'));
    const left = record('processing', '2026-11-03T00:00:00Z');
    await repository.create('t1', left);
    // A write that leaves processing drops the record from the index.
    await repository.replace('t1', { ...left, status: 'completed', sys_version: 2 } as BillingRunAction, 1);

    const found = await stuck.changedBefore('2026-11-15T00:00:00Z', 100);
    expect(found.map(({ tenantId, record: item }) => [tenantId, item.id]).sort()).toEqual(
      [
        ['t1', old[0]?.id],
        ['t2', old[1]?.id],
      ].sort(),
    );
    expect(found[0]?.record).not.toHaveProperty(PROCESSING_INDEX.partitionKey);
    expect(await stuck.changedBefore('2026-11-15T00:00:00Z', 1)).toHaveLength(1);
  });

  it('adds the later indexes to a records table made before them: the bulk load errors’ to one that has the processing one', async () => {
    const older = uniqueName('older');
    await client.send(
      new CreateTableCommand({
        TableName: older,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: PROCESSING_INDEX.partitionKey, AttributeType: 'S' },
          { AttributeName: PROCESSING_INDEX.sortKey, AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: PROCESSING_INDEX.indexName,
            KeySchema: [
              { AttributeName: PROCESSING_INDEX.partitionKey, KeyType: 'HASH' },
              { AttributeName: PROCESSING_INDEX.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
    await ensureTables(client, { tableName: older, tenantsTableName });
    const { Table } = await client.send(new DescribeTableCommand({ TableName: older }));
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(['byBulkLoadError', PROCESSING_INDEX.indexName]);
    await client.send(new DeleteTableCommand({ TableName: older }));
  });
});
