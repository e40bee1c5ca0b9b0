import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, inject } from 'vitest';
import type { LineRange } from '../../lambdas/domain/ndjson-lines.ts';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import type { UploadedFile } from '../../lambdas/ports/bulk-load-files.ts';
import { DynamoDbBillingRunActionRepository } from '../../lambdas/adapters/dynamodb/dynamodb-billing-run-action-repository.ts';
import { DynamoDbBulkChunks } from '../../lambdas/adapters/dynamodb/dynamodb-bulk-chunks.ts';
import { DynamoDbBulkLoads } from '../../lambdas/adapters/dynamodb/dynamodb-bulk-loads.ts';
import { DynamoDbTenantRegistry } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-registry.ts';
import { readThrough } from '../../lambdas/use-cases/bulk-load-steps.ts';
import type { BulkRunDependencies } from '../../lambdas/use-cases/dependencies.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { provisionTenant } from '../../lib/tenants/tenant-provisioning.ts';
import { dependencies } from './in-memory-repository.ts';
import { awaitingLoad, uniqueName } from './fixtures.ts';
import { validBody } from '../../testkit/bodies.ts';

/**
 * The bulk load's steps on the test run's DynamoDB Local, for a test file: its own tables (made before
 * its tests, with tenants bulk-a and bulk-small, 50 records), the adapters, and ways to start a load
 * of a file held in memory and to read what it wrote.
 */
export function bulkStepsOnDynamoDbLocal() {
  const client = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
  const tables = { tableName: uniqueName('bulk'), tenantsTableName: uniqueName('bulk-tenants') };
  const registry = new DynamoDbTenantRegistry(client, tables.tenantsTableName);
  const repository = new DynamoDbBillingRunActionRepository(client, tables.tableName, tables.tenantsTableName);
  const loads = new DynamoDbBulkLoads(client, tables.tableName);
  const chunks = new DynamoDbBulkChunks(client, tables.tableName, tables.tenantsTableName);
  let sequence = 0;
  const actions = dependencies(repository, { clock: () => new Date(), newId: () => `bulk-${Date.now()}-${++sequence}` });
  const deps = (overrides: Partial<BulkRunDependencies> = {}): BulkRunDependencies => ({
    loads,
    chunks,
    actions,
    batch: { maxLines: 10, maxBytes: 1024 * 1024 },
    ...overrides,
  });

  /** A file held in memory, read in small pieces (so that lines straddle them), its batches kept. */
  function memoryFile(text: string): UploadedFile & { batches: LineRange[] } {
    const bytes = Buffer.from(text);
    const batches: LineRange[] = [];
    return {
      batches,
      version: 'memory',
      async *read(range) {
        const slice = range ? bytes.subarray(range.start, range.end) : bytes;
        for (let at = 0; at < slice.length; at += 7) yield slice.subarray(at, at + 7);
      },
      async writeBatches(ranges) {
        for await (const range of ranges) batches.push(range);
      },
    };
  }

  async function startedLoad(tenantId: string, text: string, run: Partial<BulkRunDependencies> = {}) {
    const id = `load-${++sequence}`;
    await loads.create(tenantId, awaitingLoad(id, 'run.ndjson'));
    const file = memoryFile(text);
    const load = await readThrough(deps(run), file, tenantId, id);
    return { id, file, load };
  }

  const line = (overrides: Record<string, unknown> = {}) => JSON.stringify(validBody(overrides));
  const recordsOf = async (loadId: string) =>
    (
      await client.send(
        new ScanCommand({
          TableName: tables.tableName,
          FilterExpression: 'sys_bulk_load_id = :id',
          ExpressionAttributeValues: { ':id': loadId },
        }),
      )
    ).Items ?? [];
  const countOf = (tenantId: string) => registry.recordCount(tenantId);

  beforeAll(async () => {
    await ensureTables(client, tables);
    await provisionTenant(registry, 'bulk-a');
    await provisionTenant(registry, 'bulk-small', { maxActions: 50 });
  });
  afterAll(() => client.destroy());

  return { client, tables, registry, repository, loads, chunks, actions, deps, memoryFile, startedLoad, line, recordsOf, countOf };
}
