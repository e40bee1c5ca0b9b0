import { parseBackfillCommand } from '../../lib/commands/backfill-command.ts';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbTenantRegistry } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-registry.ts';
import type { TenantRegistry } from '../../lambdas/ports/tenant-registry.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { readDeployedStack } from '../../lib/commands/stack-outputs.ts';
import { ApiGatewayUsageKeys, provisionTenant } from '../../lib/tenants/tenant-provisioning.ts';
import { UsageError } from '../../lib/commands/command-line.ts';
import { parseTenantsCommand, runOn } from '../../lib/commands/tenants-command.ts';
import { uniqueName } from '../support/fixtures.ts';

const apiGateway = mockClient(APIGatewayClient);
const plans = { basic: 'plan-basic', standard: 'plan-standard', premium: 'plan-premium' };
const keys = new ApiGatewayUsageKeys(new APIGatewayClient({ region: 'eu-west-1' }), plans);
const client = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
const tenantsTableName = uniqueName('tenants');
const registry = new DynamoDbTenantRegistry(client, tenantsTableName);
const printed: string[] = [];
const run = (argv: string[]) => runOn(registry, keys, parseTenantsCommand(argv, {}), (line) => printed.push(line));

beforeAll(() => ensureTables(client, { tableName: uniqueName('actions'), tenantsTableName }));
beforeEach(() => {
  apiGateway.reset();
  apiGateway.on(CreateApiKeyCommand).resolves({ id: 'key-id-1', value: 'key-value-1' });
  apiGateway.on(CreateUsagePlanKeyCommand).resolves({});
  apiGateway.on(DeleteUsagePlanKeyCommand).resolves({});
  apiGateway.on(DeleteApiKeyCommand).resolves({});
  printed.length = 0;
});

describe('npm run tenants against a deployed stack', () => {
  it('add creates the tenant’s API key, associates it with its tier’s usage plan and registers it', async () => {
    expect(await run(['add', 'acme', '--tier', 'standard', '--max-actions', '50'])).toBe(0);
    expect(apiGateway.commandCalls(CreateApiKeyCommand)[0]?.args[0].input).toMatchObject({
      name: 'BillingRunActions-acme',
      enabled: true,
    });
    expect(apiGateway.commandCalls(CreateUsagePlanKeyCommand)[0]?.args[0].input).toEqual({
      usagePlanId: 'plan-standard',
      keyId: 'key-id-1',
      keyType: 'API_KEY',
    });
    expect(await registry.get('acme')).toMatchObject({
      tier: 'standard',
      maxActions: 50,
      usageIdentifierKey: 'key-value-1',
      apiKeyId: 'key-id-1',
    });
    expect(printed).toEqual(["Tenant 'acme' added: tier standard, max actions 50."]);
  });

  it('a tier change moves the same key to the other usage plan', async () => {
    await run(['add', 'acme', '--tier', 'premium']);
    expect(apiGateway.commandCalls(CreateApiKeyCommand)).toHaveLength(0);
    expect(apiGateway.commandCalls(DeleteUsagePlanKeyCommand)[0]?.args[0].input).toEqual({
      usagePlanId: 'plan-standard',
      keyId: 'key-id-1',
    });
    expect(apiGateway.commandCalls(CreateUsagePlanKeyCommand)[0]?.args[0].input).toEqual({
      usagePlanId: 'plan-premium',
      keyId: 'key-id-1',
      keyType: 'API_KEY',
    });
    expect(await registry.get('acme')).toMatchObject({ tier: 'premium', maxActions: 50, usageIdentifierKey: 'key-value-1' });
    expect(printed).toEqual(["Tenant 'acme' changed: tier standard -> premium, max actions 50."]);
  });

  it('an add that changes nothing says so, and touches no key', async () => {
    expect(await run(['add', 'acme', '--max-actions', '50'])).toBe(0);
    expect(apiGateway.calls()).toHaveLength(0);
    expect(printed).toEqual(["Tenant 'acme' unchanged: tier premium, max actions 50."]);
  });

  it('deletes a new API key whose usage-plan association failed, and registers nothing', async () => {
    apiGateway.on(CreateApiKeyCommand).resolves({ id: 'key-id-2', value: 'key-value-2' });
    apiGateway.on(CreateUsagePlanKeyCommand).rejects(new Error('Rate exceeded'));
    await expect(run(['add', 'orphan-check'])).rejects.toThrow('Rate exceeded');
    expect(apiGateway.commandCalls(DeleteApiKeyCommand)[0]?.args[0].input).toEqual({ apiKey: 'key-id-2' });
    expect(await registry.get('orphan-check')).toBeUndefined();
  });

  it('deletes the new API key when the registry cannot record the tenant', async () => {
    const failing: TenantRegistry = {
      get: async () => undefined,
      registration: async () => undefined,
      put: async () => Promise.reject(new Error('table unavailable')),
      recordCount: (tenantId) => registry.recordCount(tenantId),
      remove: (tenantId) => registry.remove(tenantId),
      list: () => registry.list(),
      everAdded: () => registry.everAdded(),
    };
    await expect(provisionTenant(failing, 'unrecorded', { keys })).rejects.toThrow('table unavailable');
    expect(apiGateway.commandCalls(DeleteApiKeyCommand)[0]?.args[0].input).toEqual({ apiKey: 'key-id-1' });
  });

  it('puts a key back on its plan when the move to another tier fails', async () => {
    apiGateway.on(CreateUsagePlanKeyCommand, { usagePlanId: 'plan-basic' }).rejects(new Error('Rate exceeded'));
    await expect(run(['add', 'acme', '--tier', 'basic'])).rejects.toThrow('Rate exceeded');
    expect(apiGateway.commandCalls(CreateUsagePlanKeyCommand).map((call) => call.args[0].input.usagePlanId)).toEqual([
      'plan-basic',
      'plan-premium',
    ]);
    expect(apiGateway.commandCalls(DeleteApiKeyCommand)).toHaveLength(0);
    expect(await registry.get('acme')).toMatchObject({ tier: 'premium', apiKeyId: 'key-id-1' });
  });

  it('list shows tenants with their limit and count; remove deletes the API key and deprovisions', async () => {
    await run(['list']);
    expect(printed[0]).toMatch(/^acme\tpremium\tmax 50\tholds 0\tsince /);
    expect(await run(['remove', 'acme'])).toBe(0);
    expect(apiGateway.commandCalls(DeleteApiKeyCommand)[0]?.args[0].input).toEqual({ apiKey: 'key-id-1' });
    expect(await registry.get('acme')).toBeUndefined();
    expect(await run(['remove', 'acme'])).toBe(1);
    expect(printed.slice(1)).toEqual([
      "Tenant 'acme' removed; its records, tier and limit are kept.",
      "Tenant 'acme' was not provisioned.",
    ]);
  });

  describe('adding a removed tenant again restores its tier and limit, changed only by the options given, with a new API key', () => {
    /** Removes acme, adds it with `options` and gives what the add printed and the key it created and associated. */
    const readd = async (keyId: string, options: string[]) => {
      if (await registry.get('acme')) await run(['remove', 'acme']);
      apiGateway.reset();
      apiGateway.on(CreateApiKeyCommand).resolves({ id: keyId, value: `${keyId}-value` });
      apiGateway.on(CreateUsagePlanKeyCommand).resolves({});
      printed.length = 0;
      expect(await run(['add', 'acme', ...options])).toBe(0);
      expect(apiGateway.commandCalls(CreateApiKeyCommand)).toHaveLength(1);
      return {
        printed: [...printed],
        associations: apiGateway.commandCalls(CreateUsagePlanKeyCommand).map((call) => call.args[0].input),
      };
    };

    it('a plain add', async () => {
      expect(await readd('key-id-2', [])).toEqual({
        printed: ["Tenant 'acme' restored: tier premium, max actions 50."],
        associations: [{ usagePlanId: 'plan-premium', keyId: 'key-id-2', keyType: 'API_KEY' }],
      });
      expect(await registry.get('acme')).toMatchObject({
        tier: 'premium',
        maxActions: 50,
        usageIdentifierKey: 'key-id-2-value',
        apiKeyId: 'key-id-2',
      });
    });

    it('an add with only --max-actions', async () => {
      expect(await readd('key-id-3', ['--max-actions', '70'])).toEqual({
        printed: ["Tenant 'acme' restored: tier premium, max actions 50 -> 70."],
        associations: [{ usagePlanId: 'plan-premium', keyId: 'key-id-3', keyType: 'API_KEY' }],
      });
      expect(await registry.get('acme')).toMatchObject({ tier: 'premium', maxActions: 70, apiKeyId: 'key-id-3' });
    });

    it('an add with only --tier', async () => {
      expect(await readd('key-id-4', ['--tier', 'standard'])).toEqual({
        printed: ["Tenant 'acme' restored: tier premium -> standard, max actions 70."],
        associations: [{ usagePlanId: 'plan-standard', keyId: 'key-id-4', keyType: 'API_KEY' }],
      });
      expect(await registry.get('acme')).toMatchObject({ tier: 'standard', maxActions: 70, apiKeyId: 'key-id-4' });
      expect(apiGateway.commandCalls(DeleteUsagePlanKeyCommand)).toHaveLength(0);
    });

    it('deletes the new key when the registry cannot record the restored tenant, and leaves it removed', async () => {
      await run(['remove', 'acme']);
      const failing: TenantRegistry = {
        get: (tenantId) => registry.get(tenantId),
        registration: (tenantId) => registry.registration(tenantId),
        put: async () => Promise.reject(new Error('table unavailable')),
        recordCount: (tenantId) => registry.recordCount(tenantId),
        remove: (tenantId) => registry.remove(tenantId),
        list: () => registry.list(),
        everAdded: () => registry.everAdded(),
      };
      await expect(provisionTenant(failing, 'acme', { keys })).rejects.toThrow('table unavailable');
      expect(apiGateway.commandCalls(DeleteApiKeyCommand).at(-1)?.args[0].input).toEqual({ apiKey: 'key-id-1' });
      expect(await registry.registration('acme')).toMatchObject({ status: 'removed', tenant: { tier: 'standard', maxActions: 70 } });
    });
  });

  it('reads the registry table and usage plans from the stack outputs', async () => {
    const cloudFormation = mockClient(CloudFormationClient);
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'BillingRunActions',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: 'TableName', OutputValue: 'records-table' },
            { OutputKey: 'TenantsTableName', OutputValue: 'tenants-table' },
            { OutputKey: 'UsagePlanIdBasic', OutputValue: 'p1' },
            { OutputKey: 'UsagePlanIdStandard', OutputValue: 'p2' },
            { OutputKey: 'UsagePlanIdPremium', OutputValue: 'p3' },
          ],
        },
      ],
    });
    expect(await readDeployedStack(new CloudFormationClient({ region: 'eu-west-1' }), 'BillingRunActions')).toEqual({
      tableName: 'records-table',
      tenantsTableName: 'tenants-table',
      usagePlanIds: { basic: 'p1', standard: 'p2', premium: 'p3' },
    });
    cloudFormation
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [{ StackName: 'x', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [] }] });
    await expect(readDeployedStack(new CloudFormationClient({ region: 'eu-west-1' }), 'x')).rejects.toThrow(/has no output TableName/);
    cloudFormation.restore();
  });

  it('the status keys backfill takes --stack or STACK_NAME, and nothing else', () => {
    expect(parseBackfillCommand(['--stack', 'S'], {})).toEqual({ stack: 'S' });
    expect(parseBackfillCommand([], { STACK_NAME: 'T' })).toEqual({ stack: 'T' });
    expect(() => parseBackfillCommand([], {})).toThrow(UsageError);
    expect(() => parseBackfillCommand(['--stak', 'S'], {})).toThrow(UsageError);
  });

  it('parses --stack or STACK_NAME, and refuses bad arguments', () => {
    expect(parseTenantsCommand(['list', '--stack', 'S'], {}).stack).toBe('S');
    expect(parseTenantsCommand(['list'], { STACK_NAME: 'T' }).stack).toBe('T');
    expect(parseTenantsCommand(['list'], {}).stack).toBeUndefined();
    expect(() => parseTenantsCommand(['add'], {})).toThrow(UsageError);
    expect(() => parseTenantsCommand(['add', 'a', '--max-actions', '1.5'], {})).toThrow(UsageError);
    expect(() => parseTenantsCommand(['drop', 'a'], {})).toThrow(UsageError);
  });
});
