import { describe, expect, it } from 'vitest';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

const service = serviceForThisFile();
const base = '/billingRunActions/tenant-a';
const create = (overrides: Record<string, unknown> = {}) => service.createRecord(overrides);

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
      token: service.token,
      rawBody: bodyWithRecords(records, { billing_run_id: 'numbers' }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(created.status, created.text).toBe(200);
    expectExact(created.text);
    const id = created.body.id as string;
    expectExact((await service.call('GET', `${base}/${id}`, { token: service.token })).text);
    expectExact((await service.call('GET', `${base}/billingRun/numbers`, { token: service.token })).text);

    const put = await service.call('PUT', `${base}/${id}`, {
      token: service.token,
      rawBody: bodyWithRecords(records, { billing_run_id: 'numbers', name: 'replaced' }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(put.status, put.text).toBe(200);
    expectExact(put.text);

    const patch = `[{"op":"test","path":"/training_provider_billing_records/1/n1","value":9007199254740993},{"op":"add","path":"/training_provider_billing_records/0/big","value":9007199254740995},{"op":"copy","from":"/training_provider_billing_records/6","path":"/training_provider_billing_records/-"}]`;
    const patched = await service.call('PATCH', `${base}/${id}`, {
      token: service.token,
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
      token: service.token,
      rawBody: '[{"op":"test","path":"/training_provider_billing_records/1/n1","value":9007199254740992}]',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(near.status).toBe(409);

    const batch = await service.call('POST', `${base}/batch`, {
      token: service.token,
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
      token: service.token,
      rawBody: JSON.stringify(validBody()).replace('{', '{"sys_bulk_load_record_no":9007199254740993,"sys_snapshot_base_version":1e20,'),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(created.status, created.text).toBe(200);
    expect(created.text).toContain('"sys_bulk_load_record_no":9007199254740993');
    expect(created.text).toContain('"sys_snapshot_base_version":100000000000000000000');
    const wrong = await service.call('POST', base, { token: service.token, body: validBody({ sys_bulk_load_record_no: 'seven' }) });
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
      token: service.token,
      rawBody: bodyWithRecords(`[{"ok": 1}, {"amount": ${number}}]`, { billing_run_id: 'refused-numbers' }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([
      { path: 'training_provider_billing_records.1.amount', message: expect.stringMatching(message) },
    ]);
    expect((await service.call('GET', `${base}/billingRun/refused-numbers`, { token: service.token })).body.Count).toBe(0);
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
    const read = await service.call('GET', `${base}/${created.id}`, { token: service.token });
    expect(read.body.training_provider_billing_records).toEqual(odd);
    const listed = await service.call('GET', `${base}/billingRun/odd-keys`, { token: service.token });
    expect(listed.body.Items[0].training_provider_billing_records).toEqual(odd);
    const put = await service.call('PUT', `${base}/${created.id}`, {
      token: service.token,
      body: validBody({ training_provider_billing_records: [...odd].reverse(), billing_run_id: 'odd-keys' }),
    });
    expect(put.body.training_provider_billing_records).toEqual([...odd].reverse());
    const patched = await service.call('PATCH', `${base}/${created.id}`, {
      token: service.token,
      body: [{ op: 'add', path: '/training_provider_billing_records/0/valueOf', value: { constructor: { name: 'Object' } } }],
    });
    expect(patched.status).toBe(200);
    expect(
      (await service.call('GET', `${base}/${created.id}`, { token: service.token })).body.training_provider_billing_records[0],
    ).toEqual({
      ...odd.at(-1),
      valueOf: { constructor: { name: 'Object' } },
    });
  });

  it('compares them as data in a patch test, and a no-op patch over them writes nothing', async () => {
    const created = await create({ training_provider_billing_records: odd });
    const same = await service.call('PATCH', `${base}/${created.id}`, {
      token: service.token,
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
      token: service.token,
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
      token: service.token,
      body: validBody({ training_provider_billing_records: [{ constructor: { prototype: { polluted: true } } }] }),
    });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/forbidden key/);
  });
});
