import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BillingRunAction } from '../../lambdas/domain/record-schema.ts';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbBillingRunActionRepository } from '../../lambdas/adapters/dynamodb/dynamodb-billing-run-action-repository.ts';
import { DynamoDbStuckRecords } from '../../lambdas/adapters/dynamodb/dynamodb-stuck-records.ts';
import { DynamoDbTenantRegistry } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-registry.ts';
import { LEGACY_PROCESSING_INDEX, PROCESSING_INDEX, processingPartition, recordKey } from '../../lambdas/adapters/dynamodb/table-design.ts';
import type { StuckRecordKey } from '../../lambdas/ports/stuck-records.ts';
import { provisionTenant } from '../../lib/tenants/tenant-provisioning.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { storedRecord, uniqueName } from '../support/fixtures.ts';

const client = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
const tableName = uniqueName('stuck');
const tenantsTableName = uniqueName('tenants');
const repository = new DynamoDbBillingRunActionRepository(client, tableName, tenantsTableName);
const stuck = new DynamoDbStuckRecords(client, tableName);
const CUTOFF = '2026-11-15T00:00:00Z';
let sequence = 0;
const record = (status: BillingRunAction['status'], changed: string): BillingRunAction =>
  storedRecord({ id: `stuck-${String(++sequence).padStart(4, '0')}`, status, sys_last_modified_at: changed });

/** Every page of the walk, and the keys in them. */
async function walk(tenantIds: string[], pageSize: number, of = stuck): Promise<{ pages: StuckRecordKey[][]; keys: string[][] }> {
  const pages: StuckRecordKey[][] = [];
  for await (const page of of.changedBefore(tenantIds, CUTOFF, pageSize)) pages.push(page);
  return { pages, keys: pages.flat().map(({ tenantId, id }) => [tenantId, id]) };
}

/** A record of t1 put in processing before the upgrade: under the legacy index's keys (record-items.ts wrote them so). */
async function putBeforeUpgrade(table: string): Promise<BillingRunAction> {
  const before = record('processing', '2026-11-06T00:00:00Z');
  const item = {
    ...before,
    pk: recordKey('t1', before.id),
    [LEGACY_PROCESSING_INDEX.partitionKey]: 'processing#3',
    [LEGACY_PROCESSING_INDEX.sortKey]: before.sys_last_modified_at,
  };
  await client.send(new PutCommand({ TableName: table, Item: item }));
  return before;
}

beforeAll(async () => {
  await ensureTables(client, { tableName, tenantsTableName });
  for (const tenantId of ['t1', 't2', 'paged']) await provisionTenant(new DynamoDbTenantRegistry(client, tenantsTableName), tenantId);
});
afterAll(() => client.destroy());

describe('the sweep’s walk of the processing index keyed by tenant, against DynamoDB Local', () => {
  it('finds each tenant’s records in processing changed before the cut-off under its own keys, and no other', async () => {
    const old = [record('processing', '2026-11-01T00:00:00Z'), record('processing', '2026-11-02T00:00:00Z')];
    await repository.create('t1', old[0] as BillingRunAction);
    await repository.create('t2', old[1] as BillingRunAction);
    await repository.create('t1', record('processing', '2026-11-30T00:00:00Z'));
    await repository.create('t1', record('completed', '2026-11-01T00:00:00Z'));
    const left = record('processing', '2026-11-03T00:00:00Z');
    await repository.create('t1', left);
    // A write that leaves processing drops the record from the index.
    await repository.replace('t1', { ...left, status: 'completed', sys_version: 2 } as BillingRunAction, 1);

    const { pages, keys } = await walk(['t1', 't2'], 100);
    expect(keys.sort()).toEqual([
      ['t1', old[0]?.id],
      ['t2', old[1]?.id],
    ]);
    // One page a tenant (and the legacy index's first), each of one tenant's keys.
    expect(pages).toHaveLength(3);
    expect((await walk(['t2'], 100)).keys).toEqual([['t2', old[1]?.id]]);
  });

  it('keeps the record’s keys alone in its entry, under its tenant’s shard of the index', async () => {
    const large = { ...record('processing', '2026-11-04T00:00:00Z'), error_stack: 'x'.repeat(20_000) };
    await repository.create('t2', large);
    const partition = processingPartition('t2', large.id);
    expect(partition).toMatch(/^t2#processing#\d+$/);
    const { Items } = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: PROCESSING_INDEX.indexName,
        KeyConditionExpression: '#key = :key',
        ExpressionAttributeNames: { '#key': PROCESSING_INDEX.partitionKey },
        ExpressionAttributeValues: { ':key': partition },
      }),
    );
    const entry = Items?.find((item) => item.pk === recordKey('t2', large.id));
    expect(entry).toEqual({
      pk: recordKey('t2', large.id),
      [PROCESSING_INDEX.partitionKey]: partition,
      [PROCESSING_INDEX.sortKey]: '2026-11-04T00:00:00Z',
    });
  });

  it('reads each shard a page at a time (a page of 16 asks each of 16 shards for one), and still finds every record', async () => {
    const many = Array.from({ length: 40 }, () => record('processing', '2026-11-05T00:00:00Z'));
    for (const each of many) await repository.create('paged', each);
    const { pages, keys } = await walk(['paged'], 16);
    expect(pages.every((page) => page.length <= 16)).toBe(true);
    expect(keys.map(([, id]) => id).sort()).toEqual(many.map((each) => each.id).sort());
  });

  it('also finds a record put in processing before the upgrade, in the legacy index’s shards of all tenants', async () => {
    const before = await putBeforeUpgrade(tableName);
    expect((await walk([], 100)).keys).toEqual([['t1', before.id]]);
  });
});
