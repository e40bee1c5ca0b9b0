import {
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { LOOKUP_INDEXES, PROCESSING_INDEX } from '../../lambdas/adapters/dynamodb/table-design.ts';
import { type CapacityEmulator, startCapacityEmulator } from '../../lib/local/capacity/emulator.ts';
import { AWS_CAPACITY } from '../../lib/local/capacity/settings.ts';
import { type AttributeValue, itemSize } from '../../lib/local/capacity/units.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { uniqueName } from '../support/fixtures.ts';

/** The records table and the tenant registry of this file, in the test run's DynamoDB Local. */
const tables = { tableName: uniqueName('charges'), tenantsTableName: uniqueName('charges-tenants') };
beforeAll(async () => {
  const setup = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
  await ensureTables(setup, tables);
  setup.destroy();
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

  it('charges the processing index, which holds keys only, the entry’s keys alone, whatever the record’s size, in and out', async () => {
    await refill();
    const entry = { [PROCESSING_INDEX.partitionKey]: { S: 't1#processing#3' }, [PROCESSING_INDEX.sortKey]: { S: '2026-11-01T00:00:00Z' } };
    const record = { ...live('in-processing', 5500), ...entry };
    const entered = await at.send(new PutItemCommand({ TableName: tables.tableName, Item: record, ReturnConsumedCapacity: 'INDEXES' }));
    const units = kb(record);
    expect(units).toBe(6);
    expect(entered.ConsumedCapacity?.GlobalSecondaryIndexes).toEqual({
      ...perIndex(units),
      [PROCESSING_INDEX.indexName]: { CapacityUnits: 1 },
    });
    // The write-back: the lookups' entries (whole records) rewritten, the processing entry deleted by its keys' size.
    const left = await at.send(
      new UpdateItemCommand({
        TableName: tables.tableName,
        Key: { pk: record.pk },
        UpdateExpression: `SET body = :body REMOVE ${PROCESSING_INDEX.partitionKey}, ${PROCESSING_INDEX.sortKey}`,
        ExpressionAttributeValues: { ':body': { S: 'y'.repeat(5500) } },
        ReturnConsumedCapacity: 'INDEXES',
      }),
    );
    expect(left.ConsumedCapacity?.GlobalSecondaryIndexes).toEqual({
      ...perIndex(units),
      [PROCESSING_INDEX.indexName]: { CapacityUnits: 1 },
    });
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
