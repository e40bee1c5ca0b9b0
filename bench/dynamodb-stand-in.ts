import { type Server, createServer } from 'node:http';
import { marshall } from '@aws-sdk/util-dynamodb';

/**
 * A DynamoDB endpoint (and Step Functions' StartExecution) that answers every call at once with a fitting canned response (the JSON 1.0
 * protocol the SDK speaks): the items it is asked for, an empty success for every write. Cold starts
 * are measured against it so that the figure is what a bundle costs to load, sign, send and parse,
 * not DynamoDB Local's own latency (which is several times higher for a write than for a read).
 */
export function startDynamoDbStandIn(
  port: number,
  items: {
    record: Record<string, unknown>;
    tenant: Record<string, unknown>;
    load: Record<string, unknown>;
    /** A record in processing that waits for its execution (the starter's first request). */
    waiting?: Record<string, unknown>;
    tenantsTableName: string;
  },
): Promise<Server> {
  const keyOf = (request: Record<string, unknown>): string => (request.Key as { pk?: { S: string } }).pk?.S ?? '';
  const answers: Record<string, (request: Record<string, unknown>) => unknown> = {
    GetItem: (request) => {
      const pk = keyOf(request);
      if (request.TableName === items.tenantsTableName) return { Item: marshall(items.tenant) };
      // A batch of a load has not run yet; a load is loading, its lines all counted (so it may end).
      if (pk.includes('#chunk#')) return {};
      if (pk.includes('#bulkload#')) return { Item: marshall({ ...items.load, pk }) };
      if (items.waiting && pk.endsWith(`#${items.waiting.id}`)) return { Item: marshall({ ...items.waiting, pk }) };
      return { Item: marshall({ ...items.record, pk, id: pk.split('#')[1] }) };
    },
    // No record is stuck in processing (neither processing index holds one); any other index holds a page of records.
    Query: (request) =>
      request.IndexName === 'byTenantProcessing' || request.IndexName === 'byProcessingSince'
        ? { Items: [], Count: 0, ScannedCount: 0 }
        : {
            Items: Array.from({ length: 10 }, (_, i) => marshall({ ...items.record, id: `${items.record.id}-${i}` })),
            Count: 10,
            ScannedCount: 10,
          },
    // The sweep's list of tenants: the registry holds the one tenant (its counter's shards are left out by the reader).
    Scan: () => ({ Items: [marshall({ tenant_id: items.tenant.tenant_id })], Count: 1, ScannedCount: 1 }),
    PutItem: () => ({}),
    // A load's item after a claim or a change: loading, its line count not yet stored.
    UpdateItem: (request) => {
      if (request.ReturnValues !== 'ALL_NEW') return {};
      const { lines: _lines, ...claimed } = items.load;
      // A load's end sets its status (`:status`): the item after the update holds it.
      const status = (request.ExpressionAttributeValues as Record<string, { S?: string }> | undefined)?.[':status']?.S;
      return { Attributes: marshall({ ...claimed, ...(status && { status }), pk: keyOf(request) }) };
    },
    // The tenant's counter read whole (a batch's reservation): the registry item and every shard, with room.
    // A run's summary (keys `pk`): its first counter item counts one record, the others are not there.
    BatchGetItem: (request) => {
      const [table, read] =
        Object.entries(request.RequestItems as Record<string, { Keys: { tenant_id?: { S: string }; pk?: { S: string } }[] }>)[0] ?? [];
      if (read?.Keys[0]?.pk) {
        const first = read.Keys.map(({ pk }) => pk?.S ?? '').filter((pk) => pk.endsWith('#0'));
        const counters = first.map((pk) => marshall({ pk, total: 1, 'status:pending': 1, 'type:send renewal reminder': 1 }));
        return { Responses: { [table as string]: counters }, UnprocessedKeys: {} };
      }
      const found = (read?.Keys ?? []).map(({ tenant_id }) =>
        (tenant_id as { S: string }).S.includes('#counter#')
          ? marshall({ tenant_id: (tenant_id as { S: string }).S, shard_count: 0, shard_slice: 1_000 })
          : marshall({ ...items.tenant, tenant_id: (tenant_id as { S: string }).S }),
      );
      return { Responses: { [table as string]: found }, UnprocessedKeys: {} };
    },
    TransactWriteItems: () => ({}),
    BatchWriteItem: () => ({ UnprocessedItems: {} }),
    // Step Functions speaks the same protocol (target AWSStepFunctions.StartExecution): the queue's consumer starts here.
    StartExecution: (request) => ({
      executionArn: `${String(request.stateMachineArn).replace(':stateMachine:', ':execution:')}:${String(request.name)}`,
      startDate: Date.now() / 1000,
    }),
  };
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const answer = answers[operation];
      const payload = answer
        ? answer(JSON.parse(body) as Record<string, unknown>)
        : { __type: 'com.amazon.coral.service#UnknownOperationException' };
      response.writeHead(answer ? 200 : 400, { 'Content-Type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify(payload));
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
