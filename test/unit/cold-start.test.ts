import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext, proxyEvent } from '../../testkit/api-gateway-event.ts';
import { captureOutput } from '../support/captured-output.ts';
import { storedRecord } from '../support/fixtures.ts';
import { type ProxyHandler, loadHandler, useMockedEnvironment } from '../../testkit/mocked-environment.ts';

// What Lambda sets in an on-demand execution environment; Powertools reads it when the handler loads.
useMockedEnvironment({ POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_METRICS_DISABLED: 'false', AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' });

const ddb = mockClient(DynamoDBDocumentClient);
const output = captureOutput();
let get: ProxyHandler;

beforeAll(async () => {
  get = await loadHandler('get-billing-run-action');
});

const event = () =>
  proxyEvent({ method: 'GET', resource: '/billingRunActions/{tenantId}/{id}', pathParameters: { tenantId: 't1', id: 'id-1' } });

describe('the first invocation of an execution environment', () => {
  it('counts ColdStart once, in its own access line (one line per request), and logs cold_start', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...storedRecord(), pk: 't1#id-1' } });
    expect((await get(event(), lambdaContext())).statusCode).toBe(200);
    expect((await get(event(), lambdaContext())).statusCode).toBe(200);
    const lines = output
      .written()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.message)).toEqual(['request', 'request']);
    const [first, second] = lines;
    expect(first).toMatchObject({ cold_start: true, ColdStart: 1, Requests: 1, operation: 'getBillingRunAction' });
    expect(first._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'operation']]);
    expect(first._aws.CloudWatchMetrics[0].Metrics).toContainEqual({ Name: 'ColdStart', Unit: 'Count' });
    expect(second).toMatchObject({ cold_start: false, Requests: 1 });
    expect(second).not.toHaveProperty('ColdStart');
  });
});
