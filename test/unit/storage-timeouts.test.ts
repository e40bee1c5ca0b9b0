import { createServer } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { LocalAuthorizer } from '../../lib/local/gateway/authorizer.ts';

/** An endpoint that takes connections and never answers: a stalled DynamoDB (Local). */
const stalled = createServer(() => {});
await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
const port = (stalled.address() as { port: number }).port;
afterAll(() => stalled.close());

describe('storage that stops answering', () => {
  it('fails a call with the SDK’s TimeoutError (which the functions answer 503) instead of hanging', async () => {
    const client = createDocumentClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, requestTimeoutMs: 100 });
    await expect(client.send(new GetCommand({ TableName: 't', Key: { pk: 'x' } }))).rejects.toMatchObject({ name: 'TimeoutError' });
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
