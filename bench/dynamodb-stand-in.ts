import { type Server, createServer } from 'node:http';
import { marshall } from '@aws-sdk/util-dynamodb';

/**
 * A DynamoDB endpoint that answers every call at once with a fitting canned response (the JSON 1.0
 * protocol the SDK speaks): the items it is asked for, an empty success for every write. Cold starts
 * are measured against it so that the figure is what a bundle costs to load, sign, send and parse,
 * not DynamoDB Local's own latency (which is several times higher for a write than for a read).
 */
export function startDynamoDbStandIn(
  port: number,
  items: { record: Record<string, unknown>; tenant: Record<string, unknown>; tenantsTableName: string },
): Promise<Server> {
  const answers: Record<string, (request: Record<string, unknown>) => unknown> = {
    GetItem: (request) =>
      request.TableName === items.tenantsTableName
        ? { Item: marshall(items.tenant) }
        : {
            Item: marshall({
              ...items.record,
              pk: (request.Key as { pk: { S: string } }).pk.S,
              id: (request.Key as { pk: { S: string } }).pk.S.split('#')[1],
            }),
          },
    Query: () => ({
      Items: Array.from({ length: 10 }, (_, i) => marshall({ ...items.record, id: `${items.record.id}-${i}` })),
      Count: 10,
      ScannedCount: 10,
    }),
    PutItem: () => ({}),
    UpdateItem: () => ({}),
    TransactWriteItems: () => ({}),
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
