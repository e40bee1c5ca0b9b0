import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbStuckRecords } from '../../lambdas/adapters/dynamodb/dynamodb-stuck-records.ts';
import { LEGACY_PROCESSING_INDEX, PROCESSING_INDEX } from '../../lambdas/adapters/dynamodb/table-design.ts';
import type { StuckRecordKey } from '../../lambdas/ports/stuck-records.ts';

/*
 * The sweep's Queries as DynamoDB receives them: which index, which key value, how many entries, and
 * what a walk does while the keyed index is still being built after the upgrade.
 */
const ddb = mockClient(DynamoDBDocumentClient);
const stuck = new DynamoDbStuckRecords(createDocumentClient({ region: 'eu-west-1' }), 'records');
const CUTOFF = '2026-11-15T00:00:00Z';

async function walk(tenantIds: string[]): Promise<StuckRecordKey[][]> {
  const pages: StuckRecordKey[][] = [];
  for await (const page of stuck.changedBefore(tenantIds, CUTOFF, 500)) pages.push(page);
  return pages;
}
const queried = () => ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);

beforeEach(() => ddb.reset());

describe('the sweep’s walk of the processing indexes, on the wire', () => {
  it('asks each of a tenant’s 16 shards for 31 entries before the cut-off, and the legacy index’s shared shards', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':partition': 'acme#processing#7', ':before': CUTOFF } }).resolves({
      Items: [{ pk: 'acme#r-1' }],
    });
    expect(await walk(['acme'])).toEqual([[], [{ tenantId: 'acme', id: 'r-1' }]]);
    const calls = queried();
    expect(calls).toHaveLength(32);
    expect(
      calls
        .filter((input) => input.IndexName === LEGACY_PROCESSING_INDEX.indexName)
        .map((input) => input.ExpressionAttributeValues?.[':partition']),
    ).toEqual(Array.from({ length: 16 }, (_, shard) => `processing#${shard}`));
    expect(calls.find((input) => input.IndexName === PROCESSING_INDEX.indexName)).toEqual({
      TableName: 'records',
      IndexName: PROCESSING_INDEX.indexName,
      KeyConditionExpression: '#partition = :partition AND #since < :before',
      ExpressionAttributeNames: { '#partition': 'tenant_processing_key', '#since': 'tenant_processing_since' },
      ExpressionAttributeValues: { ':partition': 'acme#processing#0', ':before': CUTOFF },
      Limit: 31,
      ExclusiveStartKey: undefined,
    });
  });

  it('reads the legacy index alone while the keyed one is still being built (its tenants have nothing past the cut-off yet)', async () => {
    const backfilling = new DynamoDBServiceException({
      name: 'ValidationException',
      $fault: 'client',
      $metadata: {},
      message: 'Cannot read from backfilling global secondary index: byTenantProcessing',
    });
    ddb.on(QueryCommand, { IndexName: PROCESSING_INDEX.indexName }).rejects(backfilling);
    ddb.on(QueryCommand, { IndexName: LEGACY_PROCESSING_INDEX.indexName }).resolves({ Items: [] });
    ddb
      .on(QueryCommand, {
        IndexName: LEGACY_PROCESSING_INDEX.indexName,
        ExpressionAttributeValues: { ':partition': 'processing#2', ':before': CUTOFF },
      })
      .resolves({
        Items: [{ pk: 'globex#old-1' }],
      });
    expect(await walk(['acme', 'globex'])).toEqual([[{ tenantId: 'globex', id: 'old-1' }], []]);
    expect(queried().filter((input) => input.IndexName === PROCESSING_INDEX.indexName)).toHaveLength(16);
  });

  it('lets any other refusal through', async () => {
    ddb
      .on(QueryCommand)
      .rejects(new DynamoDBServiceException({ name: 'ResourceNotFoundException', $fault: 'client', $metadata: {}, message: 'no table' }));
    await expect(walk(['acme'])).rejects.toThrow('no table');
  });
});
