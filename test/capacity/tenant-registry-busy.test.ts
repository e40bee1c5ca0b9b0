import { RETRY_POLICIES } from '../../lambdas/retry-policies.ts';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TooManyRequests } from '../../lambdas/domain/errors.ts';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbTenantRegistry } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-registry.ts';
import { readCounter } from '../../lambdas/adapters/dynamodb/tenant-counter.ts';
import { whileBusy } from '../../lambdas/adapters/dynamodb/while-busy.ts';
import { type CapacityEmulator, startCapacityEmulator } from '../../lib/local/capacity/emulator.ts';
import { AWS_CAPACITY } from '../../lib/local/capacity/settings.ts';
import { writeUnits } from '../../lib/local/capacity/units.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { parseTenantsCommand, runOn } from '../../lib/commands/tenants-command.ts';
import { localUsageKeys } from '../../lib/tenants/tenant-provisioning.ts';
import { uniqueName } from '../support/fixtures.ts';

/*
 * The tenant registry's own writes on a tenants table throttled hard: the capacity emulator at scale
 * 200 takes 5 write units a second per key and 20 per table, and holds a transaction's items 2 s
 * after it landed. A change of a tenant is one transaction over its 33 counter items (66 write units),
 * so each one puts the table seconds in debt, and the next change meets throttling and held items.
 * The registry waits both out (adapters/dynamodb/while-busy.ts, RETRY_POLICIES.registry) and answers that the
 * table is busy when its schedule ends; it used to read either as a lost race, retry at once, and
 * answer "The counter of tenant ... kept changing".
 */
const SCALE = 200;
const tables = { tableName: uniqueName('busy-registry'), tenantsTableName: uniqueName('busy-registry-tenants') };
let emulator: CapacityEmulator;
let client: ReturnType<typeof createDocumentClient>;

beforeAll(async () => {
  const setup = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
  await ensureTables(setup, tables);
  setup.destroy();
  emulator = await startCapacityEmulator(inject('dynamoDbEndpoint'), { ...AWS_CAPACITY, scale: SCALE });
  client = createDocumentClient({ region: 'us-east-1', endpoint: emulator.url });
});
afterAll(async () => {
  client.destroy();
  await emulator.stop();
});

const sliceSum = async (tenantId: string) =>
  (await readCounter(client, tables.tenantsTableName, tenantId)).shards.reduce((sum, shard) => sum + shard.slice, 0);

describe('the tenant registry on a throttled tenants table', () => {
  it('adds a tenant, changes its limit and removes it through the command, each change waiting the table out', async () => {
    const registry = new DynamoDbTenantRegistry(client, tables.tenantsTableName);
    const printed: string[] = [];
    const run = (...argv: string[]) => runOn(registry, localUsageKeys, parseTenantsCommand(argv, {}), (line) => printed.push(line));

    expect(await run('add', 'busy-a', '--max-actions', '100')).toBe(0);
    expect(await run('add', 'busy-a', '--max-actions', '500')).toBe(0);
    expect(await run('add', 'busy-b', '--tier', 'premium')).toBe(0);
    expect(printed).toEqual([
      "Tenant 'busy-a' added: tier basic, max actions 100.",
      "Tenant 'busy-a' changed: tier basic, max actions 100 -> 500.",
      "Tenant 'busy-b' added: tier premium, max actions 1000000.",
    ]);
    expect(await sliceSum('busy-a')).toBe(500);
    expect(await run('remove', 'busy-a')).toBe(0);
    expect(await registry.get('busy-a')).toBeUndefined();
    // The changes met the emulator's limits (throttled, or items held by the change before) and waited.
    const { throttled, conflicts } = emulator.report();
    expect(throttled + conflicts).toBeGreaterThan(0);
  }, 60_000);

  it('changes a limit straight after another (a rebalance on a table in debt, its items still held)', async () => {
    const registry = new DynamoDbTenantRegistry(client, tables.tenantsTableName);
    const tenant = {
      tenantId: 'busy-c',
      tier: 'standard',
      maxActions: 10,
      usageIdentifierKey: 'key-c',
      createdAt: new Date().toISOString(),
    } as const;
    const before = emulator.report();
    await registry.put(tenant);
    await registry.put({ ...tenant, maxActions: 20 });
    await registry.put({ ...tenant, maxActions: 30 });
    expect((await registry.get('busy-c'))?.maxActions).toBe(30);
    expect(await sliceSum('busy-c')).toBe(30);
    const after = emulator.report();
    expect(after.throttled + after.conflicts).toBeGreaterThan(before.throttled + before.conflicts);
  }, 60_000);

  it('answers that the tenants table is busy when it stays throttled past the schedule, and writes nothing', async () => {
    // Another writer puts the tenants table about 190 s in debt: every transaction is throttled from now on.
    const debt = 5 * 2 * writeUnits(390_000);
    expect(debt / (AWS_CAPACITY.tableWriteUnits / SCALE)).toBeGreaterThan(150);
    // (Admitted once the table is out of the debt the tests before left.)
    await whileBusy(RETRY_POLICIES.registry, () =>
      client.send(
        new TransactWriteCommand({
          TransactItems: Array.from({ length: 5 }, (_, index) => ({
            Put: { TableName: tables.tenantsTableName, Item: { tenant_id: `filler#${index}`, filler: 'x'.repeat(390_000) } },
          })),
        }),
      ),
    );
    const impatient = new DynamoDbTenantRegistry(client, tables.tenantsTableName, {
      attempts: Number.POSITIVE_INFINITY,
      baseMs: 50,
      capMs: 400,
      budgetMs: 1_500,
    });
    const change = impatient.put({
      tenantId: 'busy-d',
      tier: 'basic',
      maxActions: 5,
      usageIdentifierKey: 'key-d',
      createdAt: new Date().toISOString(),
    });
    await expect(change).rejects.toBeInstanceOf(TooManyRequests);
    await expect(change).rejects.toThrow('The tenants table is busy (throttled); try again shortly');
    const printed: string[] = [];
    const command = runOn(impatient, localUsageKeys, parseTenantsCommand(['add', 'busy-d'], {}), (line) => printed.push(line));
    await expect(command).rejects.toThrow('The tenants table is busy (throttled); try again shortly');
    expect(printed).toEqual([]);
    expect(await impatient.registration('busy-d')).toBeUndefined();
  }, 30_000);
});
