import { afterAll, inject } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbTenantRegistry } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-registry.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { uniqueName } from '../support/fixtures.ts';
import { inMemoryTenantRegistry } from '../support/in-memory-tenant-registry.ts';
import { tenantRegistryContract } from './tenant-registry.contract.ts';

/** The tenant registry's contract on the in-memory stand-in and on the DynamoDB adapter against DynamoDB Local. */
const client = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
afterAll(() => client.destroy());

tenantRegistryContract('the in-memory tenant registry', async () => inMemoryTenantRegistry());

tenantRegistryContract('DynamoDbTenantRegistry on DynamoDB Local', async () => {
  const tables = { tableName: uniqueName('records'), tenantsTableName: uniqueName('tenants') };
  await ensureTables(client, tables);
  return new DynamoDbTenantRegistry(client, tables.tenantsTableName);
});
