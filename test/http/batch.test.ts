import { describe, expect, it } from 'vitest';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

const base = '/billingRunActions/tenant-a';

const service = serviceForThisFile();

const create = async (overrides: Record<string, unknown> = {}): Promise<Record<string, any>> =>
  (await service.call('POST', base, { token: service.token, body: validBody(overrides) })).body;
const batch = (body: unknown) => service.call('POST', `${base}/batch`, { token: service.token, body });

describe('batch', () => {
  it('runs patches and deletes, one result per operation in request order', async () => {
    const [a, b, c] = [await create(), await create(), await create({ sys_locked: true })];
    const response = await batch({
      operations: [
        { op: 'patch', id: a.id, patch: [{ op: 'replace', path: '/status', value: 'completed' }] },
        { op: 'delete', id: b.id },
        { op: 'patch', id: 'missing-id', patch: [{ op: 'replace', path: '/status', value: 'completed' }] },
        { op: 'patch', id: a.id, patch: [{ op: 'test', path: '/status', value: 'pending' }] },
        { op: 'delete', id: c.id },
        { op: 'patch', id: b.id, patch: [{ op: 'replace', path: '/name', value: 'x' }] },
        { op: 'patch', id: a.id, patch: [{ op: 'replace', path: '/id', value: 'x' }] },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body.success_count).toBe(2);
    expect(response.body.error_count).toBe(5);
    const results = response.body.results;
    expect(results.map((r: { status: number }) => r.status)).toEqual([200, 200, 404, 409, 403, 404, 400]);
    expect(results[0]).toMatchObject({ id: a.id, op: 'patch', record: { id: a.id, status: 'completed', sys_version: 2 } });
    expect(results[1]).toEqual({ id: b.id, op: 'delete', status: 200 });
    expect(results[2].error.message).toMatch(/not found/);
    expect(results[6].error.details[0].message).toMatch(/managed by the service/);
    expect((await service.call('GET', `${base}/${b.id}`, { token: service.token })).status).toBe(404);
    expect((await service.call('GET', `${base}/${c.id}`, { token: service.token })).status).toBe(200);
  });

  it('runs operations on the same id in the order given', async () => {
    const record = await create({ training_provider_billing_records: [{ n: 0 }] });
    const operations = Array.from({ length: 20 }, (_, i) => ({
      op: 'patch',
      id: record.id,
      patch: [
        { op: 'test', path: '/training_provider_billing_records/0/n', value: i },
        { op: 'replace', path: '/training_provider_billing_records/0/n', value: i + 1 },
      ],
    }));
    const response = await batch({ operations });
    expect(response.body.success_count).toBe(20);
    expect(response.body.results.at(-1).record).toMatchObject({ sys_version: 21, training_provider_billing_records: [{ n: 20 }] });
  });

  it('patches 100 records in one call', async () => {
    const records = await Promise.all(Array.from({ length: 100 }, () => create({ billing_run_id: 'run-batch-100' })));
    const response = await batch({
      operations: records.map((record) => ({ op: 'patch', id: record.id, patch: [{ op: 'replace', path: '/status', value: 'excluded' }] })),
    });
    expect(response.body).toMatchObject({ success_count: 100, error_count: 0 });
    const listed = await service.call('GET', `${base}/billingRun/run-batch-100?fields=status&limit=1000`, { token: service.token });
    expect(listed.body.Items.every((item: { status: string }) => item.status === 'excluded')).toBe(true);
  });

  it.each([
    ['over 100 operations', { operations: Array.from({ length: 101 }, () => ({ op: 'delete', id: 'x' })) }],
    ['no operations', { operations: [] }],
    ['no envelope', [{ op: 'delete', id: 'x' }]],
    ['an unknown op', { operations: [{ op: 'create', id: 'x' }] }],
    ['a malformed id', { operations: [{ op: 'delete', id: 'bad id' }] }],
    ['a patch that is not an array', { operations: [{ op: 'patch', id: 'x', patch: {} }] }],
    ['an unknown member', { operations: [{ op: 'delete', id: 'x', force: true }] }],
    ['an unknown envelope member', { operations: [{ op: 'delete', id: 'x' }], dryRun: true }],
  ])('answers 400 for %s and runs nothing', async (_name, body) => {
    const record = await create();
    const envelope = JSON.parse(JSON.stringify(body).replaceAll('"x"', JSON.stringify(record.id)));
    const response = await batch(envelope);
    expect(response.status).toBe(400);
    expect(response.body.details.length).toBeGreaterThan(0);
    expect((await service.call('GET', `${base}/${record.id}`, { token: service.token })).body).toEqual(record);
  });

  it('needs the write scope', async () => {
    const reader = await service.issuer.sign({ tenant: 'tenant-a', scope: 'billing-run-actions:read' });
    const response = await service.call('POST', `${base}/batch`, { token: reader, body: { operations: [{ op: 'delete', id: 'x' }] } });
    expect(response.status).toBe(403);
  });
});
