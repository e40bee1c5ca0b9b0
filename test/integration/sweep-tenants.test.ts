import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BillingRunAction } from '../../lambdas/domain/record-schema.ts';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbBillingRunActionRepository } from '../../lambdas/adapters/dynamodb/dynamodb-billing-run-action-repository.ts';
import { DynamoDbOpenExecutions } from '../../lambdas/adapters/dynamodb/dynamodb-open-executions.ts';
import { DynamoDbStuckRecords } from '../../lambdas/adapters/dynamodb/dynamodb-stuck-records.ts';
import { DynamoDbTenantRegistry } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-registry.ts';
import { PROCESSING_INDEX, processingPartitions, recordKey } from '../../lambdas/adapters/dynamodb/table-design.ts';
import { SWEEPER_PRINCIPAL, sweepStuckProcessing } from '../../lambdas/use-cases/sweep-stuck-processing.ts';
import { provisionTenant } from '../../lib/tenants/tenant-provisioning.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { storedRecord, uniqueName } from '../support/fixtures.ts';

const client = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
const tableName = uniqueName('sweep');
const tenantsTableName = uniqueName('tenants');
const repository = new DynamoDbBillingRunActionRepository(client, tableName, tenantsTableName);
const registry = new DynamoDbTenantRegistry(client, tenantsTableName);
const executions = new DynamoDbOpenExecutions(client, tableName);
const TENANTS = ['acme', 'globex', 'gone'];
const stuckRecord = (id: string, changed: string): BillingRunAction =>
  storedRecord({ id, status: 'processing', sys_last_modified_at: changed });

/** The entries of a tenant's shards of the processing index (DynamoDB Local updates an index at once). */
async function entriesOf(tenantId: string): Promise<unknown[]> {
  const found: unknown[] = [];
  for (const partition of processingPartitions(tenantId)) {
    const { Items } = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: PROCESSING_INDEX.indexName,
        KeyConditionExpression: '#key = :key',
        ExpressionAttributeNames: { '#key': PROCESSING_INDEX.partitionKey },
        ExpressionAttributeValues: { ':key': partition },
      }),
    );
    found.push(...(Items ?? []));
  }
  return found;
}

beforeAll(async () => {
  await ensureTables(client, { tableName, tenantsTableName });
  for (const tenantId of TENANTS) await provisionTenant(registry, tenantId);
});
afterAll(() => client.destroy());

describe('the sweep over every tenant, against DynamoDB Local', () => {
  it('lists every tenant ever added, a removed one too (its records are kept), and no counter shard', async () => {
    expect(await registry.everAdded()).toEqual(TENANTS);
  });

  it('moves each tenant’s stuck records to error under that tenant’s keys, a removed tenant’s too, and leaves the rest', async () => {
    await repository.create('acme', stuckRecord('a-stuck', '2026-11-01T00:00:00Z'));
    await repository.create('acme', stuckRecord('a-recent', '2026-11-29T00:00:00Z'));
    await repository.create('globex', stuckRecord('g-stuck', '2026-11-02T00:00:00Z'));
    await repository.create('gone', stuckRecord('x-stuck', '2026-11-03T00:00:00Z'));
    await registry.remove('gone');
    for (const tenantId of ['acme', 'globex']) expect(await entriesOf(tenantId)).not.toHaveLength(0);

    const result = await sweepStuckProcessing({
      repository,
      stuck: new DynamoDbStuckRecords(client, tableName),
      executions,
      tenants: registry,
      clock: () => new Date('2026-11-30T00:00:00Z'),
      stuckAfterMs: 7 * 24 * 3_600_000,
      requestId: 'sweep-tenants',
      remainingMs: () => 300_000,
    });

    expect(result).toEqual({ swept: 3, skipped: 0, backlogLeft: false, placesClosed: 0 });
    for (const [tenantId, id] of [
      ['acme', 'a-stuck'],
      ['globex', 'g-stuck'],
      ['gone', 'x-stuck'],
    ] as const) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { pk: recordKey(tenantId, id) } }));
      expect(Item).toMatchObject({
        status: 'error',
        sys_last_modified_by_id: SWEEPER_PRINCIPAL,
        sys_last_security_context: { tenant: tenantId },
      });
      expect(Item).not.toHaveProperty(PROCESSING_INDEX.partitionKey);
    }
    expect(await repository.get('acme', 'a-recent')).toMatchObject({ status: 'processing' });
    expect(await entriesOf('acme')).toEqual([
      {
        pk: recordKey('acme', 'a-recent'),
        [PROCESSING_INDEX.partitionKey]: expect.stringMatching(/^acme#processing#\d+$/),
        [PROCESSING_INDEX.sortKey]: '2026-11-29T00:00:00Z',
      },
    ]);
    expect(await entriesOf('globex')).toEqual([]);
  });

  it("closes a tenant's place of an execution that must have ended (found in the processing index), keeping the others", async () => {
    await executions.open('globex', 'lost-end', 10);
    const sweptAt = new Date(Date.now() + 8 * 24 * 3_600_000);
    const deps = {
      repository,
      stuck: new DynamoDbStuckRecords(client, tableName),
      executions,
      tenants: registry,
      requestId: 'sweep-places',
    };
    const result = await sweepStuckProcessing({
      ...deps,
      clock: () => sweptAt,
      stuckAfterMs: 7 * 24 * 3_600_000,
      remainingMs: () => 300_000,
    });
    expect(result.placesClosed).toBe(1);
    expect(await executions.count('globex')).toBe(0);
    expect(await executions.open('globex', 'next', 1)).toBe(true);
  });
});
