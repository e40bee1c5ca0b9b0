import { afterAll, inject } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbBillingRunActionRepository } from '../../lambdas/adapters/dynamodb/dynamodb-billing-run-action-repository.ts';
import { DynamoDbStuckRecords } from '../../lambdas/adapters/dynamodb/dynamodb-stuck-records.ts';
import { DynamoDbTenantRegistry } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-registry.ts';
import type { BillingRunAction } from '../../lambdas/domain/record-schema.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { provisionTenant } from '../../lib/tenants/tenant-provisioning.ts';
import { uniqueName } from '../support/fixtures.ts';
import { inMemoryRepository } from '../support/in-memory-repository.ts';
import { inMemoryStuckRecords } from '../support/in-memory-stuck-records.ts';
import { stuckRecordsContract } from './stuck-records.contract.ts';

/** The sweep's walk, on the in-memory stand-in over the in-memory repository and on the DynamoDB adapter over DynamoDB Local. */
const client = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
afterAll(() => client.destroy());

stuckRecordsContract('the in-memory stuck records', async () => {
  const { repository, storedRecords } = inMemoryRepository();
  return { repository, stuck: inMemoryStuckRecords(storedRecords) };
});

stuckRecordsContract('DynamoDbStuckRecords on DynamoDB Local', async () => {
  const tables = { tableName: uniqueName('stuck'), tenantsTableName: uniqueName('tenants') };
  await ensureTables(client, tables);
  const registry = new DynamoDbTenantRegistry(client, tables.tenantsTableName);
  const repository = new DynamoDbBillingRunActionRepository(client, tables.tableName, tables.tenantsTableName);
  const provisioned = new Set<string>();
  // Each case's tenants are its own: provisioned on their first create.
  const create = async (tenantId: string, record: BillingRunAction) => {
    if (!provisioned.has(tenantId)) await provisionTenant(registry, tenantId);
    provisioned.add(tenantId);
    return repository.create(tenantId, record);
  };
  return { repository: Object.assign(Object.create(repository), { create }), stuck: new DynamoDbStuckRecords(client, tables.tableName) };
});
