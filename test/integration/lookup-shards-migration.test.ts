import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbBillingRunActionRepository } from '../../lambdas/adapters/dynamodb/dynamodb-billing-run-action-repository.ts';
import { toItem } from '../../lambdas/adapters/dynamodb/record-items.ts';
import { migrateLookupShards } from '../../lib/local/lookup-shards-migration.ts';
import { backfillStatusKeys } from '../../lib/tables/status-keys-backfill.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { storedRecord, uniqueName } from '../support/fixtures.ts';

const client = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
const tables = { tableName: uniqueName('migrate'), tenantsTableName: uniqueName('migrate-tenants') };
const repository = new DynamoDbBillingRunActionRepository(client, tables.tableName, tables.tenantsTableName);

beforeAll(() => ensureTables(client, tables));
afterAll(() => client.destroy());

describe("a data directory from before the lookups' write sharding", () => {
  it('gets its records into the sharded index keys at start, so lists by billing run and training provider find them', async () => {
    const records = ['old-1', 'old-2', 'old-3'].map((id) =>
      storedRecord({ id, billing_run_id: 'run-old', training_provider_id: 'tp-old' }),
    );
    for (const record of records) {
      // As the service wrote them before: `<tenant>#<value>`, no shard.
      await client.send(
        new PutCommand({
          TableName: tables.tableName,
          Item: { ...toItem('t1', record), billing_run_key: 't1#run-old', training_provider_key: 't1#tp-old' },
        }),
      );
    }
    expect((await repository.list('t1', 'billingRun', 'run-old', { limit: 10 })).items).toEqual([]);
    expect(await migrateLookupShards(client, tables.tableName)).toBe(3);
    expect((await repository.list('t1', 'billingRun', 'run-old', { limit: 10 })).items.map((item) => item.id)).toEqual([
      'old-1',
      'old-2',
      'old-3',
    ]);
    expect((await repository.list('t1', 'trainingProvider', 'tp-old', { limit: 2 })).items.map((item) => item.id)).toEqual([
      'old-1',
      'old-2',
    ]);
    expect(await migrateLookupShards(client, tables.tableName)).toBe(0);
  });
});

describe('a data directory from before the status lists', () => {
  it('gets its live records their status key at start, so ?status= lists find them, and leaves deleted ones out', async () => {
    const records = ['st-1', 'st-2', 'st-3'].map((id, index) =>
      storedRecord({ id, billing_run_id: 'run-before-status', status: index === 1 ? 'pending' : 'error' }),
    );
    for (const record of records) {
      // As the service wrote them before: no status_id.
      const { status_id: _statusKey, ...before } = toItem('t1', record);
      await client.send(new PutCommand({ TableName: tables.tableName, Item: before }));
    }
    const inError = () => repository.list('t1', 'billingRun', 'run-before-status', { limit: 10, status: 'error' });
    expect((await inError()).items).toEqual([]);
    expect(await backfillStatusKeys(client, tables.tableName)).toBe(3);
    expect((await inError()).items.map((item) => item.id)).toEqual(['st-1', 'st-3']);
    expect(await backfillStatusKeys(client, tables.tableName)).toBe(0);
  });

  it('repairs a status key out of step with the status (a write-back by an execution started before the status lists)', async () => {
    const record = storedRecord({ id: 'st-old-exec', billing_run_id: 'run-old-exec', status: 'completed' });
    await client.send(
      new PutCommand({ TableName: tables.tableName, Item: { ...toItem('t1', record), status_id: 'processing#st-old-exec' } }),
    );
    const completed = () => repository.list('t1', 'billingRun', 'run-old-exec', { limit: 10, status: 'completed' });
    expect((await completed()).items).toEqual([]);
    expect(await backfillStatusKeys(client, tables.tableName)).toBe(1);
    expect((await completed()).items.map((item) => item.id)).toEqual(['st-old-exec']);
  });
});
