import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { lambdaContext, proxyEvent } from '../testkit/api-gateway-event.ts';
import { validBody } from '../testkit/bodies.ts';
import { useMockedEnvironment } from '../testkit/mocked-environment.ts';
import { median } from './stats.ts';

/**
 * In-process measurements with the SDK mocked (aws-sdk-client-mock on the DocumentClient), run in a
 * child process of its own so that the functions' log lines go nowhere and nothing else shares the
 * event loop. Sends its figures back over IPC.
 */
type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

useMockedEnvironment();

const stored = {
  ...validBody(),
  id: 'id-1',
  sys_version: 1,
  sys_created_at: '2026-01-01T00:00:00.000Z',
  sys_created_by_id: 'u',
  sys_last_modified_at: '2026-01-01T00:00:00.000Z',
  sys_last_modified_by_id: 'u',
  sys_last_security_context: { principal: 'u', tenant: 't1', source_ip: '', user_agent: '', request_id: '', time: '', operation: 'x' },
};
const itemFor = (key: Record<string, unknown>) => {
  const id = String(key.pk).split('#')[1];
  return { ...stored, id, pk: key.pk };
};

const load = async (entry: string): Promise<Handler> => ((await import(entry)) as { handler: Handler }).handler;
const bare = await load('./baselines/get.ts');
const get = await load('../lambdas/handlers/get-billing-run-action.ts');
const update = await load('../lambdas/handlers/update-billing-run-action.ts');
const patch = await load('../lambdas/handlers/patch-billing-run-action.ts');
const batch = await load('../lambdas/handlers/batch-billing-run-actions.ts');

const getEvent = proxyEvent({
  method: 'GET',
  resource: '/billingRunActions/{tenantId}/{id}',
  pathParameters: { tenantId: 't1', id: 'id-1' },
});
const updateEvent = proxyEvent({
  method: 'PUT',
  resource: '/billingRunActions/{tenantId}/{id}',
  pathParameters: { tenantId: 't1', id: 'id-1' },
  body: validBody({ name: 'updated' }),
});
const patchOperations = [{ op: 'replace', path: '/status', value: 'completed' }];
const patchEvent = proxyEvent({
  method: 'PATCH',
  resource: '/billingRunActions/{tenantId}/{id}',
  pathParameters: { tenantId: 't1', id: 'id-1' },
  body: patchOperations,
});
const batchEvent = proxyEvent({
  method: 'POST',
  resource: '/billingRunActions/{tenantId}/batch',
  pathParameters: { tenantId: 't1' },
  body: { operations: Array.from({ length: 100 }, (_, i) => ({ op: 'patch', id: `id-${i}`, patch: patchOperations })) },
});

async function timeEach(handler: Handler, event: APIGatewayProxyEvent, iterations: number): Promise<number[]> {
  const context = lambdaContext();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    // Lambda hands every invocation a fresh event (the body parser replaces `body` on the one it gets).
    const fresh = { ...event };
    const start = performance.now();
    const result = await handler(fresh, context);
    times.push(performance.now() - start);
    if (result.statusCode !== 200) throw new Error(`bench request answered ${result.statusCode}: ${result.body}`);
  }
  return times;
}

/**
 * Median per-call time of each handler after a warm-up, and each handler's overhead over the first one:
 * the median over rounds of the difference between the two handlers' medians in that round. The rounds
 * take the handlers in turn, so a machine that slows down for a while moves both sides of a difference.
 */
async function warmMedians(pairs: Record<string, [Handler, APIGatewayProxyEvent]>, rounds: number, perRound: number) {
  const names = Object.keys(pairs);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  const roundMedians: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (const [handler, event] of Object.values(pairs)) await timeEach(handler, event, 2000);
  for (let round = 0; round < rounds; round++) {
    for (const [name, [handler, event]] of Object.entries(pairs)) {
      const times = await timeEach(handler, event, perRound);
      samples[name]?.push(...times);
      roundMedians[name]?.push(median(times));
    }
  }
  const [base, ...others] = names as [string, ...string[]];
  const baseRounds = roundMedians[base] as number[];
  return {
    medians: Object.fromEntries(names.map((name) => [name, median(samples[name] as number[]) * 1000])),
    overheads: Object.fromEntries(
      others.map((name) => [
        name,
        median((roundMedians[name] as number[]).map((value, round) => value - (baseRounds[round] as number))) * 1000,
      ]),
    ),
  };
}

const ddb = mockClient(DynamoDBDocumentClient);
ddb.on(GetCommand).callsFake((input: { Key: Record<string, unknown> }) => ({ Item: itemFor(input.Key) }));
ddb.on(PutCommand).resolves({});
const warm = await warmMedians({ bare: [bare, getEvent], get: [get, getEvent], update: [update, updateEvent] }, 40, 500);

// A DynamoDB stand-in that answers every call after 5 ms, however many are in flight (as the real service does).
const LATENCY_MS = 5;
const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), LATENCY_MS));
ddb.reset();
ddb.on(GetCommand).callsFake((input: { Key: Record<string, unknown> }) => later({ Item: itemFor(input.Key) }));
ddb.on(PutCommand).callsFake(() => later({}));
await timeEach(patch, patchEvent, 20);
await timeEach(batch, batchEvent, 5);
const single = median(await timeEach(patch, patchEvent, 40));
const hundred = median(await timeEach(batch, batchEvent, 20));

process.send?.({
  warmMicroseconds: warm.medians,
  warmOverheadMicroseconds: warm.overheads,
  batch: { singlePatchMs: single, batch100Ms: hundred, latencyMs: LATENCY_MS },
});
