import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validBody } from '../support/fixtures.ts';
import { type TestService, startTestService } from '../support/http-service.ts';

let service: TestService;
let token: string;
const base = '/billingRunActions/tenant-a';

beforeAll(async () => {
  service = await startTestService();
  token = await service.issuer.sign({ tenant: 'tenant-a' });
});
afterAll(() => service.stopAll());

const create = async (overrides: Record<string, unknown> = {}) => {
  const response = await service.call('POST', base, { token, body: validBody(overrides) });
  expect(response.status).toBe(200);
  return response.body as Record<string, any>;
};

describe('header names', () => {
  it('reads Content-Type, Authorization and Idempotency-Key whatever their case', async () => {
    const body = JSON.stringify(validBody({ billing_run_id: 'header-case' }));
    for (const [contentType, authorization, idempotency] of [
      ['Content-type', 'authorization', 'idempotency-KEY'],
      ['CONTENT-TYPE', 'AUTHORIZATION', 'IDEMPOTENCY-KEY'],
      ['content-type', 'Authorization', 'Idempotency-Key'],
    ] as const) {
      const response = await service.rawCall('POST', base, {
        headers: { [contentType]: 'application/json', [authorization]: `Bearer ${token}`, [idempotency]: 'case-key' },
        body,
      });
      expect(response.status, `${contentType} / ${authorization}`).toBe(200);
    }
    // One key whatever the header's case: the three calls created one record.
    const listed = await service.call('GET', `${base}/billingRun/header-case`, { token });
    expect(listed.body.Count).toBe(1);
  });
});

describe('lookup values', () => {
  it('refuses on write a lookup value its list route could not take, naming the field', async () => {
    const response = await service.call('POST', base, {
      token,
      body: validBody({ certification_id: 'cert 7/ü', application_id: 'app?1', training_provider_id: 'tp#1', billing_run_id: 'run%1' }),
    });
    expect(response.status).toBe(400);
    expect(response.body.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'application_id',
      'billing_run_id',
      'certification_id',
      'training_provider_id',
    ]);
    expect(response.body.details[0].message).toMatch(/list route/);
  });

  it('lists every lookup value a record can hold', async () => {
    const value = `a:b|c-d_${'e'.repeat(200)}`;
    const record = await create({ certification_id: value, application_id: value, training_provider_id: value, billing_run_id: value });
    for (const lookup of ['certification', 'application', 'trainingProvider', 'billingRun']) {
      const page = await service.call('GET', `${base}/${lookup}/${encodeURIComponent(value)}`, { token });
      expect(page.status, lookup).toBe(200);
      expect(page.body.Items.map((item: { id: string }) => item.id)).toEqual([record.id]);
    }
    const patched = await service.call('PATCH', `${base}/${record.id}`, {
      token,
      body: [{ op: 'replace', path: '/certification_id', value: 'not listable' }],
    });
    expect(patched.status).toBe(400);
  });
});

describe('paths the gateway matches', () => {
  it('answers a path of hundreds of stars at once, without blocking other requests', async () => {
    const stars = '*'.repeat(2000);
    const [starred, other] = await Promise.all([
      service.call('GET', `/billingRunActions/${stars}/${stars}`, { token }),
      service.call('GET', `${base}/certification/none`, { token }),
    ]);
    expect(starred.status).toBe(400);
    expect(starred.body.message).toMatch(/tenantId/);
    expect(other.status).toBe(200);
  }, 5_000);
});

/** A create body whose billing records are given as raw JSON text, so numbers go out exactly as written. */
const bodyWithRecords = (recordsJson: string, overrides: Record<string, unknown> = {}): string =>
  JSON.stringify(validBody({ training_provider_billing_records: ['RECORDS'], ...overrides })).replace('["RECORDS"]', recordsJson);

describe('numbers', () => {
  const EXACT = [
    '1e16',
    '9007199254740993',
    '-9007199254740993',
    '1e20',
    '1e125',
    '-1e-130',
    '0.1000000000000000055511151231257827',
    '12345678901234567890123456789012345678',
    '9.9999999999999999999999999999999999999e+125',
    '123.456',
    '0',
  ];
  /** How JSON.stringify would print each number's value (the service answers numbers in this form). */
  const CANONICAL: Record<string, string> = {
    '1e16': '10000000000000000',
    '1e20': '100000000000000000000',
    '1e125': '1e+125',
    '9.9999999999999999999999999999999999999e+125': '9.9999999999999999999999999999999999999e+125',
  };
  const records = `[${EXACT.map((n, i) => `{"n${i}": ${n}, "list": [${n}]}`).join(',')}]`;
  const expectExact = (text: string) => {
    EXACT.forEach((n, i) => {
      const shown = CANONICAL[n] ?? n;
      // Key order inside stored maps is DynamoDB's, so each number is looked for as a member and as a list element.
      expect(text, n).toContain(`"n${i}":${shown}`);
      expect(text, n).toMatch(new RegExp(`"list":\\[${shown.replace(/[.+]/g, '\\$&')}\\]`));
    });
  };

  it('keeps every number DynamoDB can hold, digit for digit, through create, get, list, PUT, PATCH and batch', async () => {
    const created = await service.call('POST', base, {
      token,
      rawBody: bodyWithRecords(records, { billing_run_id: 'numbers' }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(created.status, created.text).toBe(200);
    expectExact(created.text);
    const id = created.body.id as string;
    expectExact((await service.call('GET', `${base}/${id}`, { token })).text);
    expectExact((await service.call('GET', `${base}/billingRun/numbers`, { token })).text);

    const put = await service.call('PUT', `${base}/${id}`, {
      token,
      rawBody: bodyWithRecords(records, { billing_run_id: 'numbers', name: 'replaced' }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(put.status, put.text).toBe(200);
    expectExact(put.text);

    const patch = `[{"op":"test","path":"/training_provider_billing_records/1/n1","value":9007199254740993},{"op":"add","path":"/training_provider_billing_records/0/big","value":9007199254740995},{"op":"copy","from":"/training_provider_billing_records/6","path":"/training_provider_billing_records/-"}]`;
    const patched = await service.call('PATCH', `${base}/${id}`, {
      token,
      rawBody: patch,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(patched.status, patched.text).toBe(200);
    expectExact(patched.text);
    expect(patched.text).toContain('"big":9007199254740995');
    expect(patched.body.training_provider_billing_records).toHaveLength(EXACT.length + 1);
    expect(patched.text.split('0.1000000000000000055511151231257827')).toHaveLength(5);
    // A test against a number a double would round to the same value still fails: the values differ.
    const near = await service.call('PATCH', `${base}/${id}`, {
      token,
      rawBody: '[{"op":"test","path":"/training_provider_billing_records/1/n1","value":9007199254740992}]',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(near.status).toBe(409);

    const batch = await service.call('POST', `${base}/batch`, {
      token,
      rawBody: `{"operations":[{"op":"patch","id":"${id}","patch":[{"op":"replace","path":"/training_provider_billing_records/0/big","value":1e20}]}]}`,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(batch.status).toBe(200);
    expect(batch.body.results[0].status).toBe(200);
    expect(batch.text).toContain('"big":100000000000000000000');
    expectExact(batch.text);
  });

  it('keeps the client-set numeric fields exactly too', async () => {
    const created = await service.call('POST', base, {
      token,
      rawBody: JSON.stringify(validBody()).replace('{', '{"sys_bulk_load_record_no":9007199254740993,"sys_snapshot_base_version":1e20,'),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(created.status, created.text).toBe(200);
    expect(created.text).toContain('"sys_bulk_load_record_no":9007199254740993');
    expect(created.text).toContain('"sys_snapshot_base_version":100000000000000000000');
    const wrong = await service.call('POST', base, { token, body: validBody({ sys_bulk_load_record_no: 'seven' }) });
    expect(wrong.body.details).toEqual([{ path: 'sys_bulk_load_record_no', message: 'must be a number' }]);
  });

  it.each([
    ['1e126', /outside the storable range/],
    ['-1e126', /outside the storable range/],
    ['1e-131', /outside the storable range/],
    ['1e-400', /outside the storable range/],
    ['1e400', /outside the storable range/],
    ['123456789012345678901234567890123456789', /more than 38 significant digits/],
  ])('refuses %s with a 400 naming the field, and stores nothing', async (number, message) => {
    const response = await service.call('POST', base, {
      token,
      rawBody: bodyWithRecords(`[{"ok": 1}, {"amount": ${number}}]`, { billing_run_id: 'refused-numbers' }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([
      { path: 'training_provider_billing_records.1.amount', message: expect.stringMatching(message) },
    ]);
    expect((await service.call('GET', `${base}/billingRun/refused-numbers`, { token })).body.Count).toBe(0);
  });
});

describe('object keys that look like JavaScript internals', () => {
  const odd: Record<string, unknown>[] = [
    { constructor: { name: 'String' }, amount: 5 },
    { constructor: { name: 'Boolean' } },
    { constructor: { x: 1 } },
    { constructor: 'x', toString: 1, valueOf: { a: [] }, hasOwnProperty: null },
    { nested: { constructor: { name: 'Map' }, list: [{ constructor: { name: 'Number' } }] } },
  ];

  it('stores and returns them exactly through create, get, list, PUT and PATCH', async () => {
    const created = await create({ training_provider_billing_records: odd, billing_run_id: 'odd-keys' });
    expect(created.training_provider_billing_records).toEqual(odd);
    const read = await service.call('GET', `${base}/${created.id}`, { token });
    expect(read.body.training_provider_billing_records).toEqual(odd);
    const listed = await service.call('GET', `${base}/billingRun/odd-keys`, { token });
    expect(listed.body.Items[0].training_provider_billing_records).toEqual(odd);
    const put = await service.call('PUT', `${base}/${created.id}`, {
      token,
      body: validBody({ training_provider_billing_records: [...odd].reverse(), billing_run_id: 'odd-keys' }),
    });
    expect(put.body.training_provider_billing_records).toEqual([...odd].reverse());
    const patched = await service.call('PATCH', `${base}/${created.id}`, {
      token,
      body: [{ op: 'add', path: '/training_provider_billing_records/0/valueOf', value: { constructor: { name: 'Object' } } }],
    });
    expect(patched.status).toBe(200);
    expect((await service.call('GET', `${base}/${created.id}`, { token })).body.training_provider_billing_records[0]).toEqual({
      ...odd.at(-1),
      valueOf: { constructor: { name: 'Object' } },
    });
  });

  it('compares them as data in a patch test, and a no-op patch over them writes nothing', async () => {
    const created = await create({ training_provider_billing_records: odd });
    const same = await service.call('PATCH', `${base}/${created.id}`, {
      token,
      body: [
        { op: 'test', path: '/training_provider_billing_records', value: odd },
        {
          op: 'test',
          path: '/training_provider_billing_records/3',
          value: { hasOwnProperty: null, valueOf: { a: [] }, toString: 1, constructor: 'x' },
        },
        { op: 'replace', path: '/training_provider_billing_records/3/hasOwnProperty', value: null },
      ],
    });
    expect(same).toMatchObject({ status: 200, body: { sys_version: 1 } });
    const different = await service.call('PATCH', `${base}/${created.id}`, {
      token,
      body: [
        {
          op: 'test',
          path: '/training_provider_billing_records/3',
          value: { hasOwnProperty: 0, valueOf: { a: [] }, toString: 1, constructor: 'x' },
        },
      ],
    });
    expect(different.status).toBe(409);
  });

  it('refuses a constructor.prototype key with a 400 naming the reason', async () => {
    const response = await service.call('POST', base, {
      token,
      body: validBody({ training_provider_billing_records: [{ constructor: { prototype: { polluted: true } } }] }),
    });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/forbidden key/);
  });
});

describe('patches that change nothing', () => {
  it('write nothing and answer the stored record, alone or in a batch', async () => {
    const record = await create();
    const tests = await service.call('PATCH', `${base}/${record.id}`, { token, body: [{ op: 'test', path: '/status', value: 'pending' }] });
    expect(tests).toMatchObject({ status: 200, body: record });
    const same = await service.call('PATCH', `${base}/${record.id}`, {
      token,
      body: [
        { op: 'replace', path: '/status', value: 'pending' },
        { op: 'add', path: '/training_provider_billing_records/0/currency', value: 'USD' },
        { op: 'copy', from: '/name', path: '/name' },
      ],
    });
    expect(same).toMatchObject({ status: 200, body: record });
    const batch = await service.call('POST', `${base}/batch`, {
      token,
      body: { operations: [{ op: 'patch', id: record.id, patch: [{ op: 'test', path: '/sys_version', value: 1 }] }] },
    });
    expect(batch.body.results[0]).toEqual({ id: record.id, op: 'patch', status: 200, record });
    expect((await service.call('GET', `${base}/${record.id}?consistentRead=true`, { token })).body).toEqual(record);
  });
});

describe("DynamoDB's item limit", () => {
  const large = (kib: number) => [{ blob: 'x'.repeat(kib * 1024) }];

  it('answers 413 naming the limit for a patch whose result would pass 400 KB, alone or in a batch, and writes nothing', async () => {
    const record = await create({ training_provider_billing_records: large(210) });
    const copy = [{ op: 'copy', from: '/training_provider_billing_records/0', path: '/training_provider_billing_records/-' }];
    const alone = await service.call('PATCH', `${base}/${record.id}`, { token, body: copy });
    expect(alone.status).toBe(413);
    expect(alone.body.message).toMatch(/item limit of 400 KB \(409,600 bytes\)/);
    const batch = await service.call('POST', `${base}/batch`, {
      token,
      body: { operations: [{ op: 'patch', id: record.id, patch: copy }] },
    });
    expect(batch.body).toMatchObject({
      success_count: 0,
      error_count: 1,
      results: [{ status: 413, error: { message: expect.stringMatching(/400 KB/) } }],
    });
    expect((await service.call('GET', `${base}/${record.id}?consistentRead=true`, { token })).body.sys_version).toBe(1);
  });

  it('takes a write up to the limit', async () => {
    // 3 KiB short of the limit: the record's other fields and keys fit in that.
    const record = await create({ training_provider_billing_records: large(200) });
    const patched = await service.call('PATCH', `${base}/${record.id}`, {
      token,
      body: [{ op: 'add', path: '/training_provider_billing_records/-', value: { blob: 'y'.repeat(197 * 1024) } }],
    });
    expect(patched.status, patched.text.slice(0, 300)).toBe(200);
  });

  it('cuts off copies of copies at once, and a batch of 50 such patches changes nothing', async () => {
    const records = await Promise.all(Array.from({ length: 50 }, () => create()));
    // As many operations as fit the 256 KiB body limit: each copies the whole list into itself.
    const doubling = Array.from({ length: 45 }, (_, i) => ({
      op: 'copy',
      from: '/training_provider_billing_records',
      path: `/training_provider_billing_records/0/copy${i}`,
    }));
    const batch = await service.call('POST', `${base}/batch`, {
      token,
      body: { operations: records.map((record) => ({ op: 'patch', id: record.id, patch: doubling })) },
    });
    expect(batch.status).toBe(200);
    expect(batch.body.error_count).toBe(50);
    for (const result of batch.body.results) {
      expect(result.status).toBe(413);
      expect(result.error.message).toMatch(/writes more than DynamoDB's item limit/);
    }
    const after = await service.call('GET', `${base}/${records[0]?.id}`, { token });
    expect(after.body.sys_version).toBe(1);
  }, 10_000);
});

describe('writers racing on one record', () => {
  it('applies concurrent appends without a 409 and loses none: at least 45 of 50 apply, the rest are told to retry', async () => {
    const record = await create();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        service.call('PATCH', `${base}/${record.id}`, {
          token,
          body: [{ op: 'add', path: '/training_provider_billing_records/-', value: { append: i } }],
        }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    const applied = statuses.filter((status) => status === 200).length;
    expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
    expect(applied).toBeGreaterThanOrEqual(45);
    for (const refused of responses.filter((response) => response.status === 429)) expect(refused.headers.get('retry-after')).toBe('1');
    const final = await service.call('GET', `${base}/${record.id}?consistentRead=true`, { token });
    expect(final.body.sys_version).toBe(1 + applied);
    expect(final.body.training_provider_billing_records).toHaveLength(1 + applied);
  }, 30_000);
});

describe("Lambda's 6 MB response limit", () => {
  const large = (tag: string) => validBody({ billing_run_id: tag, training_provider_billing_records: [{ blob: 'x'.repeat(200 * 1024) }] });
  let ids: string[];

  beforeAll(async () => {
    ids = [];
    for (let i = 0; i < 32; i++) {
      const response = await service.call('POST', base, { token, body: large('large-run') });
      expect(response.status).toBe(200);
      ids.push(response.body.id);
    }
  }, 60_000);

  it('ends a list page early with a cursor, and paging still visits every record once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = cursor ? `?exclusiveStartKey=${encodeURIComponent(cursor)}` : '';
      const page = await service.call('GET', `${base}/billingRun/large-run${query}`, { token });
      expect(page.status).toBe(200);
      expect(Buffer.byteLength(page.text)).toBeLessThan(6 * 1024 * 1024);
      expect(page.body.Count).toBe(page.body.Items.length);
      seen.push(...page.body.Items.map((item: { id: string }) => item.id));
      cursor = page.body.LastEvaluatedKey;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(1);
    expect(seen).toEqual(ids);
  }, 30_000);

  it('leaves out of a batch answer the records it cannot carry, and says so', async () => {
    const batch = await service.call('POST', `${base}/batch`, {
      token,
      body: { operations: ids.map((id) => ({ op: 'patch', id, patch: [{ op: 'replace', path: '/status', value: 'completed' }] })) },
    });
    expect(batch.status).toBe(200);
    expect(Buffer.byteLength(batch.text)).toBeLessThan(6 * 1024 * 1024);
    expect(batch.body.success_count).toBe(32);
    const omitted = batch.body.results.filter((result: { record_omitted?: boolean }) => result.record_omitted === true);
    expect(omitted.length).toBeGreaterThan(0);
    for (const result of batch.body.results) {
      expect(result.status).toBe(200);
      expect(result.record_omitted === true ? result.record : result.record?.status).toBe(
        result.record_omitted === true ? undefined : 'completed',
      );
    }
    // Every patch applied, shown or not.
    const page = await service.call('GET', `${base}/billingRun/large-run?fields=status&limit=100`, { token });
    expect(page.body.Items.map((item: { status: string }) => item.status)).toEqual(ids.map(() => 'completed'));
  }, 30_000);
});
