import { TransactionCanceledException, TransactionInProgressException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { transactWrite } from '../../lambdas/adapters/dynamodb/transactions.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const client = createDocumentClient({ region: 'eu-west-1' });
const input = { TransactItems: [{ Put: { TableName: 'actions', Item: { pk: 'a' } } }] };
const inProgress = () => new TransactionInProgressException({ message: 'in progress', $metadata: {} });
const tokens = () => ddb.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.ClientRequestToken);

beforeEach(() => ddb.reset());

describe('transactWrite', () => {
  it('waits out a transaction in progress, asking again with the same token until it answers', async () => {
    ddb.on(TransactWriteCommand).rejectsOnce(inProgress()).rejectsOnce(inProgress()).resolves({});
    await transactWrite(client, input);
    expect(tokens()).toHaveLength(3);
    expect(new Set(tokens()).size).toBe(1);
    expect(tokens()[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gives each write a token of its own, and keeps one it is given', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await transactWrite(client, input);
    await transactWrite(client, input);
    await transactWrite(client, { ...input, ClientRequestToken: 'given' });
    const [first, second, given] = tokens();
    expect(first).not.toBe(second);
    expect(given).toBe('given');
  });

  it('hands a cancellation back at once: it was not applied, and its caller decides', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejects(new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [] }));
    await expect(transactWrite(client, input)).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(tokens()).toHaveLength(1);
  });
});
