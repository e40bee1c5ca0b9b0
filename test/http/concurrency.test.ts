import { describe, expect, it } from 'vitest';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

const service = serviceForThisFile({ tenants: ['tenant-a'] });
const base = '/billingRunActions/tenant-a';

const create = async () =>
  (await service.call('POST', base, { token: service.token, body: validBody({ training_provider_billing_records: [{ n: -1 }] }) })).body;
const appendPatch = (n: number) => [{ op: 'add', path: '/training_provider_billing_records/-', value: { n } }];

describe('concurrent writes against DynamoDB Local', () => {
  it('lose no patch: the final record and its version account for every 200 and for nothing else', async () => {
    const record = await create();
    const responses = await Promise.all(
      Array.from({ length: 24 }, (_, n) => service.call('PATCH', `${base}/${record.id}`, { token: service.token, body: appendPatch(n) })),
    );
    const succeeded = responses.flatMap((response, n) => (response.status === 200 ? [n] : []));
    for (const response of responses) expect([200, 409]).toContain(response.status);
    expect(succeeded.length).toBeGreaterThan(0);
    const final = (await service.call('GET', `${base}/${record.id}?consistentRead=true`, { token: service.token })).body;
    expect(final.sys_version).toBe(1 + succeeded.length);
    const applied = final.training_provider_billing_records.slice(1).map((item: { n: number }) => item.n);
    expect([...applied].sort((a, b) => a - b)).toEqual(succeeded);
  });

  it('let exactly one of many PUTs carrying the same sys_version win', async () => {
    const record = await create();
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        service.call('PUT', `${base}/${record.id}`, {
          token: service.token,
          body: { ...validBody({ name: `writer ${i}` }), sys_version: 1 },
        }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(11);
    const winner = responses.find((response) => response.status === 200)?.body;
    expect((await service.call('GET', `${base}/${record.id}?consistentRead=true`, { token: service.token })).body).toEqual(winner);
  });

  it('keep batches touching the same ids consistent', async () => {
    const records = await Promise.all(Array.from({ length: 6 }, create));
    const batches = await Promise.all(
      Array.from({ length: 5 }, (_, b) =>
        service.call('POST', `${base}/batch`, {
          token: service.token,
          body: { operations: records.map((record, r) => ({ op: 'patch', id: record.id, patch: appendPatch(b * 100 + r) })) },
        }),
      ),
    );
    for (const record of records) {
      const applied = batches.flatMap((batch) =>
        batch.body.results.filter((result: { id: string; status: number }) => result.id === record.id && result.status === 200),
      );
      for (const batch of batches) {
        for (const result of batch.body.results) expect([200, 409]).toContain(result.status);
      }
      const final = (await service.call('GET', `${base}/${record.id}?consistentRead=true`, { token: service.token })).body;
      expect(final.sys_version).toBe(1 + applied.length);
      expect(final.training_provider_billing_records).toHaveLength(1 + applied.length);
    }
  });
});

describe('writers racing on one record', () => {
  it('applies concurrent appends without a 409 and loses none: at least 45 of 50 apply, the rest are told to retry', async () => {
    const record = await service.createRecord();
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
