import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { BillingRunAction } from '../lambdas/domain/record-schema.ts';
import { newRecord } from '../lambdas/domain/record-stamp.ts';
import { createDocumentClient } from '../lambdas/adapters/dynamodb/document-client.ts';
import { toItem } from '../lambdas/adapters/dynamodb/record-items.ts';
import { DynamoDbTenantRegistry } from '../lambdas/adapters/dynamodb/dynamodb-tenant-registry.ts';
import { type TableNames, ensureTables, summariesTableOf } from '../lib/local/tables.ts';
import { provisionTenant } from '../lib/tenants/tenant-provisioning.ts';
import { validBody } from '../testkit/bodies.ts';

export const TENANT = 'bench';
export const TABLES: TableNames = { tableName: 'bench-actions', tenantsTableName: 'bench-tenants' };
/** A billing run whose summary the bench reads: one counter item of its 16, as the stream's consumer leaves it. */
export const SUMMARY_RUN = 'run-bench';

let sequence = 0;
/** A stored record of the bench tenant, as the service would have written it. */
export function benchRecord(overrides: Record<string, unknown> = {}): BillingRunAction {
  const id = `bench-${Date.now().toString(36)}-${(++sequence).toString(36).padStart(6, '0')}`;
  const caller = { principal: 'bench', tenantId: TENANT, sourceIp: '127.0.0.1', userAgent: 'bench', requestId: 'bench' };
  return newRecord(id, validBody(overrides) as never, { caller, operation: 'bench', at: new Date().toISOString() });
}

/** Tables, the bench tenant, and the environment the functions read, on a running DynamoDB Local. */
export async function prepareStore(endpoint: string): Promise<Record<string, string>> {
  const client = createDocumentClient({ region: 'us-east-1', endpoint });
  await ensureTables(client, TABLES);
  await provisionTenant(new DynamoDbTenantRegistry(client, TABLES.tenantsTableName), TENANT, { tier: 'premium', maxActions: 10_000_000 });
  const counter = { pk: `${TENANT}#summary#${SUMMARY_RUN}#0`, total: 1, 'status:pending': 1, 'type:send renewal reminder': 1 };
  await client.send(new PutCommand({ TableName: summariesTableOf(TABLES), Item: counter }));
  client.destroy();
  return {
    TABLE_NAME: TABLES.tableName,
    TENANTS_TABLE_NAME: TABLES.tenantsTableName,
    SUMMARIES_TABLE_NAME: summariesTableOf(TABLES),
    DYNAMODB_ENDPOINT: endpoint,
    AWS_REGION: 'us-east-1',
    CURSOR_SECRET: 'bench-cursor-secret',
  };
}

/** Writes records straight into the table, 25 per BatchWriteItem. */
export async function insertRecords(endpoint: string, records: BillingRunAction[]): Promise<void> {
  const client = createDocumentClient({ region: 'us-east-1', endpoint });
  const batches: BillingRunAction[][] = [];
  for (let i = 0; i < records.length; i += 25) batches.push(records.slice(i, i + 25));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++] as BillingRunAction[];
      let requests = batch.map((record) => ({ PutRequest: { Item: toItem(TENANT, record) } }));
      while (requests.length > 0) {
        const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [TABLES.tableName]: requests } }));
        requests = (UnprocessedItems?.[TABLES.tableName] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  client.destroy();
}
