import { ValidationFailed } from '../../lambdas/domain/errors.ts';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { BillingRunAction } from '../../lambdas/domain/record-schema.ts';
import { shardOf } from '../../lambdas/domain/record-limit.ts';
import { spreadOf } from '../../lambdas/domain/spread.ts';
import { Conflict, Forbidden, NotFound, TenantLimitReached, VersionConflict } from '../../lambdas/domain/errors.ts';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbBillingRunActionRepository } from '../../lambdas/adapters/dynamodb/dynamodb-billing-run-action-repository.ts';
import { storedRecord } from '../support/fixtures.ts';

const documentClient = createDocumentClient({ region: 'eu-west-1' });
const ddb = mockClient(DynamoDBDocumentClient);
const repository = new DynamoDbBillingRunActionRepository(documentClient, 'actions', 'tenants');

const record = storedRecord({ sys_version: 3 });
const indexKeys = {
  certification_key: 't1#cert-1',
  application_key: 't1#app-1',
  // The lookups a billing run's lines gather under are written over 16 shards, by the record's id.
  training_provider_key: `t1#tp-1#${spreadOf(record.id, 16)}`,
  billing_run_key: `t1#run-1#${spreadOf(record.id, 16)}`,
  // The status indexes' sort key: the status, then the id.
  status_id: `${record.status}#${record.id}`,
};

const conditionFailed = (item?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, Item: item && marshall(item) });

beforeEach(() => ddb.reset());

describe('DynamoDbBillingRunActionRepository', () => {
  it('gets by tenant-scoped key, with the read consistency asked for, and strips storage attributes', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...record, pk: 't1#id-1', ...indexKeys } });
    expect(await repository.get('t1', 'id-1', { consistentRead: true })).toEqual(record);
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({ TableName: 'actions', Key: { pk: 't1#id-1' }, ConsistentRead: true });
  });

  it('treats a soft-deleted item as absent', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...record, pk: 't1#id-1', sys_deleted_by_id: 'u', expires_at: 1 } });
    expect(await repository.get('t1', 'id-1')).toBeUndefined();
  });

  const canceled = (reasons: { Code: string; Item?: Record<string, unknown> }[]) =>
    new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons: reasons.map((reason) => ({ Code: reason.Code, ...(reason.Item && { Item: marshall(reason.Item) }) })),
    });

  it('creates in one transaction: the tenant counter if there is room, the record if its key is new', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await repository.create('t1', record);
    expect(ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input).toEqual({
      // A token of its own, so that DynamoDB answers a retry of an attempt whose answer was lost as that attempt.
      ClientRequestToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
      TransactItems: [
        {
          // The counter's shard of the record's id (domain/record-limit.ts), only while its count is within its slice.
          Update: {
            TableName: 'tenants',
            Key: { tenant_id: `t1#counter#${shardOf(record.id)}` },
            UpdateExpression: 'SET shard_count = shard_count + :one',
            ConditionExpression: 'shard_count < shard_slice',
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
        {
          Put: {
            TableName: 'actions',
            Item: { ...record, pk: 't1#id-1', ...indexKeys },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ],
    });
  });

  /** The counter read whole after a shard refused: the registry item and the shards given (count, slice); the others absent. */
  const counterRead = (tenant: Record<string, unknown> | undefined, shards: Record<number, [number, number]>) => ({
    Responses: {
      tenants: [
        ...(tenant ? [{ tenant_id: 't1', ...tenant }] : []),
        ...Object.entries(shards).map(([shard, [count, slice]]) => ({
          tenant_id: `t1#counter#${shard}`,
          shard_count: count,
          shard_slice: slice,
        })),
      ],
    },
  });

  it('names the limit when the tenant is full, refuses an unprovisioned tenant, and moves to a shard with room', async () => {
    const provisioned = { usage_identifier_key: 'k', max_actions: 5 };
    const shardFull = canceled([{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }]);
    ddb.on(TransactWriteCommand).rejectsOnce(shardFull).rejectsOnce(shardFull).rejectsOnce(shardFull).resolves({});
    ddb
      .on(BatchGetCommand)
      .resolvesOnce(counterRead(provisioned, { 0: [3, 3], 1: [2, 2] }))
      .resolvesOnce(counterRead(undefined, {}))
      .resolvesOnce(counterRead(provisioned, { 0: [3, 3], 7: [1, 2] }));
    await expect(repository.create('t1', record)).rejects.toThrow(new TenantLimitReached('t1', 5));
    await expect(repository.create('t1', record)).rejects.toBeInstanceOf(Forbidden);
    await repository.create('t1', record);
    const attempts = ddb.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems?.[0]?.Update?.Key);
    expect(attempts.at(-1)).toEqual({ tenant_id: 't1#counter#7' });
    ddb.reset();
    ddb.on(TransactWriteCommand).rejects(canceled([{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Item: record }]));
    await expect(repository.create('t1', record)).rejects.toBeInstanceOf(Conflict);
  });

  it('retries a transaction that collided with another on the same counter', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(canceled([{ Code: 'TransactionConflict' }, { Code: 'None' }]))
      .rejectsOnce(canceled([{ Code: 'TransactionConflict' }, { Code: 'None' }]))
      .resolves({});
    await repository.create('t1', record);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it('replaces on the version read and tells a lost race from a vanished record', async () => {
    ddb
      .on(PutCommand)
      .resolvesOnce({})
      .rejectsOnce(conditionFailed({ ...record, pk: 't1#id-1', sys_version: 4 }))
      .rejectsOnce(conditionFailed())
      .rejectsOnce(conditionFailed({ ...record, pk: 't1#id-1', sys_deleted_by_id: 'u' }));
    await repository.replace('t1', record, 2);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: 'sys_version = :expectedVersion AND attribute_not_exists(sys_deleted_by_id)',
      ExpressionAttributeValues: { ':expectedVersion': 2 },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    await expect(repository.replace('t1', record, 2)).rejects.toBeInstanceOf(VersionConflict);
    await expect(repository.replace('t1', record, 2)).rejects.toBeInstanceOf(NotFound);
    await expect(repository.replace('t1', record, 2)).rejects.toBeInstanceOf(NotFound);
  });

  it('soft-deletes in one transaction: the deleted item without index keys and with a TTL, and one less in the count', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const deleted: BillingRunAction = { ...record, sys_version: 4, sys_deleted_by_id: 'u' };
    await repository.softDelete('t1', { record: deleted, expiresAt: 1_900_000_000 }, 3);
    const [counter, put] = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(counter?.Update).toMatchObject({
      TableName: 'tenants',
      Key: { tenant_id: `t1#counter#${shardOf(deleted.id)}` },
      UpdateExpression: 'SET shard_count = shard_count - :one',
    });
    expect(put?.Put?.Item).toEqual({ ...deleted, pk: 't1#id-1', expires_at: 1_900_000_000 });
    expect(put?.Put?.ConditionExpression).toBe('sys_version = :expectedVersion AND attribute_not_exists(sys_deleted_by_id)');
    expect(put?.Put?.ExpressionAttributeValues).toEqual({ ':expectedVersion': 3 });
  });

  it('tells a lost race from a vanished record when a delete is refused', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(canceled([{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Item: { ...record, sys_version: 9 } }]))
      .rejectsOnce(canceled([{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }]));
    const deletion = { record: { ...record, sys_deleted_by_id: 'u' }, expiresAt: 1 };
    await expect(repository.softDelete('t1', deletion, 3)).rejects.toBeInstanceOf(VersionConflict);
    await expect(repository.softDelete('t1', deletion, 3)).rejects.toBeInstanceOf(NotFound);
  });

  it('queries the lookup index for one item past the page, after the last id served, to know whether more exist', async () => {
    const items = [1, 2, 3].map((n) => ({ ...record, id: `id-${n}`, pk: `t1#id-${n}`, ...indexKeys }));
    ddb.on(QueryCommand).resolves({ Items: items, LastEvaluatedKey: { pk: 't1#id-3' } });
    const page = await repository.list('t1', 'certification', 'cert-1', { limit: 2, afterId: 'id-0' });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: 'actions',
      IndexName: 'byCertification',
      KeyConditionExpression: '#partition = :partition AND #sort > :after',
      ExpressionAttributeNames: { '#partition': 'certification_key', '#sort': 'id' },
      ExpressionAttributeValues: { ':partition': 't1#cert-1', ':after': 'id-0' },
      ScanIndexForward: true,
      Limit: 3,
    });
    expect(page).toEqual({
      items: [
        { ...record, id: 'id-1' },
        { ...record, id: 'id-2' },
      ],
      lastId: 'id-2',
    });
  });

  it('reads a billing run from its 16 index shards in small pages and merges them in id order, reading on where a shard is used up', async () => {
    const item = (n: number) => ({ ...record, id: `id-${String(n).padStart(2, '0')}`, pk: `t1#id-${n}`, ...indexKeys });
    // Shard 3 holds ids 1, 4 and (on its next page) 6; shard 9 holds 2 and 5; the others nothing.
    ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string>; ExclusiveStartKey?: unknown }) => {
      const shard = Number(input.ExpressionAttributeValues[':partition']?.split('#').at(-1));
      if (shard === 3)
        return input.ExclusiveStartKey ? { Items: [item(6)] } : { Items: [item(1), item(4)], LastEvaluatedKey: { pk: 't1#id-4' } };
      if (shard === 9) return { Items: [item(2), item(5)] };
      return { Items: [] };
    });
    const page = await repository.list('t1', 'billingRun', 'run-1', { limit: 4 });
    const partitions = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input.ExpressionAttributeValues?.[':partition']);
    expect(new Set(partitions)).toEqual(new Set(Array.from({ length: 16 }, (_, shard) => `t1#run-1#${shard}`)));
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(17); // one page of each shard, and shard 3's next
    expect(page).toEqual({ items: [1, 2, 4, 5].map((n) => ({ ...record, id: `id-0${n}` })), lastId: 'id-05' });
  });

  it('refuses ?status= with a 400 naming it, reading nothing, while its status index is not there yet (STATUS_LISTS=off)', async () => {
    const upgrading = new DynamoDbBillingRunActionRepository(documentClient, 'actions', 'tenants', { statusLists: false });
    const refused = upgrading.list('t1', 'certification', 'cert-1', { limit: 10, status: 'error' });
    await expect(refused).rejects.toBeInstanceOf(ValidationFailed);
    await expect(refused).rejects.toMatchObject({ details: [{ path: 'status' }] });
    expect(ddb.calls()).toHaveLength(0);
  });
});
