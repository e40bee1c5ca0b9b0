import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TIERS } from '../lambdas/domain/tenant.ts';
import { startLocalService } from '../lib/local/local-service.ts';
import type { Tiers } from '../lib/stack/tiers.ts';
import { TABLES, TENANT } from './fixture.ts';

/**
 * The local service as `npm start` runs it, in a process of its own, on the bench's DynamoDB Local.
 * Its tiers are lifted so that the load measures the service and not the bench tenant's usage plan.
 */
const unthrottled = Object.fromEntries(TIERS.map((tier) => [tier, { rateLimit: 1e9, burstLimit: 1e9, monthlyQuota: null }])) as Tiers;
const service = await startLocalService({
  dataDir: mkdtempSync(join(tmpdir(), 'bra-bench-')),
  port: Number(process.env.PORT),
  inMemory: true,
  dynamoDbEndpoint: process.env.BENCH_DYNAMODB_ENDPOINT,
  tables: TABLES,
  tenants: [TENANT],
  tiers: unthrottled,
});
const token = await service.issuer.sign({ tenant: TENANT, expiresInSeconds: 3600 });
process.send?.({ url: service.url, token });
process.on('disconnect', () => void service.stop().then(() => process.exit(0)));
