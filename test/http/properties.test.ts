import { request as httpRequest } from 'node:http';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { validBody } from '../../testkit/bodies.ts';
import { requestArbitrary } from '../support/http-arbitraries.ts';
import { pollUntil } from '../support/poll.ts';
import { serviceForThisFile } from '../support/http-service.ts';

/**
 * Property, at the HTTP boundary of the local gateway: whatever arrives (method, path, query, headers,
 * content type, body, token), the answer is a documented status with a JSON body, a 4xx names what was
 * wrong in `message`, nothing is ever a 5xx, and a refused request changes nothing in storage.
 * Fixed seed, so CI runs the same cases every time; FUZZ_RUNS and FUZZ_SEED change them.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const DOCUMENTED = new Set([200, 400, 401, 403, 404, 409, 413, 429]);

const service = serviceForThisFile();
const tokens: Record<string, string> = {};
const ids: string[] = [];

interface Answer {
  status: number;
  text: string;
}

/** A raw HTTP request, so that any header and any body bytes can be sent. */
function send(method: string, path: string, headers: Record<string, string>, body: string | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Node's client frames a DELETE or OPTIONS body only when told its length, as any real client does.
    const framed = body === undefined ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) };
    const request = httpRequest(`${service.url}${path}`, { method, headers: framed }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function snapshot(): Promise<string> {
  const client = createDocumentClient({ region: 'us-east-1', endpoint: service.dynamoDbEndpoint });
  const items = [];
  for (const table of [process.env.TABLE_NAME, process.env.TENANTS_TABLE_NAME]) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
  }
  client.destroy();
  return JSON.stringify(items.map((item) => JSON.stringify(item)).sort());
}

beforeAll(async () => {
  tokens.full = service.token;
  tokens.reader = await service.issuer.sign({ tenant: 'tenant-a', scope: 'billing-run-actions:read' });
  tokens.other = await service.issuer.sign({ tenant: 'tenant-b' });
  for (const overrides of [{}, { sys_locked: true }, { status: 'processing' }]) {
    const created = await service.call('POST', '/billingRunActions/tenant-a', { token: tokens.full, body: validBody(overrides) });
    ids.push(created.body.id);
  }
});

const request = requestArbitrary(ids);

describe('the HTTP boundary, fuzzed', () => {
  it(`answers every request with a documented status and changes nothing when it refuses (${RUNS} cases, seed ${SEED})`, async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        const headers: Record<string, string> = {};
        const named = input.headerCase;
        if (input.contentType) headers[named('Content-Type')] = input.contentType;
        if (input.token === 'garbage') headers[named('Authorization')] = 'Bearer garbage.token.here';
        else if (input.token !== 'none') headers[named('Authorization')] = `Bearer ${tokens[input.token]}`;
        if (input.idempotencyKey) headers[named('Idempotency-Key')] = input.idempotencyKey;
        // Defined, not assigned: a header named `__proto__` is an own key like any other.
        if (input.extraHeader) {
          const [name, value] = input.extraHeader;
          Object.defineProperty(headers, named(name), { value, enumerable: true, writable: true, configurable: true });
        }
        const writes = !['GET', 'HEAD', 'OPTIONS'].includes(input.method);
        // A record an earlier case put in processing has its start handled in the background (the local
        // queue and starter write beside the records): the snapshot is taken once that is done.
        if (writes) await pollUntil(() => service.processing.settled(), { what: 'The starts of processing handled', timeoutMs: 10_000 });
        const before = writes ? await snapshot() : '';
        const answer = await send(
          input.method,
          `${input.path}${input.query}`,
          headers,
          input.method === 'GET' || input.method === 'HEAD' ? undefined : input.body,
        );
        expect(DOCUMENTED.has(answer.status), `${answer.status} ${answer.text}`).toBe(true);
        seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
        if (input.method === 'HEAD') return;
        let parsed: any;
        try {
          parsed = JSON.parse(answer.text);
        } catch {
          throw new Error(`not JSON: ${answer.status} ${JSON.stringify(answer.text)} for ${JSON.stringify(input)}`);
        }
        if (answer.status >= 400) {
          expect(typeof parsed.message).toBe('string');
          expect(parsed.message.length).toBeGreaterThan(0);
          if (parsed.details !== undefined) {
            for (const detail of parsed.details) expect(detail).toEqual({ path: expect.any(String), message: expect.any(String) });
          }
          if (writes) expect(await snapshot()).toBe(before);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    // The cases reach past authentication into every kind of answer, successes included.
    for (const status of [200, 400, 401, 403, 404])
      expect(seen.get(status) ?? 0, `answers with ${status}: ${JSON.stringify([...seen])}`).toBeGreaterThan(0);
  }, 600_000);
});
