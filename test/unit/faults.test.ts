import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lambdaContext, proxyEvent } from '../../testkit/api-gateway-event.ts';
import { storedRecord } from '../support/fixtures.ts';
import { validBody } from '../../testkit/bodies.ts';
import { type ProxyHandler, loadHandler, useMockedEnvironment } from '../../testkit/mocked-environment.ts';

useMockedEnvironment({
  STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:processor',
  PROCESSING_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/starts',
});

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const stored = { ...storedRecord(), pk: 't1#id-1' };
const failure = (name: string, message = 'internal detail 10.0.0.7') => Object.assign(new Error(message), { name, $fault: 'server' });

let create: ProxyHandler;
let get: ProxyHandler;
let update: ProxyHandler;
let patch: ProxyHandler;
let batch: ProxyHandler;
beforeAll(async () => {
  create = await loadHandler('create-billing-run-action');
  get = await loadHandler('get-billing-run-action');
  update = await loadHandler('update-billing-run-action');
  patch = await loadHandler('patch-billing-run-action');
  batch = await loadHandler('batch-billing-run-actions');
});
beforeEach(() => {
  ddb.reset();
  sqs.reset();
});

const one = { tenantId: 't1', id: 'id-1' };
const resource = '/billingRunActions/{tenantId}/{id}';

describe('faults, with the SDK mocked', () => {
  it('a failed create transaction is a 500 naming only the request id, and nothing else is written', async () => {
    ddb.on(TransactWriteCommand).rejects(failure('InternalServerError'));
    const result = await create(
      proxyEvent({ method: 'POST', resource: '/billingRunActions/{tenantId}', pathParameters: { tenantId: 't1' }, body: validBody() }),
      lambdaContext('req-create'),
    );
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({ message: 'Internal server error (request id req-create)' });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it.each(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded'])(
    '%s on a write is a 429 with Retry-After',
    async (name) => {
      ddb.on(GetCommand).resolves({ Item: stored });
      ddb.on(PutCommand).rejects(failure(name));
      const result = await update(proxyEvent({ method: 'PUT', resource, pathParameters: one, body: validBody() }), lambdaContext());
      expect(result.statusCode).toBe(429);
      expect(result.headers).toMatchObject({ 'Retry-After': '1' });
      expect(JSON.parse(result.body).message).toMatch(/Too Many Requests/);
    },
  );

  it.each([
    ['a timeout', Object.assign(new Error('socket timed out'), { name: 'TimeoutError' })],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:443'), { code: 'ECONNREFUSED' })],
    ['a transaction still in progress', Object.assign(new Error('in progress'), { name: 'TransactionInProgressException' })],
  ])('storage out of reach (%s) is a 503 with Retry-After, not a 500', async (_, error) => {
    ddb.on(GetCommand).rejects(error);
    const result = await update(proxyEvent({ method: 'PUT', resource, pathParameters: one, body: validBody() }), lambdaContext());
    expect(result.statusCode).toBe(503);
    expect(result.headers).toMatchObject({ 'Retry-After': '1' });
    expect(JSON.parse(result.body)).toEqual({ message: 'Service Unavailable: storage did not answer in time; retry after a pause' });
  });

  it('a function still waiting on storage at its timeout answers 500 naming only the request id (Middy stops it 5 ms before)', async () => {
    ddb.on(GetCommand).callsFake(() => new Promise(() => {}));
    const result = await get(proxyEvent({ method: 'GET', resource, pathParameters: one }), lambdaContext('req-late', 50));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({ message: 'Internal server error (request id req-late)' });
  });

  it('a start the queue of starts refuses moves the record to error; if that write fails too, a 500', async () => {
    ddb.on(GetCommand).resolves({ Item: stored });
    ddb.on(PutCommand).resolves({});
    sqs.on(SendMessageCommand).rejects(failure('ServiceUnavailable'));
    const moved = await patch(
      proxyEvent({ method: 'PATCH', resource, pathParameters: one, body: [{ op: 'replace', path: '/status', value: 'processing' }] }),
      lambdaContext('req-p'),
    );
    expect(moved.statusCode).toBe(200);
    expect(JSON.parse(moved.body)).toMatchObject({
      status: 'error',
      error_message: 'Processing could not start (ServiceUnavailable); request id req-p',
      sys_version: 3,
    });

    ddb.reset();
    ddb.on(GetCommand).resolves({ Item: stored });
    ddb.on(PutCommand).resolvesOnce({}).rejects(failure('InternalServerError'));
    const failed = await patch(
      proxyEvent({ method: 'PATCH', resource, pathParameters: one, body: [{ op: 'replace', path: '/status', value: 'processing' }] }),
      lambdaContext('req-q'),
    );
    expect(failed.statusCode).toBe(500);
    expect(JSON.parse(failed.body)).toEqual({ message: 'Internal server error (request id req-q)' });
  });

  it('a failed write in a batch fails that operation alone', async () => {
    ddb
      .on(GetCommand)
      .callsFake((input: { Key: { pk: string } }) => ({ Item: { ...stored, pk: input.Key.pk, id: input.Key.pk.split('#')[1] } }));
    ddb
      .on(PutCommand)
      .callsFake((input: { Item: { id: string } }) =>
        input.Item.id === 'id-2' ? Promise.reject(failure('InternalServerError')) : Promise.resolve({}),
      );
    const operations = ['id-1', 'id-2', 'id-3'].map((id) => ({ op: 'patch', id, patch: [{ op: 'replace', path: '/name', value: 'x' }] }));
    const result = await batch(
      proxyEvent({
        method: 'POST',
        resource: '/billingRunActions/{tenantId}/batch',
        pathParameters: { tenantId: 't1' },
        body: { operations },
      }),
      lambdaContext('req-b'),
    );
    expect(result.statusCode).toBe(200);
    const body = JSON.parse(result.body);
    expect(body.results.map((r: { status: number }) => r.status)).toEqual([200, 500, 200]);
    expect(body.results[1].error).toEqual({ message: 'Internal server error (request id req-b)' });
    expect(JSON.stringify(body)).not.toContain('10.0.0.7');
  });

  it.each([
    ['throttled', failure('ProvisionedThroughputExceededException'), 429, 'Too Many Requests: storage is throttling; retry after a pause'],
    [
      'out of reach',
      Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }),
      503,
      'Service Unavailable: storage did not answer in time; retry after a pause',
    ],
  ])('storage %s for one operation of a batch answers it as its own endpoint would (%s), never 500', async (_, error, status, message) => {
    ddb
      .on(GetCommand)
      .callsFake((input: { Key: { pk: string } }) => ({ Item: { ...stored, pk: input.Key.pk, id: input.Key.pk.split('#')[1] } }));
    ddb
      .on(PutCommand)
      .callsFake((input: { Item: { id: string } }) => (input.Item.id === 'id-2' ? Promise.reject(error) : Promise.resolve({})));
    const operations = ['id-1', 'id-2'].map((id) => ({ op: 'patch', id, patch: [{ op: 'replace', path: '/name', value: 'x' }] }));
    const result = await batch(
      proxyEvent({
        method: 'POST',
        resource: '/billingRunActions/{tenantId}/batch',
        pathParameters: { tenantId: 't1' },
        body: { operations },
      }),
      lambdaContext('req-s'),
    );
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).results.map((r: { status: number }) => r.status)).toEqual([200, status]);
    expect(JSON.parse(result.body).results[1].error).toEqual({ message });
  });
});
