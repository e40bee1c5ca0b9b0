import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { TENANT_ID_PATTERN } from '../../lambdas/domain/billing-run-action.ts';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbTenantRegistry } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-registry.ts';
import { TIERS, type TierName } from '../../lambdas/domain/tenant.ts';
import { type TenantRegistry } from '../../lambdas/ports/tenant-registry.ts';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { DEFAULT_TABLES, readInstanceFile } from '../local/local-service.ts';
import { ensureTables } from '../local/tables.ts';
import { UsageError } from './command-line.ts';
import { readDeployedStack } from './stack-outputs.ts';
import {
  ApiGatewayUsageKeys,
  type Provisioned,
  type UsageKeys,
  localUsageKeys,
  provisionTenant,
  removeTenant,
} from '../tenants/tenant-provisioning.ts';

export const USAGE = `usage:
  npm run tenants -- add <tenantId> [--tier ${TIERS.join('|')}] [--max-actions N] [--stack <name>]
  npm run tenants -- list [--stack <name>]
  npm run tenants -- remove <tenantId> [--stack <name>]
Without --stack (or STACK_NAME) it acts on the local store under DATA_DIR; with it, on the deployed
stack's tenant registry and API Gateway usage plans (AWS credentials and region from the environment).`;

export interface ParsedCommand {
  command: 'add' | 'list' | 'remove';
  tenantId: string | undefined;
  tier: TierName | undefined;
  maxActions: number | undefined;
  stack: string | undefined;
}

export function parseTenantsCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedCommand {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { tier: { type: 'string' }, 'max-actions': { type: 'string' }, stack: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const [command, tenantId] = positionals;
  if (command !== 'add' && command !== 'list' && command !== 'remove') throw new UsageError(`Unknown command '${command ?? ''}'.`);
  if (command !== 'list' && (!tenantId || !TENANT_ID_PATTERN.test(tenantId)))
    throw new UsageError(`tenantId must match ${TENANT_ID_PATTERN.source}.`);
  if (values.tier !== undefined && !TIERS.includes(values.tier as TierName))
    throw new UsageError(`--tier must be one of ${TIERS.join(', ')}.`);
  const maxActions = values['max-actions'] === undefined ? undefined : Number(values['max-actions']);
  if (maxActions !== undefined && (!Number.isInteger(maxActions) || maxActions < 0))
    throw new UsageError('--max-actions must be a whole number.');
  return { command, tenantId, tier: values.tier as TierName | undefined, maxActions, stack: values.stack ?? (env.STACK_NAME || undefined) };
}

/** What an add did, in one line: each setting, and where it changed, what it was. */
function describeAdd(result: Provisioned): string {
  const { tenant } = result;
  const before = result.outcome === 'added' ? undefined : result.before;
  const setting = <T>(name: string, now: T, was: T | undefined) =>
    was === undefined || was === now ? `${name} ${now}` : `${name} ${was} -> ${now}`;
  const settings = `${setting('tier', tenant.tier, before?.tier)}, ${setting('max actions', tenant.maxActions, before?.maxActions)}`;
  const unchanged = before?.tier === tenant.tier && before.maxActions === tenant.maxActions;
  const what = result.outcome === 'updated' ? (unchanged ? 'unchanged' : 'changed') : result.outcome;
  return `Tenant '${tenant.tenantId}' ${what}: ${settings}.`;
}

export async function runOn(
  registry: TenantRegistry,
  keys: UsageKeys,
  parsed: ParsedCommand,
  print: (line: string) => void,
): Promise<number> {
  const tenantId = parsed.tenantId as string;
  if (parsed.command === 'add') {
    print(describeAdd(await provisionTenant(registry, tenantId, { tier: parsed.tier, maxActions: parsed.maxActions, keys })));
    return 0;
  }
  if (parsed.command === 'remove') {
    const removed = await removeTenant(registry, tenantId, keys);
    print(removed ? `Tenant '${tenantId}' removed; its records, tier and limit are kept.` : `Tenant '${tenantId}' was not provisioned.`);
    return removed ? 0 : 1;
  }
  const tenants = await registry.list();
  if (tenants.length === 0) print('No tenants are provisioned.');
  for (const tenant of tenants) {
    print(`${tenant.tenantId}\t${tenant.tier}\tmax ${tenant.maxActions}\tholds ${tenant.actionCount}\tsince ${tenant.createdAt}`);
  }
  return 0;
}

/** Runs the command against the deployed stack, or the local store (the running instance's, or the data directory's). */
export async function runTenantsCommand(parsed: ParsedCommand, print: (line: string) => void): Promise<number> {
  if (parsed.stack) {
    const stack = await readDeployedStack(new CloudFormationClient({}), parsed.stack);
    const client = createDocumentClient({ region: process.env.AWS_REGION });
    try {
      return await runOn(
        new DynamoDbTenantRegistry(client, stack.tenantsTableName),
        new ApiGatewayUsageKeys(new APIGatewayClient({}), stack.usagePlanIds, parsed.stack),
        parsed,
        print,
      );
    } finally {
      client.destroy();
    }
  }
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  const instance = readInstanceFile(dataDir);
  const dynamoDb = instance ? undefined : await startDynamoDbLocal({ dataDir: join(dataDir, 'dynamodb') });
  const tables = instance ?? DEFAULT_TABLES;
  const client = createDocumentClient({ region: 'us-east-1', endpoint: instance?.dynamoDbEndpoint ?? dynamoDb?.endpoint });
  try {
    await ensureTables(client, tables);
    return await runOn(new DynamoDbTenantRegistry(client, tables.tenantsTableName), localUsageKeys, parsed, print);
  } finally {
    client.destroy();
    await dynamoDb?.stop();
  }
}
