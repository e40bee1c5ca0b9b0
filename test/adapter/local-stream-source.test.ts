import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { LocalStreamSource, type StreamHandler } from '../../lib/local/streams/local-stream-source.ts';
import { uniqueName } from '../support/fixtures.ts';

/**
 * Lambda's DynamoDB event source as the local service plays it, on DynamoDB Local's stream: batches
 * in order, a partial batch response retried from the record it names, a batch that throws bisected
 * until the record that fails is alone, and that record sent to the on-failure destination past its
 * retries while every other record is handled.
 */
const endpoint = inject('dynamoDbEndpoint');
const client = createDocumentClient({ region: 'us-east-1', endpoint });
const tables = { tableName: uniqueName('actions'), tenantsTableName: uniqueName('tenants') };
beforeAll(() => ensureTables(client, tables, { stream: true }));
afterAll(() => client.destroy());

const keyOf = (record: DynamoDBRecord) => record.dynamodb?.Keys?.pk?.S as string;

describe('the local stream source', () => {
  it('hands over every record in order, retries from a partial failure, bisects a throwing batch and gives up on its poison', async () => {
    const handled: string[] = [];
    const failures: string[][] = [];
    let refusedOnce = false;
    const handler: StreamHandler = async ({ Records }) => {
      if (Records.some((record) => keyOf(record) === 'poison')) throw new Error('poison');
      for (const [n, record] of Records.entries()) {
        if (keyOf(record) === 'k-5' && !refusedOnce) {
          refusedOnce = true;
          return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber as string }] };
        }
        handled.push(keyOf(record));
        if (n > 100) break;
      }
      return { batchItemFailures: [] };
    };
    const keys = ['k-0', 'k-1', 'k-2', 'k-3', 'poison', 'k-4', 'k-5', 'k-6', 'k-7'];
    for (const key of keys) await client.send(new PutCommand({ TableName: tables.tableName, Item: { pk: key } }));
    const source = new LocalStreamSource({
      endpoint,
      region: 'us-east-1',
      tableName: tables.tableName,
      handler,
      functionName: 'consumer',
      timeoutMs: 10_000,
      batchSize: 100,
      retryAttempts: 2,
      onFailure: ({ records }) => failures.push(records.map(keyOf)),
      pollMs: 20,
    });
    await source.drained();
    await source.stop();
    expect(failures).toEqual([['poison']]);
    const firsts = keys.filter((key) => key !== 'poison');
    // Each record handled at least once, and in order the first time.
    expect([...new Set(handled)]).toEqual(firsts);
    expect(handled.filter((key) => key === 'k-5')).toHaveLength(1);
  }, 60_000);
});
