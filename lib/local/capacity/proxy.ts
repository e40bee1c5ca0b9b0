import { randomUUID } from 'node:crypto';
import { Agent as HttpAgent, type IncomingMessage, type ServerResponse, createServer, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { CapacityLedger } from './ledger.ts';
import { type CallKind, InteractiveFirst } from './interactive-first.ts';
import type { Plan } from './charges.ts';
import { planBatchGet, planGet, planQuery, planTransactGet } from './reads.ts';
import { type Schemas, TableSchemas, itemKeyOf } from './table-schemas.ts';
import type { Item } from './units.ts';
import { type ItemsBefore, type WriteContext } from './write-actions.ts';
import { planBatchWrite, planWrite } from './writes.ts';
import { planTransactWrite } from './transact-writes.ts';

type Request = Record<string, unknown>;
type Upstream = { status: number; headers: Record<string, string>; body: Buffer };

/** How a request goes on to the real DynamoDB (DynamoDB Local, or an AWS endpoint, signed again: signing.ts). */
export type Send = (target: string, body: Buffer, headers: Record<string, string>) => Promise<Upstream>;

/** The data operations the emulator meters; every other call (tables, TTL, descriptions) goes through as it is. */
const PLANS: Record<string, (context: WriteContext, request: Request) => Promise<Plan>> = {
  PutItem: (context, request) => planWrite(context, 'Put', request),
  UpdateItem: (context, request) => planWrite(context, 'Update', request),
  DeleteItem: (context, request) => planWrite(context, 'Delete', request),
  BatchWriteItem: planBatchWrite,
  TransactWriteItems: planTransactWrite,
  GetItem: ({ ledger, schemas }, request) => planGet(ledger, schemas, request),
  Query: ({ ledger, schemas }, request) => planQuery(ledger, schemas, request, false),
  Scan: ({ ledger, schemas }, request) => planQuery(ledger, schemas, request, true),
  BatchGetItem: ({ ledger, schemas }, request) => planBatchGet(ledger, schemas, request),
  TransactGetItems: ({ ledger, schemas }, request) => planTransactGet(ledger, schemas, request),
};
const TABLE_CHANGES = new Set(['CreateTable', 'UpdateTable', 'DeleteTable']);
const TARGET_PREFIX = 'DynamoDB_20120810.';

/** Sends to an http(s) endpoint over kept-alive sockets, headers as given. */
export function sender(endpoint: string): Send {
  const url = new URL(endpoint);
  const secure = url.protocol === 'https:';
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const send = secure ? httpsRequest : httpRequest;
  return (_target, body, headers) =>
    new Promise((resolve, reject) => {
      const outgoing = send(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 500,
            headers: Object.fromEntries(Object.entries(response.headers).filter(([, value]) => typeof value === 'string')) as Record<
              string,
              string
            >,
            body: Buffer.concat(chunks),
          }),
        );
        response.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
}

async function readAll(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The request asking, besides, for the item as it was (a request without ReturnValues: the member goes first, no other is touched). */
const askingOldItem = (body: Buffer): Buffer =>
  Buffer.concat([Buffer.from('{"ReturnValues":"ALL_OLD",'), body.subarray(body.indexOf(0x7b) + 1)]);

/** How many times the emulator asks again for keys its read of the items before a write left unprocessed. */
const READ_ATTEMPTS = 5;

function answer(response: ServerResponse, status: number, body: Buffer | string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-requestid': headers['x-amzn-requestid'] ?? randomUUID(),
  });
  response.end(body);
}

export interface RunningEmulator {
  /** Where the API's functions send their calls. */
  url: string;
  /** Where the local bulk runner's steps send theirs: the same emulator, their calls after the API's (interactive-first.ts). */
  backgroundUrl: string;
  stop(): Promise<void>;
}

/**
 * The capacity emulator as an HTTP endpoint in front of DynamoDB: each data call is planned by the
 * ledger (answered by it when throttled or in conflict, else sent on, perhaps in part, and settled
 * with the answer); every other call goes through as it is. It listens twice, for the API's calls and
 * for the background's, which wait for their turn (`order`) before anything else.
 */
export async function startEmulatorEndpoint(
  ledger: CapacityLedger,
  send: Send,
  order = new InteractiveFirst(),
  host = '127.0.0.1',
): Promise<RunningEmulator> {
  // The emulator's own DescribeTable goes with the credentials of the call that needs it (DynamoDB
  // Local wants an access key; an AWS endpoint's calls are signed again anyway).
  let credentials: Record<string, string> = {};
  const schemas = new TableSchemas(async (tableName) => {
    const described = await send(`${TARGET_PREFIX}DescribeTable`, Buffer.from(JSON.stringify({ TableName: tableName })), {
      ...credentials,
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `${TARGET_PREFIX}DescribeTable`,
    });
    if (described.status !== 200) throw new Error(`DescribeTable ${tableName}: ${described.body.toString('utf8').slice(0, 200)}`);
    return JSON.parse(described.body.toString('utf8')).Table;
  });
  const schemaOf: Schemas = (tableName) => schemas.of(tableName);
  // The items before writes whose cost depends on them (writes.ts): one consistent BatchGetItem of the
  // DynamoDB behind, not metered (it is the emulator's own read, not the client's).
  const itemsBefore: ItemsBefore = async (keys) => {
    let pending: Record<string, { Keys: Item[]; ConsistentRead: true }> = {};
    const wanted = new Set<string>();
    for (const { schema, key } of keys) {
      const itemKey = itemKeyOf(schema, key);
      if (wanted.has(itemKey)) continue;
      wanted.add(itemKey);
      (pending[schema.name] ??= { Keys: [], ConsistentRead: true }).Keys.push(key);
    }
    const found = new Map<string, Item>();
    for (let attempt = 1; Object.keys(pending).length > 0; attempt++) {
      if (attempt > READ_ATTEMPTS) throw new Error(`BatchGetItem left keys unprocessed ${READ_ATTEMPTS} times`);
      const read = await send(`${TARGET_PREFIX}BatchGetItem`, Buffer.from(JSON.stringify({ RequestItems: pending })), {
        ...credentials,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `${TARGET_PREFIX}BatchGetItem`,
      });
      if (read.status !== 200) throw new Error(`BatchGetItem: ${read.body.toString('utf8').slice(0, 200)}`);
      const body = JSON.parse(read.body.toString('utf8')) as {
        Responses?: Record<string, Item[]>;
        UnprocessedKeys?: Record<string, { Keys: Item[]; ConsistentRead: true }>;
      };
      for (const [table, items] of Object.entries(body.Responses ?? {})) {
        const schema = await schemaOf(table);
        for (const item of items) found.set(itemKeyOf(schema, item), item);
      }
      pending = body.UnprocessedKeys ?? {};
    }
    return keys.map(({ schema, key }) => found.get(itemKeyOf(schema, key)));
  };
  const context: WriteContext = { ledger, schemas: schemaOf, itemsBefore };
  const serve = async (incoming: IncomingMessage, response: ServerResponse, kind: CallKind): Promise<void> => {
    const body = await readAll(incoming);
    const done = await order.enter(kind);
    try {
      // A call whose client gave up while it waited (its attempt timed out) is not made: the client has sent it again.
      if (!response.destroyed) await serveInTurn(incoming, response, body);
    } finally {
      done();
    }
  };
  const serveInTurn = async (incoming: IncomingMessage, response: ServerResponse, body: Buffer): Promise<void> => {
    const target = String(incoming.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const headers = Object.fromEntries(
      Object.entries(incoming.headers).filter(
        ([name, value]) => typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name),
      ),
    ) as Record<string, string>;
    const planFor = PLANS[operation];
    if (!planFor) {
      const upstream = await send(target, body, headers);
      if (TABLE_CHANGES.has(operation)) schemas.forget(JSON.parse(body.toString('utf8')).TableName);
      answer(response, upstream.status, upstream.body, upstream.headers);
      return;
    }
    ledger.called();
    credentials = Object.fromEntries(
      ['authorization', 'x-amz-date', 'x-amz-security-token'].flatMap((name) => (headers[name] ? [[name, headers[name]]] : [])),
    );
    const request = JSON.parse(body.toString('utf8')) as Request;
    const plan = await planFor(context, request);
    if (plan.answer) {
      answer(response, plan.answer.status, JSON.stringify(plan.answer.body));
      return;
    }
    const forwarded =
      plan.forward === undefined || plan.forward === request
        ? plan.askOldItem
          ? askingOldItem(body)
          : body
        : Buffer.from(JSON.stringify(plan.forward));
    // Settled even when the DynamoDB behind fails, so that no hold or token outlives the call.
    const upstream = await send(target, forwarded, headers).catch((error: unknown) => {
      plan.settle?.(500, {});
      throw error;
    });
    if (!plan.settle) {
      answer(response, upstream.status, upstream.body, upstream.headers);
      return;
    }
    const settled = plan.settle(
      upstream.status,
      upstream.status === 200 || upstream.status === 400 ? JSON.parse(upstream.body.toString('utf8')) : {},
    );
    answer(response, upstream.status, upstream.status === 200 ? JSON.stringify(settled) : upstream.body, upstream.headers);
  };
  const listening = async (kind: CallKind) => {
    const server = createServer((incoming, response) => {
      serve(incoming, response, kind).catch((error: unknown) => {
        if (response.headersSent) return void response.end();
        answer(
          response,
          500,
          JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
            message: `capacity emulator: ${(error as Error).message}`,
          }),
        );
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    return server;
  };
  const servers = [await listening('interactive'), await listening('background')];
  const [url, backgroundUrl] = servers.map((server) => `http://${host}:${(server.address() as AddressInfo).port}`) as [string, string];
  return {
    url,
    backgroundUrl,
    stop: async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}
