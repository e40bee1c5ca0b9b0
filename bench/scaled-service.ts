import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TIERS } from '../lambdas/domain/tenant.ts';
import { freePort } from '../lib/local/dynamodb-local.ts';
import { type LocalService, type LocalServiceOptions, startLocalService } from '../lib/local/local-service.ts';
import { AWS_CAPACITY } from '../lib/local/capacity/settings.ts';
import type { TableNames } from '../lib/local/tables.ts';
import type { Tiers } from '../lib/stack/tiers.ts';

import { SCALE } from './scale.ts';

export { SCALE };
const unthrottled = Object.fromEntries(TIERS.map((tier) => [tier, { rateLimit: 1e9, burstLimit: 1e9, monthlyQuota: null }])) as Tiers;

/**
 * The local service of the capacity figures: under the capacity emulator at SCALE, on the bench's
 * DynamoDB Local with tables of its own, the tiers lifted (the figures measure DynamoDB's limits, not a
 * usage plan's), `tenants` provisioned; stopped, and its data directory removed, once `work` ends.
 * `work` is also handed the tables' names.
 */
export async function withScaledService<T>(
  endpoint: string,
  options: { name: string; tenants: string[]; changes?: LocalServiceOptions['changes'] },
  work: (service: LocalService, tables: TableNames) => Promise<T>,
): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), `bra-bench-${options.name}-`));
  const tables = { tableName: `bench-${options.name}-${Date.now()}`, tenantsTableName: `bench-${options.name}-tenants-${Date.now()}` };
  const service = await startLocalService({
    dataDir,
    port: await freePort(),
    inMemory: true,
    dynamoDbEndpoint: endpoint,
    tables,
    tenants: options.tenants,
    tiers: unthrottled,
    authorizerCacheTtlSeconds: 300,
    capacity: { ...AWS_CAPACITY, scale: SCALE },
    ...(options.changes && { changes: options.changes }),
  });
  try {
    return await work(service, tables);
  } finally {
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
