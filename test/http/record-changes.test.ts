import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

const service = serviceForThisFile();
const base = '/billingRunActions/tenant-a';
const create = (overrides: Record<string, unknown> = {}) => service.createRecord(overrides);

describe('patch', () => {
  const patch = (id: string, operations: unknown) => service.call('PATCH', `${base}/${id}`, { token: service.token, body: operations });

  it('applies RFC 6902 operations and bumps the version', async () => {
    const record = await create();
    const response = await patch(record.id, [
      { op: 'test', path: '/status', value: 'pending' },
      { op: 'test', path: '/id', value: record.id },
      { op: 'replace', path: '/status', value: 'processing order' },
      { op: 'add', path: '/training_provider_billing_records/-', value: { amount: 5 } },
      { op: 'copy', from: '/name', path: '/error_message' },
      { op: 'add', path: '/sys_locked', value: false },
    ]);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'processing order',
      error_message: record.name,
      sys_locked: false,
      sys_version: 2,
      training_provider_billing_records: [{ amount: 120, currency: 'USD' }, { amount: 5 }],
    });
  });

  it('answers 409 for a failed test and changes nothing', async () => {
    const record = await create();
    const response = await patch(record.id, [
      { op: 'replace', path: '/name', value: 'changed' },
      { op: 'test', path: '/status', value: 'completed' },
    ]);
    expect(response.status).toBe(409);
    expect((await service.call('GET', `${base}/${record.id}`, { token: service.token })).body).toEqual(record);
  });

  it.each([
    ['changing the id', [{ op: 'replace', path: '/id', value: 'x' }]],
    ['changing sys_version', [{ op: 'replace', path: '/sys_version', value: 9 }]],
    ['removing a server-managed field', [{ op: 'remove', path: '/sys_created_at' }]],
    ['moving a server-managed field away', [{ op: 'move', from: '/sys_created_by_id', path: '/error_message' }]],
    ['a nested server-managed path', [{ op: 'replace', path: '/sys_last_security_context/principal', value: 'me' }]],
    ['replacing the whole document', [{ op: 'replace', path: '', value: {} }]],
    ['prototype pollution', [{ op: 'add', path: '/training_provider_billing_records/0/__proto__/polluted', value: true }]],
    ['constructor pollution', [{ op: 'add', path: '/constructor/prototype/polluted', value: true }]],
    ['an unknown op', [{ op: 'merge', path: '/name', value: 'x' }]],
    ['a missing value', [{ op: 'replace', path: '/name' }]],
    ['a path that is not a pointer', [{ op: 'replace', path: 'name', value: 'x' }]],
    ['an empty patch', []],
    ['more than 100 operations', Array.from({ length: 101 }, () => ({ op: 'test', path: '/name', value: 'x' }))],
    ['a non-array body', { op: 'replace', path: '/name', value: 'x' }],
    ['a path that does not exist', [{ op: 'replace', path: '/error_message', value: 'x' }]],
    ['an array index out of bounds', [{ op: 'add', path: '/training_provider_billing_records/9', value: {} }]],
    ['a result that is not a valid record', [{ op: 'remove', path: '/name' }]],
    ['a result with an unknown field', [{ op: 'add', path: '/colour', value: 'red' }]],
    ['a result with a bad enum', [{ op: 'replace', path: '/status', value: 'done' }]],
  ])('answers 400 for %s and changes nothing', async (_name, operations) => {
    const record = await create();
    const response = await patch(record.id, operations);
    expect(response.status).toBe(400);
    expect(typeof response.body.message).toBe('string');
    expect(response.body.details.length).toBeGreaterThan(0);
    expect((await service.call('GET', `${base}/${record.id}`, { token: service.token })).body).toEqual(record);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers 404 for an unknown record', async () => {
    expect((await patch('never-created', [{ op: 'replace', path: '/name', value: 'x' }])).status).toBe(404);
  });
});

describe('locked records', () => {
  it('refuse update, patch and delete with 403 and stay unchanged', async () => {
    const record = await create({ sys_locked: true });
    const update = await service.call('PUT', `${base}/${record.id}`, { token: service.token, body: validBody({ sys_locked: false }) });
    const patch = await service.call('PATCH', `${base}/${record.id}`, {
      token: service.token,
      body: [{ op: 'replace', path: '/sys_locked', value: false }],
    });
    const remove = await service.call('DELETE', `${base}/${record.id}`, { token: service.token });
    for (const response of [update, patch, remove]) {
      expect(response.status).toBe(403);
      expect(response.body.message).toMatch(/locked/);
    }
    expect((await service.call('GET', `${base}/${record.id}`, { token: service.token })).body).toEqual(record);
  });
});

describe('delete', () => {
  it('soft-deletes: gone from every read and index, kept in storage with its deleter and a TTL', async () => {
    const record = await create({ certification_id: 'cert-deleted' });
    const response = await service.call('DELETE', `${base}/${record.id}`, { token: service.token });
    expect(response).toMatchObject({ status: 200, body: record.id });

    expect((await service.call('GET', `${base}/${record.id}`, { token: service.token })).status).toBe(404);
    expect((await service.call('PUT', `${base}/${record.id}`, { token: service.token, body: validBody() })).status).toBe(404);
    expect(
      (await service.call('PATCH', `${base}/${record.id}`, { token: service.token, body: [{ op: 'replace', path: '/name', value: 'x' }] }))
        .status,
    ).toBe(404);
    expect((await service.call('DELETE', `${base}/${record.id}`, { token: service.token })).status).toBe(404);
    expect((await service.call('GET', `${base}/certification/cert-deleted`, { token: service.token })).body).toEqual({
      Count: 0,
      Items: [],
    });

    const client = createDocumentClient({ region: 'us-east-1', endpoint: service.dynamoDbEndpoint });
    const { Item } = await client.send(
      new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: `tenant-a#${record.id}` }, ConsistentRead: true }),
    );
    client.destroy();
    expect(Item).toMatchObject({ id: record.id, sys_deleted_by_id: 'local-user', sys_version: 2 });
    expect(Item).not.toHaveProperty('certification_key');
    const thirtyDays = 30 * 86_400;
    expect(Item?.expires_at).toBeGreaterThan(Date.now() / 1000 + thirtyDays - 60);
    expect(Item?.expires_at).toBeLessThan(Date.now() / 1000 + thirtyDays + 60);
  });

  it('answers 404 for an unknown id', async () => {
    expect((await service.call('DELETE', `${base}/never-created`, { token: service.token })).status).toBe(404);
  });
});

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
