import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { TooManyRequests } from '../../lambdas/domain/errors.ts';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbBillingRunActionRepository } from '../../lambdas/adapters/dynamodb/dynamodb-billing-run-action-repository.ts';
import { DynamoDbTenantRegistry } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-registry.ts';
import { storageBusy } from '../../lambdas/storage-busy.ts';
import { storedRecord } from '../support/fixtures.ts';

/*
 * The tenant's counter changed by the registry (a rebalance with the registry item's change) and by a
 * create that met a full shard: a lost race (a condition failed) is read again after a jittered wait,
 * DynamoDB refusing for load (a transaction item throttled or held, keys of the counter's read left
 * unprocessed) is waited out, and past the schedule the answer says the table is busy.
 */
const documentClient = createDocumentClient({ region: 'eu-west-1' });
const ddb = mockClient(DynamoDBDocumentClient);
const SHORT = { attempts: Number.POSITIVE_INFINITY, baseMs: 20, capMs: 40, budgetMs: 300 };
const registry = new DynamoDbTenantRegistry(documentClient, 'tenants', SHORT);
const tenant = { tenantId: 't1', tier: 'basic', maxActions: 64, usageIdentifierKey: 'k', createdAt: '2026-01-01T00:00:00.000Z' } as const;

const canceled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
/** Every shard of t1 with `count` records in a slice of `slice`, and the registry item. */
const counterRead = (count: number, slice: number, maxActions = 64) => ({
  Responses: {
    tenants: [
      { tenant_id: 't1', usage_identifier_key: 'k', max_actions: maxActions },
      ...Array.from({ length: 32 }, (_, shard) => ({ tenant_id: `t1#counter#${shard}`, shard_count: count, shard_slice: slice })),
    ],
  },
});
const lostRace = () => canceled('ConditionalCheckFailed', ...Array(32).fill('None'));
const throttled = () => canceled('ThrottlingError', ...Array(32).fill('None'));

beforeEach(() => ddb.reset());

describe("the registry's change of a tenant (a rebalance of its counter)", () => {
  it('reads the counter again after a wait when a write raced it, and lands', async () => {
    ddb.on(BatchGetCommand).resolves(counterRead(1, 2));
    ddb.on(TransactWriteCommand).rejectsOnce(lostRace()).rejectsOnce(lostRace()).resolves({});
    await registry.put(tenant);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(3);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(3);
  });

  it('waits out a throttled transaction and a throttled read of the counter, rather than count them as lost races', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ ...counterRead(1, 2), UnprocessedKeys: { tenants: { Keys: [{ tenant_id: 't1#counter#5' }] } } })
      .resolves(counterRead(1, 2));
    ddb.on(TransactWriteCommand).rejectsOnce(throttled()).rejectsOnce(canceled('TransactionConflict')).resolves({});
    await registry.put(tenant);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it('answers that the tenants table is busy when its schedule ends: throttled, or its counter kept changing', async () => {
    ddb.on(BatchGetCommand).resolves(counterRead(1, 2));
    ddb.on(TransactWriteCommand).rejects(throttled());
    const change = registry.put(tenant);
    await expect(change).rejects.toBeInstanceOf(TooManyRequests);
    await expect(change).rejects.toThrow('The tenants table is busy (throttled); try again shortly');
    expect(ddb.commandCalls(TransactWriteCommand).length).toBeGreaterThan(2);

    ddb.reset();
    ddb.on(BatchGetCommand).resolves({ ...counterRead(1, 2), UnprocessedKeys: { tenants: { Keys: [{ tenant_id: 't1' }] } } });
    await expect(registry.recordCount('t1')).rejects.toThrow('The tenants table is busy (throttled); try again shortly');

    ddb.reset();
    ddb.on(BatchGetCommand).resolves(counterRead(1, 2));
    ddb.on(TransactWriteCommand).rejects(lostRace());
    await expect(registry.remove('t1')).rejects.toThrow(
      "The tenants table is busy (the record counter of tenant 't1' kept changing under its writes); try again shortly",
    );
  });
});

describe('a create that met a full shard', () => {
  const repository = new DynamoDbBillingRunActionRepository(documentClient, 'actions', 'tenants');
  const shardFull = () => canceled('ConditionalCheckFailed', 'None');
  const rebalance = (call: { args: [unknown] }) =>
    ((call.args[0] as { input: { TransactItems: unknown[] } }).input.TransactItems.length ?? 0) === 32;

  it('rebalances the frozen counter, and after a lost race reads it again and takes the room the rebalance made', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce(counterRead(1, 1)) // full everywhere, 32 of 64: rebalance
      .resolvesOnce(counterRead(1, 1)) // the rebalance lost its race: read again after a wait
      .resolves(counterRead(1, 2)); // rebalanced: room in every shard
    ddb.on(TransactWriteCommand).rejectsOnce(shardFull()).rejectsOnce(lostRace()).resolves({});
    await repository.create('t1', storedRecord());
    expect(ddb.commandCalls(TransactWriteCommand).filter(rebalance)).toHaveLength(2);
  });

  it('answers a rebalance that stays throttled as throttled storage (429), not as concurrent writes', async () => {
    ddb.on(BatchGetCommand).resolves(counterRead(1, 1));
    ddb.on(TransactWriteCommand).callsFake((input: { TransactItems: unknown[] }) => {
      throw input.TransactItems.length === 32 ? throttled() : shardFull();
    });
    const create = repository.create('t1', storedRecord());
    await expect(create).rejects.toSatisfy(storageBusy);
    await expect(create).rejects.toBeInstanceOf(TransactionCanceledException);
  }, 10_000);
});
