import { afterAll, inject } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbBillingRunActionRepository } from '../../lambdas/adapters/dynamodb/dynamodb-billing-run-action-repository.ts';
import { DynamoDbTenantRegistry } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-registry.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { provisionTenant } from '../../lib/tenants/tenant-provisioning.ts';
import { uniqueName } from '../support/fixtures.ts';
import { type ContractTenant, billingRunActionRepositoryContract } from './billing-run-action-repository.contract.ts';
import { recordListsContract } from './record-lists.contract.ts';

/** The repository contract on the DynamoDB adapter, against DynamoDB Local: tables of this file's own. */
const client = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
afterAll(() => client.destroy());

/** The repository on tables of its own, with these tenants. */
async function onDynamoDbLocal(tenants: ContractTenant[]): Promise<DynamoDbBillingRunActionRepository> {
  const tables = { tableName: uniqueName('repo'), tenantsTableName: uniqueName('tenants') };
  await ensureTables(client, tables);
  const registry = new DynamoDbTenantRegistry(client, tables.tenantsTableName);
  for (const tenant of tenants) {
    await provisionTenant(registry, tenant.id, tenant.maxActions === undefined ? {} : { maxActions: tenant.maxActions });
  }
  return new DynamoDbBillingRunActionRepository(client, tables.tableName, tables.tenantsTableName);
}

billingRunActionRepositoryContract('DynamoDbBillingRunActionRepository on DynamoDB Local', onDynamoDbLocal);
recordListsContract('DynamoDbBillingRunActionRepository on DynamoDB Local', onDynamoDbLocal);
