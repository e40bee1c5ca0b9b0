import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/storage/document-client.ts';
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

describe('create', () => {
  it('stores the record with a time-ordered id and server-managed fields', async () => {
    const first = await create();
    const second = await create();
    expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.id > first.id).toBe(true);
    expect(first).toMatchObject({
      ...validBody(),
      sys_version: 1,
      sys_created_by_id: 'local-user',
      sys_last_modified_by_id: 'local-user',
      sys_last_security_context: { principal: 'local-user', tenant: 'tenant-a', operation: 'createBillingRunAction' },
    });
    expect(Date.parse(first.sys_created_at)).not.toBeNaN();
    for (const storage of ['pk', 'expires_at', 'certification_key', 'billing_run_key']) expect(first).not.toHaveProperty(storage);
    const read = await service.call('GET', `${base}/${first.id}`, { token });
    expect(read).toMatchObject({ status: 200, body: first });
    // Reads answer the fields in the same order as writes do.
    expect(Object.keys(read.body)).toEqual(Object.keys(first));
  });

  it('ignores server-managed fields sent by the client', async () => {
    const record = await create({ sys_version: 7, sys_created_by_id: 'someone-else', sys_deleted_by_id: 'x' });
    expect(record.sys_version).toBe(1);
    expect(record.sys_created_by_id).toBe('local-user');
    expect(record).not.toHaveProperty('sys_deleted_by_id');
  });

  it('refuses an id in the body and names every bad or unknown field', async () => {
    const response = await service.call('POST', base, {
      token,
      body: validBody({ id: 'mine', status: 'done', colour: 'red', date: 'yesterday', name: undefined }),
    });
    expect(response.status).toBe(400);
    const paths = response.body.details.map((detail: { path: string }) => detail.path).sort();
    expect(paths).toEqual(['colour', 'date', 'id', 'name', 'status']);
    expect(response.body.message).toMatch(/Invalid billing run action/);
  });

  it('checks nested types and array bounds', async () => {
    const response = await service.call('POST', base, {
      token,
      body: validBody({ training_provider_billing_records: [], sys_locked: 'yes', sys_calculated_field_errors: [{ field: 1 }] }),
    });
    expect(response.status).toBe(400);
    expect(response.body.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['training_provider_billing_records', 'sys_locked', 'sys_calculated_field_errors.0.field']),
    );
    const items = await service.call('POST', base, { token, body: validBody({ training_provider_billing_records: [[1]] }) });
    expect(items.body.details).toEqual([{ path: 'training_provider_billing_records.0', message: 'must be a JSON object' }]);
  });

  it('refuses values DynamoDB could not store instead of failing with a 5xx', async () => {
    let deep: unknown = { leaf: 1 };
    for (let i = 0; i < 40; i++) deep = { deeper: deep };
    const response = await service.call('POST', base, {
      token,
      rawBody: JSON.stringify(validBody({ training_provider_billing_records: [{ big: 1e200 }, { '': 1 }, deep] })),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['training_provider_billing_records.0.big', 'training_provider_billing_records.1.']),
    );
    expect(response.body.details.some((d: { message: string }) => /nested deeper/.test(d.message))).toBe(true);
  });

  it('answers 400 for a body that is not JSON, not an object, or not sent as JSON', async () => {
    const malformed = await service.call('POST', base, { token, rawBody: '{"name":', headers: { 'Content-Type': 'application/json' } });
    expect(malformed).toMatchObject({ status: 400, body: { message: 'Request body is not valid JSON' } });
    const array = await service.call('POST', base, { token, body: [1, 2] });
    expect(array.status).toBe(400);
    const text = await service.call('POST', base, {
      token,
      rawBody: JSON.stringify(validBody()),
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(text.status).toBe(400);
    expect(text.body.message).toMatch(/Content-Type: application\/json/);
    const proto = await service.call('POST', base, {
      token,
      rawBody: JSON.stringify(validBody()).replace('{', '{"__proto__":{"polluted":true},'),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(proto.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers 413 above 256 KiB and stores nothing', async () => {
    const before = await service.call('GET', `${base}/billingRun/big-run`, { token });
    const response = await service.call('POST', base, {
      token,
      body: validBody({ billing_run_id: 'big-run', error_message: 'x'.repeat(256 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect(response.body.message).toMatch(/256 KiB/);
    const after = await service.call('GET', `${base}/billingRun/big-run`, { token });
    expect(after.body.Count).toBe(before.body.Count);
  });
});

describe('get', () => {
  it('returns only the requested fields plus id', async () => {
    const record = await create();
    const response = await service.call('GET', `${base}/${record.id}?fields=name,status,sys_version`, { token });
    expect(response).toMatchObject({ status: 200, body: { id: record.id, name: record.name, status: 'pending', sys_version: 1 } });
    expect(Object.keys(response.body).sort()).toEqual(['id', 'name', 'status', 'sys_version']);
  });

  it('supports consistent reads and validates the query', async () => {
    const record = await create();
    expect((await service.call('GET', `${base}/${record.id}?consistentRead=true`, { token })).status).toBe(200);
    expect((await service.call('GET', `${base}/${record.id}?consistentRead=false`, { token })).status).toBe(200);
    const bad = await service.call('GET', `${base}/${record.id}?consistentRead=yes&fields=name,colour`, { token });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['consistentRead', 'fields']);
    expect(bad.body.details.find((d: { path: string }) => d.path === 'fields').message).toMatch(/colour/);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const missing = await service.call('GET', `${base}/no-such-id`, { token });
    expect(missing).toMatchObject({ status: 404, body: { message: "Billing run action 'no-such-id' was not found" } });
    const malformed = await service.call('GET', `${base}/${encodeURIComponent('bad id!')}`, { token });
    expect(malformed.status).toBe(400);
    expect(malformed.body.details[0].path).toBe('id');
    const long = await service.call('GET', `${base}/${'a'.repeat(257)}`, { token });
    expect(long.status).toBe(400);
  });
});

describe('update', () => {
  it('replaces the writable fields and bumps the version', async () => {
    const record = await create({ error_message: 'old', sys_external_id: 'ext-1' });
    const response = await service.call('PUT', `${base}/${record.id}`, {
      token,
      body: validBody({ name: 'Renamed', status: 'completed' }),
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: record.id,
      name: 'Renamed',
      status: 'completed',
      sys_version: 2,
      sys_created_at: record.sys_created_at,
    });
    expect(response.body).not.toHaveProperty('error_message');
    expect(response.body).not.toHaveProperty('sys_external_id');
    expect(response.body.sys_last_security_context.operation).toBe('updateBillingRunAction');
  });

  it('accepts a GET result sent back, with its sys_version as precondition', async () => {
    const record = await create();
    const sentBack = { ...record, name: 'Edited' };
    const first = await service.call('PUT', `${base}/${record.id}`, { token, body: sentBack });
    expect(first).toMatchObject({ status: 200, body: { name: 'Edited', sys_version: 2 } });
    const stale = await service.call('PUT', `${base}/${record.id}`, { token, body: { ...sentBack, name: 'Stale' } });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/sys_version 1 does not match the stored version 2/);
    expect((await service.call('GET', `${base}/${record.id}`, { token })).body.name).toBe('Edited');
  });

  it('refuses a body id that differs from the path, an unknown record, and invalid bodies', async () => {
    const record = await create();
    const mismatch = await service.call('PUT', `${base}/${record.id}`, { token, body: validBody({ id: 'other' }) });
    expect(mismatch).toMatchObject({ status: 400, body: { details: [{ path: 'id' }] } });
    const missing = await service.call('PUT', `${base}/never-created`, { token, body: validBody() });
    expect(missing.status).toBe(404);
    const invalid = await service.call('PUT', `${base}/${record.id}`, { token, body: { name: 'only a name' } });
    expect(invalid.status).toBe(400);
    expect((await service.call('GET', `${base}/${record.id}`, { token })).body).toEqual(record);
  });
});

describe('patch', () => {
  const patch = (id: string, operations: unknown) => service.call('PATCH', `${base}/${id}`, { token, body: operations });

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
    expect((await service.call('GET', `${base}/${record.id}`, { token })).body).toEqual(record);
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
    expect((await service.call('GET', `${base}/${record.id}`, { token })).body).toEqual(record);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers 404 for an unknown record', async () => {
    expect((await patch('never-created', [{ op: 'replace', path: '/name', value: 'x' }])).status).toBe(404);
  });
});

describe('locked records', () => {
  it('refuse update, patch and delete with 403 and stay unchanged', async () => {
    const record = await create({ sys_locked: true });
    const update = await service.call('PUT', `${base}/${record.id}`, { token, body: validBody({ sys_locked: false }) });
    const patch = await service.call('PATCH', `${base}/${record.id}`, {
      token,
      body: [{ op: 'replace', path: '/sys_locked', value: false }],
    });
    const remove = await service.call('DELETE', `${base}/${record.id}`, { token });
    for (const response of [update, patch, remove]) {
      expect(response.status).toBe(403);
      expect(response.body.message).toMatch(/locked/);
    }
    expect((await service.call('GET', `${base}/${record.id}`, { token })).body).toEqual(record);
  });
});

describe('delete', () => {
  it('soft-deletes: gone from every read and index, kept in storage with its deleter and a TTL', async () => {
    const record = await create({ certification_id: 'cert-deleted' });
    const response = await service.call('DELETE', `${base}/${record.id}`, { token });
    expect(response).toMatchObject({ status: 200, body: record.id });

    expect((await service.call('GET', `${base}/${record.id}`, { token })).status).toBe(404);
    expect((await service.call('PUT', `${base}/${record.id}`, { token, body: validBody() })).status).toBe(404);
    expect(
      (await service.call('PATCH', `${base}/${record.id}`, { token, body: [{ op: 'replace', path: '/name', value: 'x' }] })).status,
    ).toBe(404);
    expect((await service.call('DELETE', `${base}/${record.id}`, { token })).status).toBe(404);
    expect((await service.call('GET', `${base}/certification/cert-deleted`, { token })).body).toEqual({ Count: 0, Items: [] });

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
    expect((await service.call('DELETE', `${base}/never-created`, { token })).status).toBe(404);
  });
});

describe('the gateway', () => {
  it('answers 404 with a message for a path no operation serves', async () => {
    const response = await service.call('GET', '/nothing/here', { token });
    expect(response).toMatchObject({ status: 404, body: { message: 'No operation matches GET /nothing/here' } });
    expect((await service.call('POST', `${base}/some-id`, { token, body: {} })).status).toBe(404);
  });

  it('serves the local issuer keys', async () => {
    const response = await service.call('GET', '/.well-known/jwks.json');
    expect(response.status).toBe(200);
    expect(response.body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(response.body.keys[0]).not.toHaveProperty('d');
  });
});
