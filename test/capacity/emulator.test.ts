import {
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { type CapacityEmulator, startCapacityEmulator } from '../../lib/local/capacity/emulator.ts';
import { AWS_CAPACITY } from '../../lib/local/capacity/settings.ts';
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

  it('charges a query that only counts by the items it read, as DynamoDB does, and answers the count alone', async () => {
    // Ten items of 20 KB under one key of the billing run index, put straight into DynamoDB Local: a
    // count of them reads 200 KB, 25 read units eventually consistent, of the key's 30 a second.
    const setup = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: inject('dynamoDbEndpoint'),
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    for (let index = 0; index < 10; index++) {
      await setup.send(
        new PutItemCommand({
          TableName: tables.tableName,
          Item: { ...item(`counted-${index}`, 'counted-run'), body: { S: 'x'.repeat(20_000) } },
        }),
      );
    }
    setup.destroy();
    const count = () =>
      client.send(
        new QueryCommand({
          TableName: tables.tableName,
          IndexName: 'byBillingRun',
          KeyConditionExpression: 'billing_run_key = :run',
          ExpressionAttributeValues: { ':run': { S: 'counted-run' } },
          Select: 'COUNT',
        }),
      );
    const first = await count();
    expect(first.Count).toBe(10);
    expect(first.Items).toBeUndefined();
    await count(); // admitted (the key's bucket is not in debt yet), and puts it in debt
    await expect(count()).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
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
