import { request as httpRequest } from 'node:http';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORD_FIELDS } from '../../lambdas/domain/billing-run-action.ts';
import { ROUTES } from '../../lambdas/routes.ts';
import { createDocumentClient } from '../../lambdas/storage/document-client.ts';
import { validBody } from '../support/fixtures.ts';
import { type TestService, startTestService } from '../support/http-service.ts';

/**
 * Property, at the HTTP boundary of the local gateway: whatever arrives (method, path, query, headers,
 * content type, body, token), the answer is a documented status with a JSON body, a 4xx names what was
 * wrong in `message`, nothing is ever a 5xx, and a refused request changes nothing in storage.
 * Fixed seed, so CI runs the same cases every time; FUZZ_RUNS and FUZZ_SEED change them.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const DOCUMENTED = new Set([200, 400, 401, 403, 404, 409, 413, 429]);

let service: TestService;
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
  service = await startTestService(['tenant-a', 'tenant-b']);
  tokens.full = await service.issuer.sign({ tenant: 'tenant-a' });
  tokens.reader = await service.issuer.sign({ tenant: 'tenant-a', scope: 'billing-run-actions:read' });
  tokens.other = await service.issuer.sign({ tenant: 'tenant-b' });
  for (const overrides of [{}, { sys_locked: true }, { status: 'processing' }]) {
    const created = await service.call('POST', '/billingRunActions/tenant-a', { token: tokens.full, body: validBody(overrides) });
    ids.push(created.body.id);
  }
});
afterAll(() => service.stopAll());

const segment = fc.oneof(
  fc.constantFrom(
    'tenant-a',
    'tenant-b',
    'tenant-z',
    'batch',
    'certification',
    'application',
    'trainingProvider',
    'billingRun',
    'cert-1',
    '..',
    '%2F',
    '%00',
    'a'.repeat(300),
  ),
  fc.constantFrom(...['x', 'y', 'z'].map((_, i) => i)).map((i) => ids[i] ?? 'missing'),
  fc
    .string({ maxLength: 20 })
    .map(encodeURIComponent)
    .filter((value) => value.length > 0),
);
const path = fc.oneof(
  fc.constantFrom(...ROUTES.map((route) => route.path)).chain((template) =>
    fc
      .tuple(
        ...template
          .split('/')
          .slice(1)
          .map((part) =>
            part.startsWith('{') ? (part === '{tenantId}' ? fc.oneof(fc.constant('tenant-a'), segment) : segment) : fc.constant(part),
          ),
      )
      .map((parts) => `/${parts.join('/')}`),
  ),
  fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
);
const query = fc
  .dictionary(
    fc.constantFrom('fields', 'limit', 'consistentRead', 'exclusiveStartKey', 'other'),
    fc.oneof(fc.constantFrom('name,status', 'nope', '0', '1000', '1001', 'true', 'yes', '', 'id'), fc.string({ maxLength: 30 })),
    { maxKeys: 3 },
  )
  .map((entries) => {
    const search = new URLSearchParams(entries).toString();
    return search ? `?${search}` : '';
  });
const pointer = fc.oneof(
  fc.constantFrom(...RECORD_FIELDS).map((field) => `/${field}`),
  fc.constantFrom(
    '',
    '/',
    '/__proto__/x',
    '/constructor/prototype',
    '/training_provider_billing_records/-',
    '/training_provider_billing_records/0/amount',
    '/nope/deeper',
    '/sys_locked',
  ),
  fc.string({ maxLength: 12 }),
);
/**
 * Numbers JSON can write but a double cannot hold, or DynamoDB cannot store, sent as raw text: a
 * generated string `§<number>§` is replaced by the bare number when the body is serialized.
 */
const RAW_NUMBERS = [
  '1e16',
  '9007199254740993',
  '-9007199254740993',
  '1e20',
  '1e125',
  '1e126',
  '1e-130',
  '1e-131',
  '1e-400',
  '1e400',
  '0.1000000000000000055511151231257827',
  '12345678901234567890123456789012345678',
  '123456789012345678901234567890123456789',
  '-0',
  '5.0000000000000000001',
];
const rawNumber = fc.constantFrom(...RAW_NUMBERS).map((text) => `§${text}§`);
const serialize = (value: unknown): string => JSON.stringify(value).replace(/"§([^§"]*)§"/g, '$1');
/** Keys that name JavaScript internals: inside open objects they are data. */
const internalKey = fc.constantFrom(
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'name',
  'prototype',
  '__proto__',
  'isPrototypeOf',
  'amount',
);
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  rawNumber,
  fc.dictionary(
    internalKey,
    fc.oneof(rawNumber, fc.jsonValue({ maxDepth: 2 }), fc.dictionary(internalKey, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 })),
    { maxKeys: 4 },
  ),
);
/** Billing records near the 256 KiB body limit, on either side of it, now and then. */
const billingRecords = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.dictionary(internalKey, value, { maxKeys: 4 }), { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(250 * 1024, 256 * 1024 - 1500, 256 * 1024 + 1).map((size) => [{ blob: 'x'.repeat(size) }]) },
);
const patchOperation = fc.record(
  { op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'merge'), path: pointer, from: pointer, value },
  { requiredKeys: ['op'] },
);
const recordBody = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...RECORD_FIELDS, 'unknown_field', '__proto__'), value, { maxKeys: 3 }),
    fc.subarray(Object.keys(validBody())),
    fc.option(billingRecords, { nil: undefined }),
  )
  .map(([changes, dropped, records]) => {
    const body: Record<string, unknown> = { ...validBody(), ...changes, ...(records && { training_provider_billing_records: records }) };
    for (const field of dropped) delete body[field];
    return body;
  });
const body = fc.oneof(
  recordBody.map(serialize),
  fc.array(patchOperation, { maxLength: 4 }).map(serialize),
  fc
    .array(
      fc.record(
        { op: fc.constantFrom('patch', 'delete', 'create'), id: segment, patch: fc.array(patchOperation, { maxLength: 2 }) },
        { requiredKeys: ['op', 'id'] },
      ),
      { maxLength: 4 },
    )
    .map((operations) => serialize({ operations })),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 60 }),
  fc.constant('{"__proto__":{"polluted":true}}'),
  fc.constant(undefined),
);
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
  path,
  query,
  contentType: fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    undefined,
  ),
  token: fc.constantFrom('full', 'full', 'full', 'reader', 'other', 'garbage', 'none'),
  idempotencyKey: fc.option(fc.constantFrom('key-1', 'key-2', ' bad key '), { nil: undefined }),
  /** Header names as clients spell them: any case goes (API Gateway passes them as sent). */
  headerCase: fc.constantFrom<(name: string) => string>(
    (name) => name,
    (name) => name.toLowerCase(),
    (name) => name.toUpperCase(),
    (name) => name[0] + name.slice(1).toLowerCase(),
  ),
  body,
});

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
        const writes = !['GET', 'HEAD', 'OPTIONS'].includes(input.method);
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
