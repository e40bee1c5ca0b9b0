import { ProvisionedThroughputExceededException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbBulkChunks } from '../../lambdas/adapters/dynamodb/dynamodb-bulk-chunks.ts';
import { DynamoDbBulkLoads } from '../../lambdas/adapters/dynamodb/dynamodb-bulk-loads.ts';
import { ServiceError } from '../../lambdas/domain/errors.ts';
import type { StorableRecord } from '../../lambdas/ports/bulk-load-store.ts';
import { storedRecord } from '../support/fixtures.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const client = createDocumentClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9' });
const busy = () => new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} });
const conflict = () => new TransactionConflictException({ message: 'Transaction is ongoing for the item', $metadata: {} });

beforeEach(() => ddb.reset());

/** DynamoDB busy past the SDK's own attempts: a bulk load's writes wait it out (until their deadline) instead of failing the load. */
describe("a bulk load's writes while DynamoDB is busy", () => {
  it('end a load although its item is throttled, then inside another transaction', async () => {
    ddb
      .on(UpdateCommand)
      .rejectsOnce(busy())
      .rejectsOnce(conflict())
      .resolves({ Attributes: { pk: 't1#bulkload#l1', id: 'l1', status: 'completed', source_file: 'f', loaded: 3, failed: 0 } });
    const loads = new DynamoDbBulkLoads(client, 'actions');
    await expect(loads.complete('t1', 'l1', 'completed', new Date().toISOString())).resolves.toMatchObject({ status: 'completed' });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(3);
  });

  it("write a batch's records although a BatchWriteItem is throttled whole, then leaves items unprocessed", async () => {
    const chunks = new DynamoDbBulkChunks(client, 'actions', 'tenants');
    const records = [1, 2, 3]
      .map((n) => chunks.storable('t1', storedRecord({ id: `r-${n}` })))
      .filter((stored): stored is StorableRecord => !(stored instanceof ServiceError));
    expect(records).toHaveLength(3);
    ddb
      .on(BatchWriteCommand)
      .rejectsOnce(busy())
      .resolvesOnce({ UnprocessedItems: { actions: [{ PutRequest: { Item: { pk: 't1#r-3' } } }] } })
      .resolves({ UnprocessedItems: {} });
    await chunks.putRecords('t1', records, { firstAttempt: true });
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(3);
  });
});
