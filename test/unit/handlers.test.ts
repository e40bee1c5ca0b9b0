import { RETRY_POLICIES } from '../../lambdas/retry-policies.ts';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storedRecord } from '../support/fixtures.ts';
import { validBody } from '../../testkit/bodies.ts';
import { captureOutput } from '../support/captured-output.ts';
import { lambdaContext, proxyEvent } from '../../testkit/api-gateway-event.ts';
import { type ProxyHandler, loadHandler, useMockedEnvironment } from '../../testkit/mocked-environment.ts';

useMockedEnvironment({ POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_METRICS_DISABLED: 'false' });

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const stored = storedRecord();

let get: ProxyHandler;
let patch: ProxyHandler;
let create: ProxyHandler;

beforeAll(async () => {
  get = await loadHandler('get-billing-run-action');
  patch = await loadHandler('patch-billing-run-action');
  create = await loadHandler('create-billing-run-action');
});

beforeEach(() => {
  ddb.reset();
  sqs.reset();
});
const output = captureOutput();

const getEvent = (overrides: Partial<Parameters<typeof proxyEvent>[0]> = {}) =>
  proxyEvent({
    method: 'GET',
    resource: '/billingRunActions/{tenantId}/{id}',
    pathParameters: { tenantId: 't1', id: 'id-1' },
    ...overrides,
  });
const patchEvent = (body: unknown) =>
  proxyEvent({ method: 'PATCH', resource: '/billingRunActions/{tenantId}/{id}', pathParameters: { tenantId: 't1', id: 'id-1' }, body });

describe('handlers fed API Gateway events', () => {
  it('serve a get with the tenant-scoped key and log one line without token or body', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...stored, pk: 't1#id-1' } });
    const result = await get(getEvent(), lambdaContext());
    expect(result.statusCode).toBe(200);
    expect(result.headers).toMatchObject({ 'Content-Type': 'application/json' });
    expect(JSON.parse(result.body)).toEqual(stored);
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input.Key).toEqual({ pk: 't1#id-1' });
    const lines = output
      .written()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const access = lines.filter((line) => line.message === 'request');
    expect(access).toEqual([
      expect.objectContaining({
        operation: 'getBillingRunAction',
        tenant: 't1',
        principal: 'user-1',
        status: 200,
        // The Lambda context (Powertools injectLambdaContext) and API Gateway's request id.
        function_request_id: 'lambda-request-1',
        cold_start: expect.any(Boolean),
        correlation_id: 'api-request-1',
      }),
    ]);
    const emf = lines.find((line) =>
      line._aws?.CloudWatchMetrics?.[0]?.Metrics?.some((metric: { Name: string }) => metric.Name === 'Requests'),
    );
    expect(emf).toMatchObject({ Requests: 1, operation: 'getBillingRunAction', tenant: 't1' });
    expect(emf).not.toHaveProperty('Errors');
    expect(emf._aws.CloudWatchMetrics[0].Dimensions).toContainEqual(['service', 'operation']);
    expect(output.written()).not.toContain('secret-token-value');
    expect(output.written()).not.toContain(String(stored.name));
  });

  it('that may start processing hand a start to the queue for a record they leave in processing, and only then', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    ddb.on(GetCommand).resolves({ Item: { ...stored, pk: 't1#id-1' } });
    ddb.on(PutCommand).resolves({});
    expect((await patch(patchEvent([{ op: 'replace', path: '/name', value: 'again' }]), lambdaContext())).statusCode).toBe(200);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect((await patch(patchEvent([{ op: 'replace', path: '/status', value: 'processing' }]), lambdaContext())).statusCode).toBe(200);
    const [sent] = sqs.commandCalls(SendMessageCommand);
    expect(sent?.args[0].input).toMatchObject({ QueueUrl: process.env.PROCESSING_QUEUE_URL, MessageGroupId: 't1' });
    expect(JSON.parse(sent?.args[0].input.MessageBody as string)).toMatchObject({ tenantId: 't1', id: 'id-1' });
  });

  it('write the metrics on a line of their own when the log level drops the access line', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...stored, pk: 't1#id-1' } });
    // The handlers' own logger, loaded with them after the environment was set.
    const { logger } = await import('../../lambdas/logger.ts');
    logger.setLogLevel('WARN');
    try {
      expect((await get(getEvent(), lambdaContext())).statusCode).toBe(200);
    } finally {
      logger.setLogLevel('INFO');
    }
    const lines = output
      .written()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.filter((line) => line.message === 'request')).toEqual([]);
    expect(lines.find((line) => line._aws)).toMatchObject({
      Requests: 1,
      operation: 'getBillingRunAction',
      service: 'billing-run-actions',
      tenant: 't1',
      correlation_id: 'api-request-1',
    });
  });

  it('serve query parameters and headers named like an object’s own properties as other unknown ones (own keys of the event’s JSON)', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...stored, pk: 't1#id-1' } });
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];
    // The event as Lambda hands it over: parsed from JSON, where `__proto__` is a key like any other.
    const keys = (value: string) =>
      JSON.parse(JSON.stringify(Object.fromEntries(names.map((name) => [name, value])))) as Record<string, string>;
    const event = JSON.parse(JSON.stringify(getEvent({ query: { ...keys('1'), fields: 'name' }, headers: keys('x') })));
    expect(Object.keys(event.headers)).toEqual(expect.arrayContaining(names));
    // Every such query parameter is refused by name, as any parameter the operation does not take.
    const refused = await get(event, lambdaContext());
    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.body).details).toEqual(names.map((path) => ({ path, message: 'is not a parameter of this operation' })));
    // The headers are ignored, as any header the operation does not read.
    const served = await get(JSON.parse(JSON.stringify(getEvent({ query: { fields: 'name' }, headers: keys('x') }))), lambdaContext());
    expect(served.statusCode).toBe(200);
    expect(JSON.parse(served.body)).toEqual({ id: stored.id, name: stored.name });
  });

  it('hide the cause of an unexpected failure behind the request id', async () => {
    ddb.on(GetCommand).rejects(new Error('socket hang up at 10.0.0.1 with table actions'));
    const result = await get(getEvent(), lambdaContext('req-500'));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({ message: 'Internal server error (request id req-500)' });
    expect(output.written()).toContain('socket hang up');
  });

  it('turn DynamoDB throttling into 429 with Retry-After', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    ddb.on(GetCommand).rejects(throttled);
    const result = await get(getEvent(), lambdaContext());
    expect(result.statusCode).toBe(429);
    expect(result.headers).toMatchObject({ 'Retry-After': '1' });
  });

  it('answer 401 when no authorizer context reached them, and 403 for a tenant or scope it does not grant', async () => {
    expect((await get(getEvent({ authorizer: null }), lambdaContext())).statusCode).toBe(401);
    const otherTenant = await get(getEvent({ pathParameters: { tenantId: 't2', id: 'id-1' } }), lambdaContext());
    expect(otherTenant.statusCode).toBe(403);
    const expiresAt = String(Math.floor(Date.now() / 1000) + 60);
    const readOnly = { principalId: 'user-1', tenants: '["t1"]', scope: 'billing-run-actions:read', expiresAt };
    const write = await patch(
      { ...patchEvent([]), requestContext: { ...patchEvent([]).requestContext, authorizer: readOnly } },
      lambdaContext(),
    );
    expect(write.statusCode).toBe(403);
    const expired = { ...readOnly, expiresAt: String(Math.floor(Date.now() / 1000) - 1) };
    const late = await get({ ...getEvent(), requestContext: { ...getEvent().requestContext, authorizer: expired } }, lambdaContext());
    expect(late).toMatchObject({ statusCode: 401, headers: { 'WWW-Authenticate': 'Bearer' } });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answer 413 above 256 KiB before touching storage', async () => {
    const result = await create(
      proxyEvent({
        method: 'POST',
        resource: '/billingRunActions/{tenantId}',
        pathParameters: { tenantId: 't1' },
        body: validBody({ error_message: 'é'.repeat(140_000) }),
      }),
      lambdaContext(),
    );
    expect(result.statusCode).toBe(413);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('retry a patch that lost a version race, then give up with 429 and Retry-After, never 409', async () => {
    const lostRace = () =>
      new ConditionalCheckFailedException({
        message: 'failed',
        $metadata: {},
        Item: marshall({ ...stored, pk: 't1#id-1', sys_version: 2 }),
      });
    ddb.on(GetCommand).resolves({ Item: { ...stored, pk: 't1#id-1' } });
    ddb.on(PutCommand).rejectsOnce(lostRace()).resolves({});
    const retried = await patch(patchEvent([{ op: 'replace', path: '/name', value: 'new' }]), lambdaContext());
    expect(retried.statusCode).toBe(200);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(2);
    expect(ddb.commandCalls(GetCommand).every((call) => call.args[0].input.ConsistentRead === true)).toBe(true);

    ddb.reset();
    ddb.on(GetCommand).resolves({ Item: { ...stored, pk: 't1#id-1' } });
    ddb.on(PutCommand).callsFake(() => Promise.reject(lostRace()));
    const gaveUp = await patch(patchEvent([{ op: 'replace', path: '/name', value: 'new' }]), lambdaContext());
    expect(gaveUp.statusCode).toBe(429);
    expect(gaveUp.headers?.['Retry-After']).toBe('1');
    expect(ddb.commandCalls(PutCommand)).toHaveLength(RETRY_POLICIES.writeRace.attempts);
  });
});
