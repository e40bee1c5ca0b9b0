import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TENANT_ID_PATTERN } from '../lambdas/domain/billing-run-action.ts';
import { createDocumentClient } from '../lambdas/storage/document-client.ts';
import { DynamoDbTenantRegistry } from '../lambdas/storage/dynamodb-tenant-registry.ts';
import { TIERS, type TierName } from '../lambdas/storage/tenant-registry.ts';
import { startDynamoDbLocal } from '../lib/local/dynamodb-local.ts';
import { DEFAULT_TABLES, readInstanceFile } from '../lib/local/local-service.ts';
import { ensureTables } from '../lib/local/tables.ts';
import { provisionTenant } from '../lib/tenant-provisioning.ts';

const usage = `usage:
  npm run tenants -- add <tenantId> [--tier ${TIERS.join('|')}] [--max-actions N]
  npm run tenants -- list
  npm run tenants -- remove <tenantId>`;

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

const { values, positionals } = parseArgs({
  options: { tier: { type: 'string' }, 'max-actions': { type: 'string' } },
  allowPositionals: true,
  strict: true,
});
const [command, tenantId] = positionals;
if (command !== 'add' && command !== 'list' && command !== 'remove') fail(`Unknown command '${command ?? ''}'.`);
if (command !== 'list' && (!tenantId || !TENANT_ID_PATTERN.test(tenantId))) fail(`tenantId must match ${TENANT_ID_PATTERN.source}.`);
if (values.tier !== undefined && !TIERS.includes(values.tier as TierName)) fail(`--tier must be one of ${TIERS.join(', ')}.`);
const maxActions = values['max-actions'] === undefined ? undefined : Number(values['max-actions']);
if (maxActions !== undefined && (!Number.isInteger(maxActions) || maxActions < 0)) fail('--max-actions must be a whole number.');

// Act on the running instance's store when there is one; otherwise open the same data directory briefly.
const dataDir = resolve(process.env.DATA_DIR ?? '.data');
const instance = readInstanceFile(dataDir);
const dynamoDb = instance ? undefined : await startDynamoDbLocal({ dataDir: join(dataDir, 'dynamodb') });
const tables = instance ?? DEFAULT_TABLES;
const client = createDocumentClient({ region: 'us-east-1', endpoint: instance?.dynamoDbEndpoint ?? dynamoDb?.endpoint });
try {
  await ensureTables(client, tables);
  const registry = new DynamoDbTenantRegistry(client, tables.tenantsTableName);
  if (command === 'add') {
    const tenant = await provisionTenant(registry, tenantId as string, { tier: values.tier as TierName | undefined, maxActions });
    console.log(`Tenant '${tenant.tenantId}' provisioned: tier ${tenant.tier}, max actions ${tenant.maxActions}.`);
  } else if (command === 'remove') {
    const removed = await registry.remove(tenantId as string);
    console.log(removed ? `Tenant '${tenantId}' removed; its records are kept.` : `Tenant '${tenantId}' was not provisioned.`);
    if (!removed) process.exitCode = 1;
  } else {
    const tenants = await registry.list();
    if (tenants.length === 0) console.log('No tenants are provisioned.');
    for (const tenant of tenants) console.log(`${tenant.tenantId}\t${tenant.tier}\tmax ${tenant.maxActions}\tsince ${tenant.createdAt}`);
  }
} finally {
  client.destroy();
  await dynamoDb?.stop();
}
