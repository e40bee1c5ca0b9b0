import { describe, expect, it } from 'vitest';
import { validBody } from '../support/fixtures.ts';
import { serviceForThisFile } from '../support/http-service.ts';

const service = serviceForThisFile();
const base = '/billingRunActions/tenant-a';
const create = (overrides: Record<string, unknown> = {}) => service.createRecord(overrides);

describe('header names', () => {
  it('reads Content-Type, Authorization and Idempotency-Key whatever their case', async () => {
    const body = JSON.stringify(validBody({ billing_run_id: 'header-case' }));
    for (const [contentType, authorization, idempotency] of [
      ['Content-type', 'authorization', 'idempotency-KEY'],
      ['CONTENT-TYPE', 'AUTHORIZATION', 'IDEMPOTENCY-KEY'],
      ['content-type', 'Authorization', 'Idempotency-Key'],
    ] as const) {
      const response = await service.rawCall('POST', base, {
        headers: { [contentType]: 'application/json', [authorization]: `Bearer ${service.token}`, [idempotency]: 'case-key' },
        body,
      });
      expect(response.status, `${contentType} / ${authorization}`).toBe(200);
    }
    // One key whatever the header's case: the three calls created one record.
    const listed = await service.call('GET', `${base}/billingRun/header-case`, { token: service.token });
    expect(listed.body.Count).toBe(1);
  });
});

describe('lookup values', () => {
  it('refuses on write a lookup value its list route could not take, naming the field', async () => {
    const response = await service.call('POST', base, {
      token: service.token,
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
      const page = await service.call('GET', `${base}/${lookup}/${encodeURIComponent(value)}`, { token: service.token });
      expect(page.status, lookup).toBe(200);
      expect(page.body.Items.map((item: { id: string }) => item.id)).toEqual([record.id]);
    }
    const patched = await service.call('PATCH', `${base}/${record.id}`, {
      token: service.token,
      body: [{ op: 'replace', path: '/certification_id', value: 'not listable' }],
    });
    expect(patched.status).toBe(400);
  });
});

describe('paths the gateway matches', () => {
  it('answers a path of hundreds of stars at once, without blocking other requests', async () => {
    const stars = '*'.repeat(2000);
    const [starred, other] = await Promise.all([
      service.call('GET', `/billingRunActions/${stars}/${stars}`, { token: service.token }),
      service.call('GET', `${base}/certification/none`, { token: service.token }),
    ]);
    expect(starred.status).toBe(400);
    expect(starred.body.message).toMatch(/tenantId/);
    expect(other.status).toBe(200);
  }, 5_000);
});

/** A create body whose billing records are given as raw JSON text, so numbers go out exactly as written. */
describe('patches that change nothing', () => {
  it('write nothing and answer the stored record, alone or in a batch', async () => {
    const record = await create();
    const tests = await service.call('PATCH', `${base}/${record.id}`, {
      token: service.token,
      body: [{ op: 'test', path: '/status', value: 'pending' }],
    });
    expect(tests).toMatchObject({ status: 200, body: record });
    const same = await service.call('PATCH', `${base}/${record.id}`, {
      token: service.token,
      body: [
        { op: 'replace', path: '/status', value: 'pending' },
        { op: 'add', path: '/training_provider_billing_records/0/currency', value: 'USD' },
        { op: 'copy', from: '/name', path: '/name' },
      ],
    });
    expect(same).toMatchObject({ status: 200, body: record });
    const batch = await service.call('POST', `${base}/batch`, {
      token: service.token,
      body: { operations: [{ op: 'patch', id: record.id, patch: [{ op: 'test', path: '/sys_version', value: 1 }] }] },
    });
    expect(batch.body.results[0]).toEqual({ id: record.id, op: 'patch', status: 200, record });
    expect((await service.call('GET', `${base}/${record.id}?consistentRead=true`, { token: service.token })).body).toEqual(record);
  });
});

describe("DynamoDB's item limit", () => {
  const large = (kib: number) => [{ blob: 'x'.repeat(kib * 1024) }];

  it('answers 413 naming the limit for a patch whose result would pass 400 KB, alone or in a batch, and writes nothing', async () => {
    const record = await create({ training_provider_billing_records: large(210) });
    const copy = [{ op: 'copy', from: '/training_provider_billing_records/0', path: '/training_provider_billing_records/-' }];
    const alone = await service.call('PATCH', `${base}/${record.id}`, { token: service.token, body: copy });
    expect(alone.status).toBe(413);
    expect(alone.body.message).toMatch(/item limit of 400 KB \(409,600 bytes\)/);
    const batch = await service.call('POST', `${base}/batch`, {
      token: service.token,
      body: { operations: [{ op: 'patch', id: record.id, patch: copy }] },
    });
    expect(batch.body).toMatchObject({
      success_count: 0,
      error_count: 1,
      results: [{ status: 413, error: { message: expect.stringMatching(/400 KB/) } }],
    });
    expect((await service.call('GET', `${base}/${record.id}?consistentRead=true`, { token: service.token })).body.sys_version).toBe(1);
  });

  it('takes a write up to the limit', async () => {
    // 3 KiB short of the limit: the record's other fields and keys fit in that.
    const record = await create({ training_provider_billing_records: large(200) });
    const patched = await service.call('PATCH', `${base}/${record.id}`, {
      token: service.token,
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
      token: service.token,
      body: { operations: records.map((record) => ({ op: 'patch', id: record.id, patch: doubling })) },
    });
    expect(batch.status).toBe(200);
    expect(batch.body.error_count).toBe(50);
    for (const result of batch.body.results) {
      expect(result.status).toBe(413);
      expect(result.error.message).toMatch(/writes more than DynamoDB's item limit/);
    }
    const after = await service.call('GET', `${base}/${records[0]?.id}`, { token: service.token });
    expect(after.body.sys_version).toBe(1);
  }, 10_000);
});

describe('writers racing on one record', () => {
  it('applies concurrent appends without a 409 and loses none: at least 45 of 50 apply, the rest are told to retry', async () => {
    const record = await create();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        service.call('PATCH', `${base}/${record.id}`, {
          token: service.token,
          body: [{ op: 'add', path: '/training_provider_billing_records/-', value: { append: i } }],
        }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    const applied = statuses.filter((status) => status === 200).length;
    expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
    expect(applied).toBeGreaterThanOrEqual(45);
    for (const refused of responses.filter((response) => response.status === 429)) expect(refused.headers.get('retry-after')).toBe('1');
    const final = await service.call('GET', `${base}/${record.id}?consistentRead=true`, { token: service.token });
    expect(final.body.sys_version).toBe(1 + applied);
    expect(final.body.training_provider_billing_records).toHaveLength(1 + applied);
  }, 30_000);
});
