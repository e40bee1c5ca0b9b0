import { afterAll, inject } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbOpenExecutions } from '../../lambdas/adapters/dynamodb/dynamodb-open-executions.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { uniqueName } from '../support/fixtures.ts';
import { inMemoryOpenExecutions } from '../support/in-memory-open-executions.ts';
import { openExecutionsContract } from './open-executions.contract.ts';

/** The open executions' contract on the in-memory stand-in and on the DynamoDB adapter against DynamoDB Local. */
const client = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
afterAll(() => client.destroy());

openExecutionsContract('the in-memory open executions', async () => inMemoryOpenExecutions());

openExecutionsContract('DynamoDbOpenExecutions on DynamoDB Local', async () => {
  const tables = { tableName: uniqueName('open'), tenantsTableName: uniqueName('tenants') };
  await ensureTables(client, tables);
  return new DynamoDbOpenExecutions(client, tables.tableName);
});
