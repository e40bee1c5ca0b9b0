import { startLocalService } from '../../lib/local/local-service.ts';
import { TIERS } from '../../lambdas/domain/tenant.ts';
import type { Tiers } from '../../lib/stack/tiers.ts';

/**
 * The local service in a process of its own, on the test run's DynamoDB Local, for tests that kill it
 * and start it again on the same data directory and tables. Prints `READY <url>` once it serves.
 */
const env = process.env as Record<string, string>;
const unthrottled = Object.fromEntries(
  TIERS.map((tier) => [tier, { rateLimit: 1_000_000, burstLimit: 1_000_000, monthlyQuota: null }]),
) as Tiers;
const service = await startLocalService({
  dataDir: env.DATA_DIR as string,
  port: Number(env.PORT),
  inMemory: true,
  dynamoDbEndpoint: env.TEST_DYNAMODB_ENDPOINT,
  tables: { tableName: env.TEST_TABLE as string, tenantsTableName: env.TEST_TENANTS_TABLE as string },
  tenants: ['tenant-a'],
  tiers: unthrottled,
  authorizerCacheTtlSeconds: 0,
});
process.stdout.write(`READY ${service.url}\n`);
process.on('SIGTERM', () => void service.stop().then(() => process.exit(0)));
