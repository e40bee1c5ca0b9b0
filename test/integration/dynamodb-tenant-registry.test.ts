import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Forbidden, TenantLimitReached } from '../../lambdas/domain/errors.ts';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbBillingRunActionRepository } from '../../lambdas/adapters/dynamodb/dynamodb-billing-run-action-repository.ts';
import { DynamoDbTenantRegistry } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-registry.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { storedRecord, uniqueName } from '../support/fixtures.ts';

const client = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
const tables = { tableName: uniqueName('actions'), tenantsTableName: uniqueName('tenants') };
const registry = new DynamoDbTenantRegistry(client, tables.tenantsTableName);
const repository = new DynamoDbBillingRunActionRepository(client, tables.tableName, tables.tenantsTableName);
const tenant = {
  tenantId: 'leaver',
  tier: 'standard',
  maxActions: 5,
  usageIdentifierKey: 'key-1',
  createdAt: '2026-01-01T00:00:00.000Z',
} as const;

beforeAll(() => ensureTables(client, tables));
afterAll(() => client.destroy());

describe('DynamoDbTenantRegistry: a removed tenant on DynamoDB Local', () => {
  it('reads as absent to the authorizer and refuses writes, while its tier, limit and record count are kept', async () => {
    await registry.put(tenant);
    await repository.create('leaver', storedRecord({ id: 'kept-1' }));
    expect(await registry.remove('leaver')).toBe(true);

    expect(await registry.get('leaver')).toBeUndefined();
    expect(await registry.list()).toEqual([]);
    expect(await registry.registration('leaver')).toEqual({
      status: 'removed',
      tenant: { tenantId: 'leaver', tier: 'standard', maxActions: 5, createdAt: tenant.createdAt, removedAt: expect.any(String) },
    });
    expect(await registry.recordCount('leaver')).toBe(1);
    // A function that an authorizer decision cached before the removal let through still cannot write.
    const refused = repository.create('leaver', storedRecord({ id: 'refused' }));
    await expect(refused).rejects.toBeInstanceOf(Forbidden);
    await expect(refused).rejects.toThrow("Tenant 'leaver' is not provisioned");
    expect(await registry.remove('leaver')).toBe(false);
  });

  it('is provisioned again by a put, with a new key, its record count and its limit counted as before', async () => {
    await registry.put({ ...tenant, usageIdentifierKey: 'key-2' });
    expect(await registry.get('leaver')).toEqual({ ...tenant, usageIdentifierKey: 'key-2' });
    expect(await registry.registration('leaver')).toEqual({ status: 'provisioned', tenant: { ...tenant, usageIdentifierKey: 'key-2' } });
    expect(await registry.list()).toEqual([{ ...tenant, usageIdentifierKey: 'key-2', actionCount: 1 }]);
    for (const id of ['kept-2', 'kept-3', 'kept-4', 'kept-5']) await repository.create('leaver', storedRecord({ id }));
    await expect(repository.create('leaver', storedRecord({ id: 'over' }))).rejects.toBeInstanceOf(TenantLimitReached);
  });

  it('knows no registration of a tenant never added', async () => {
    expect(await registry.registration('stranger')).toBeUndefined();
  });
});
