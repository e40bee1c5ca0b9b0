import { createServer } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbBillingRunActionRepository } from '../../lambdas/adapters/dynamodb/dynamodb-billing-run-action-repository.ts';
import { ServiceUnavailable, TooManyRequests } from '../../lambdas/domain/errors.ts';
import { LocalAuthorizer } from '../../lib/local/gateway/authorizer.ts';
import { storedRecord } from '../support/fixtures.ts';

/** An endpoint that takes connections and never answers: a stalled DynamoDB (Local). It counts the connections. */
let connections = 0;
const stalled = createServer(() => {
  connections++;
});
await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
const port = (stalled.address() as { port: number }).port;
afterAll(() => stalled.close());

describe('storage that stops answering', () => {
  it('fails a call with the SDK’s TimeoutError (which the functions answer 503) instead of hanging', async () => {
    const client = createDocumentClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, requestTimeoutMs: 100 });
    await expect(client.send(new GetCommand({ TableName: 't', Key: { pk: 'x' } }))).rejects.toMatchObject({ name: 'TimeoutError' });
    client.destroy();
  });

  it('abandons a call at its deadline (a batch’s cut): a read is out of time (429), a write’s outcome unknown (503), no attempt after it', async () => {
    // An attempt could wait 30 s for its answer: only the deadline ends these calls.
    const client = createDocumentClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, requestTimeoutMs: 30_000 });
    const repository = new DynamoDbBillingRunActionRepository(client, 'actions', 'tenants');
    const record = storedRecord({ id: 'hung' });
    const before = connections;
    const calls = [
      repository.get('t1', 'hung', { consistentRead: true, signal: AbortSignal.timeout(100) }),
      repository.replace('t1', { ...record, sys_version: 2 }, 1, { signal: AbortSignal.timeout(100) }),
      repository.softDelete('t1', { record: { ...record, sys_version: 2 }, expiresAt: 2_000_000_000 }, 1, {
        signal: AbortSignal.timeout(100),
      }),
    ];
    const [read, replaced, deleted] = await Promise.allSettled(calls);
    expect(read).toMatchObject({ status: 'rejected', reason: expect.any(TooManyRequests) });
    for (const write of [replaced, deleted]) {
      expect(write).toMatchObject({ status: 'rejected', reason: expect.any(ServiceUnavailable) });
      expect((write as PromiseRejectedResult).reason.message).toMatch(/may or may not have been applied/);
    }
    // One attempt each, abandoned: the SDK started no other after the signal.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(connections - before).toBeLessThanOrEqual(3);
    client.destroy();
  });

  it('gives the local authorizer its function timeout: past it the gateway answers 503, as for a failed authorizer', async () => {
    const never = () => new Promise<APIGatewayAuthorizerResult>(() => {});
    const authorizer = new LocalAuthorizer(never, 0, 50);
    await expect(
      authorizer.authorize({ headers: { Authorization: 'Bearer x' }, pathParameters: { tenantId: 't' } }, 'arn:x'),
    ).rejects.toMatchObject({ statusCode: 503, type: 'AUTHORIZER_FAILURE' });
  });
});
