import {
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  TransactionConflictException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { LOOKUP_INDEXES } from '../../lambdas/adapters/dynamodb/table-design.ts';
import { type CapacityEmulator, startCapacityEmulator } from '../../lib/local/capacity/emulator.ts';
import { AWS_CAPACITY } from '../../lib/local/capacity/settings.ts';
import { type AttributeValue, itemSize } from '../../lib/local/capacity/units.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { uniqueName } from '../support/fixtures.ts';

const tables = { tableName: uniqueName('capacity'), tenantsTableName: uniqueName('capacity-tenants') };
let emulator: CapacityEmulator;
let client: DynamoDBClient;

// At scale 100: 10 write units a second per partition key value, 40 per table and per index; transactions hold 300 ms.
beforeAll(async () => {
  const setup = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
  await ensureTables(setup, tables);
  setup.destroy();
  emulator = await startCapacityEmulator(inject('dynamoDbEndpoint'), { ...AWS_CAPACITY, scale: 100, transactionHoldMs: 3 });
  // One attempt: each throttle surfaces as DynamoDB answers it, not hidden by the SDK's retries.
  client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: emulator.url,
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await emulator.stop();
});

const item = (pk: string, billingRun = `run-${pk}`, bodyBytes = 600) => ({
  pk: { S: pk },
  billing_run_key: { S: billingRun },
  id: { S: pk },
  body: { S: 'x'.repeat(bodyBytes) },
});
const put = (pk: string, billingRun?: string, bodyBytes?: number) =>
  client.send(new PutItemCommand({ TableName: tables.tableName, Item: item(pk, billingRun, bodyBytes) }));
const outcomes = async (count: number, write: (index: number) => Promise<unknown>) => {
  const settled = await Promise.allSettled(Array.from({ length: count }, (_, index) => write(index)));
  return {
    ok: settled.filter((outcome) => outcome.status === 'fulfilled').length,
    errors: settled.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as Error] : [])),
  };
};

describe('the capacity emulator in front of DynamoDB Local', () => {
  it("throttles one partition key value past its write rate, and leaves another key's writes alone", async () => {
    const hammered = await outcomes(30, () => put('hot-key'));
    expect(hammered.ok).toBeGreaterThanOrEqual(10);
    expect(hammered.ok).toBeLessThan(15);
    expect(hammered.errors[0]).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect((hammered.errors[0] as unknown as { ThrottlingReasons: unknown[] }).ThrottlingReasons).toEqual([
      { reason: 'TableWriteKeyRangeThroughputExceeded', resource: expect.stringContaining(tables.tableName) },
    ]);
    const other = await outcomes(5, () => put('cool-key'));
    expect(other.ok).toBe(5);
  });

  it('throttles the base write when the GSI key it writes is past its rate, and writes nothing then', async () => {
    const hot = await outcomes(25, (index) => put(`line-${index}`, 'one-billing-run'));
    expect(hot.ok).toBeLessThan(15);
    const refused = hot.errors[0] as unknown as { ThrottlingReasons: { reason: string; resource: string }[] };
    expect(refused.ThrottlingReasons[0]?.reason).toBe('IndexWriteKeyRangeThroughputExceeded');
    expect(refused.ThrottlingReasons[0]?.resource).toMatch(/\/index\/byBillingRun$/);
    const stored = await Promise.all(
      Array.from({ length: 25 }, (_, index) =>
        client.send(new GetItemCommand({ TableName: tables.tableName, Key: { pk: { S: `line-${index}` } } })),
      ),
    );
    expect(stored.filter((answer) => answer.Item).length).toBe(hot.ok);
  });

  it('answers a partial BatchWriteItem with UnprocessedItems, and one that writes nothing with the exception', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the index's buckets refill
    const batch = (prefix: string, billingRun: string) =>
      client.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [tables.tableName]: Array.from({ length: 25 }, (_, index) => ({
              PutRequest: { Item: item(`${prefix}-${index}`, billingRun) },
            })),
          },
        }),
      );
    const first = await batch('b1', 'batch-run');
    const unprocessed = first.UnprocessedItems?.[tables.tableName] ?? [];
    expect(unprocessed.length).toBeGreaterThanOrEqual(10);
    expect(unprocessed.length).toBeLessThan(25);
    // A batch whose every item goes to an index key deep in debt (a 20 KB record put into it: a second of
    // refill, where the first batch's debt is one item's 100 ms, less than DynamoDB Local may take to answer it).
    await put('deep-debt', 'batch-run-2', 20_000);
    await expect(batch('b2', 'batch-run-2')).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
  });

  it('cancels a transaction on an item another one holds, refuses a plain write to it, and frees it after the hold', async () => {
    const transaction = (value: string) =>
      client.send(
        new TransactWriteItemsCommand({
          TransactItems: [{ Put: { TableName: tables.tenantsTableName, Item: { tenant_id: { S: 'held' }, v: { S: value } } } }],
        }),
      );
    await transaction('first');
    const second = await transaction('second').catch((error: unknown) => error);
    expect(second).toBeInstanceOf(TransactionCanceledException);
    expect((second as TransactionCanceledException).CancellationReasons).toEqual([
      { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' },
    ]);
    await expect(
      client.send(new PutItemCommand({ TableName: tables.tenantsTableName, Item: { tenant_id: { S: 'held' } } })),
    ).rejects.toBeInstanceOf(TransactionConflictException);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await expect(transaction('third')).resolves.toBeDefined();
    expect(emulator.report().conflicts).toBe(2);
  });
});

describe('what a write costs on the indexes whose entries it deletes or moves, as DynamoDB charges it', () => {
  // At scale 10: 100 write units a second per key value, 400 per table and per index; one attempt a call.
  let charging: CapacityEmulator;
  let at: DynamoDBClient;
  beforeAll(async () => {
    charging = await startCapacityEmulator(inject('dynamoDbEndpoint'), { ...AWS_CAPACITY, scale: 10 });
    at = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: charging.url,
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    at.destroy();
    await charging.stop();
  });

  const LOOKUP_INDEX_NAMES = Object.values(LOOKUP_INDEXES).map((index) => index.indexName);
  /** A live record as the service stores it: its key, its id (every index's sort key), an entry in each of the four lookup indexes. */
  const live = (pk: string, bodyBytes: number, run = `run-${pk}`) => ({
    pk: { S: pk },
    id: { S: pk },
    billing_run_key: { S: run },
    certification_key: { S: `cert-${pk}` },
    application_key: { S: `app-${pk}` },
    training_provider_key: { S: `provider-${pk}` },
    body: { S: 'x'.repeat(bodyBytes) },
  });
  /** Its soft delete: the same record without its index keys, with a TTL (record-items.ts, deletedItem). */
  const softDeleted = (record: ReturnType<typeof live>) => {
    const { billing_run_key: _r, certification_key: _c, application_key: _a, training_provider_key: _t, ...rest } = record;
    return { ...rest, sys_deleted_by_id: { S: 'someone' }, expires_at: { N: '1893456000' } };
  };
  const kb = (item: Record<string, AttributeValue>) => Math.ceil(itemSize(item) / 1024);
  const perIndex = (units: number, names = LOOKUP_INDEX_NAMES) => Object.fromEntries(names.map((name) => [name, { CapacityUnits: units }]));
  const refill = () => new Promise((resolve) => setTimeout(resolve, 1100));

  it('charges a soft delete a delete of its entry on each index the record leaves, and the table the larger item', async () => {
    const record = live('soft-delete', 5500);
    await at.send(new PutItemCommand({ TableName: tables.tableName, Item: record, ReturnConsumedCapacity: 'INDEXES' }));
    const answer = await at.send(
      new PutItemCommand({ TableName: tables.tableName, Item: softDeleted(record), ReturnConsumedCapacity: 'INDEXES' }),
    );
    const units = kb(record);
    expect(units).toBe(6);
    expect(answer.ConsumedCapacity).toEqual({
      TableName: tables.tableName,
      CapacityUnits: units * 5,
      Table: { CapacityUnits: Math.max(units, kb(softDeleted(record))) },
      GlobalSecondaryIndexes: perIndex(units),
    });
    // The old item the emulator asked for to learn the entries (ReturnValues ALL_OLD) is not in the answer.
    expect(answer.Attributes).toBeUndefined();
  });

  it('charges the same in a transaction (the service soft deletes in one), the table twice and each index delete once', async () => {
    await refill();
    const record = live('soft-delete-transaction', 5500);
    await at.send(new PutItemCommand({ TableName: tables.tableName, Item: record }));
    const answer = await at.send(
      new TransactWriteItemsCommand({
        TransactItems: [{ Put: { TableName: tables.tableName, Item: softDeleted(record), ConditionExpression: 'attribute_exists(pk)' } }],
        ReturnConsumedCapacity: 'INDEXES',
      }),
    );
    const units = kb(record);
    expect(units).toBe(6);
    expect(answer.ConsumedCapacity).toEqual([
      {
        TableName: tables.tableName,
        CapacityUnits: 2 * units + 4 * units,
        Table: { CapacityUnits: 2 * units },
        GlobalSecondaryIndexes: perIndex(units),
      },
    ]);
  });

  it('charges an update that moves an index key a delete on the old key and a put on the new, and one that removes it a delete', async () => {
    await refill();
    const record = live('moved', 3000, 'run-before');
    await at.send(new PutItemCommand({ TableName: tables.tableName, Item: record }));
    const units = kb(record);
    const moved = await at.send(
      new UpdateItemCommand({
        TableName: tables.tableName,
        Key: { pk: record.pk },
        UpdateExpression: 'SET billing_run_key = :run',
        ExpressionAttributeValues: { ':run': { S: 'run-after' } },
        ReturnConsumedCapacity: 'INDEXES',
      }),
    );
    // The billing run index: its old entry deleted, its new one put; the other three hold the changed attribute (ALL): one write each.
    expect(moved.ConsumedCapacity?.GlobalSecondaryIndexes).toEqual({
      ...perIndex(units, ['byCertification', 'byApplication', 'byTrainingProvider']),
      byBillingRun: { CapacityUnits: 2 * units },
    });
    const removed = await at.send(
      new UpdateItemCommand({
        TableName: tables.tableName,
        Key: { pk: record.pk },
        UpdateExpression: 'REMOVE billing_run_key, certification_key',
        ReturnValues: 'UPDATED_OLD',
        ReturnConsumedCapacity: 'INDEXES',
      }),
    );
    expect(removed.ConsumedCapacity?.GlobalSecondaryIndexes).toEqual(perIndex(units));
    // It asked for other values than the old item: the emulator read the item first, and the answer is DynamoDB's.
    expect(removed.Attributes).toEqual({ billing_run_key: { S: 'run-after' }, certification_key: record.certification_key });
  });

  it("charges the units of an entry it deletes to the old key's bucket: a write into that key is throttled after", async () => {
    await refill();
    const record = live('leaves-a-hot-key', 250_000, 'run-left');
    await at.send(new PutItemCommand({ TableName: tables.tableName, Item: record }));
    // Its put left its keys' buckets in debt for about 1.5 seconds: they refill first.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    // The delete of its 245-unit entry on run-left leaves that key's bucket of 100 in debt ...
    await at.send(new PutItemCommand({ TableName: tables.tableName, Item: softDeleted(record) }));
    // ... so a small record entering run-left is refused on the index, as DynamoDB would (IndexWriteKeyRangeThroughputExceeded).
    const refused = await at
      .send(new PutItemCommand({ TableName: tables.tableName, Item: live('enters-run-left', 100, 'run-left') }))
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect((refused as unknown as { ThrottlingReasons: { reason: string; resource: string }[] }).ThrottlingReasons[0]).toEqual({
      reason: 'IndexWriteKeyRangeThroughputExceeded',
      resource: expect.stringMatching(/\/index\/byBillingRun$/),
    });
  });

  it('throttles a write that would delete an entry from an index key in debt, on that key, before it writes anything', async () => {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const small = live('in-a-hot-key', 100, 'run-hot');
    await at.send(new PutItemCommand({ TableName: tables.tableName, Item: small }));
    // A 250 KB record entering run-hot puts that key's bucket in debt for about 1.5 seconds.
    await at.send(new PutItemCommand({ TableName: tables.tableName, Item: live('big-in-a-hot-key', 250_000, 'run-hot') }));
    const plain = await at
      .send(new PutItemCommand({ TableName: tables.tableName, Item: softDeleted(small) }))
      .catch((error: unknown) => error);
    expect(plain).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect((plain as unknown as { ThrottlingReasons: { reason: string; resource: string }[] }).ThrottlingReasons[0]?.resource).toMatch(
      /\/index\/byBillingRun$/,
    );
    const transaction = await at
      .send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: tables.tableName, Item: softDeleted(small) } }] }))
      .catch((error: unknown) => error);
    expect(transaction).toBeInstanceOf(TransactionCanceledException);
    expect((transaction as TransactionCanceledException).CancellationReasons?.[0]?.Code).toBe('ThrottlingError');
    const stored = await at.send(new GetItemCommand({ TableName: tables.tableName, Key: { pk: small.pk }, ConsistentRead: true }));
    expect(stored.Item?.billing_run_key).toEqual({ S: 'run-hot' });
  });

  it("answers a read's ConsumedCapacity by what it charged, and the functions' DynamoDB client adds up each call's", async () => {
    await refill();
    const tally = { read: 0, write: 0 };
    const documents = createDocumentClient({
      region: 'us-east-1',
      endpoint: charging.url,
      onConsumedCapacity: (kind, units) => {
        tally[kind] += units;
      },
    });
    const record = live('tallied', 9000);
    const item = Object.fromEntries(Object.entries(record).map(([name, value]) => [name, value.S]));
    await documents.send(new PutCommand({ TableName: tables.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    await documents.send(new GetCommand({ TableName: tables.tableName, Key: { pk: 'tallied' } }));
    await documents.send(new GetCommand({ TableName: tables.tableName, Key: { pk: 'tallied' }, ConsistentRead: true }));
    documents.destroy();
    const units = kb(record);
    // The put: the item and its four index entries; the gets: 4 KB units, eventually consistent at half.
    expect(tally).toEqual({ write: 5 * units, read: Math.ceil(itemSize(record) / 4096) * 1.5 });
  });
});
