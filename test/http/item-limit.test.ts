import { describe, expect, it } from 'vitest';
import { serviceForThisFile } from '../support/http-service.ts';

const service = serviceForThisFile();
const base = '/billingRunActions/tenant-a';
const create = (overrides: Record<string, unknown> = {}) => service.createRecord(overrides);

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
