import { describe, expect, it } from 'vitest';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

const service = serviceForThisFile();
const base = '/billingRunActions/tenant-a';
const create = (overrides: Record<string, unknown> = {}) => service.createRecord(overrides);

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
    const read = await service.call('GET', `${base}/${first.id}`, { token: service.token });
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
      token: service.token,
      body: validBody({ id: 'mine', status: 'done', colour: 'red', date: 'yesterday', name: undefined }),
    });
    expect(response.status).toBe(400);
    const paths = response.body.details.map((detail: { path: string }) => detail.path).sort();
    expect(paths).toEqual(['colour', 'date', 'id', 'name', 'status']);
    expect(response.body.message).toMatch(/Invalid billing run action/);
  });

  it('checks nested types and array bounds', async () => {
    const response = await service.call('POST', base, {
      token: service.token,
      body: validBody({ training_provider_billing_records: [], sys_locked: 'yes', sys_calculated_field_errors: [{ field: 1 }] }),
    });
    expect(response.status).toBe(400);
    expect(response.body.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['training_provider_billing_records', 'sys_locked', 'sys_calculated_field_errors.0.field']),
    );
    const items = await service.call('POST', base, { token: service.token, body: validBody({ training_provider_billing_records: [[1]] }) });
    expect(items.body.details).toEqual([{ path: 'training_provider_billing_records.0', message: 'must be a JSON object' }]);
  });

  it('refuses values DynamoDB could not store instead of failing with a 5xx', async () => {
    let deep: unknown = { leaf: 1 };
    for (let i = 0; i < 40; i++) deep = { deeper: deep };
    const response = await service.call('POST', base, {
      token: service.token,
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
    const malformed = await service.call('POST', base, {
      token: service.token,
      rawBody: '{"name":',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(malformed).toMatchObject({ status: 400, body: { message: 'Request body is not valid JSON' } });
    const array = await service.call('POST', base, { token: service.token, body: [1, 2] });
    expect(array.status).toBe(400);
    const text = await service.call('POST', base, {
      token: service.token,
      rawBody: JSON.stringify(validBody()),
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(text.status).toBe(400);
    expect(text.body.message).toMatch(/Content-Type: application\/json/);
    const proto = await service.call('POST', base, {
      token: service.token,
      rawBody: JSON.stringify(validBody()).replace('{', '{"__proto__":{"polluted":true},'),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(proto.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers 413 above 256 KiB and stores nothing', async () => {
    const before = await service.call('GET', `${base}/billingRun/big-run`, { token: service.token });
    const response = await service.call('POST', base, {
      token: service.token,
      body: validBody({ billing_run_id: 'big-run', error_message: 'x'.repeat(256 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect(response.body.message).toMatch(/256 KiB/);
    const after = await service.call('GET', `${base}/billingRun/big-run`, { token: service.token });
    expect(after.body.Count).toBe(before.body.Count);
  });
});

describe('get', () => {
  it('returns only the requested fields plus id', async () => {
    const record = await create();
    const response = await service.call('GET', `${base}/${record.id}?fields=name,status,sys_version`, { token: service.token });
    expect(response).toMatchObject({ status: 200, body: { id: record.id, name: record.name, status: 'pending', sys_version: 1 } });
    expect(Object.keys(response.body).sort()).toEqual(['id', 'name', 'status', 'sys_version']);
  });

  it('supports consistent reads and validates the query', async () => {
    const record = await create();
    expect((await service.call('GET', `${base}/${record.id}?consistentRead=true`, { token: service.token })).status).toBe(200);
    expect((await service.call('GET', `${base}/${record.id}?consistentRead=false`, { token: service.token })).status).toBe(200);
    const bad = await service.call('GET', `${base}/${record.id}?consistentRead=yes&fields=name,colour`, { token: service.token });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['consistentRead', 'fields']);
    expect(bad.body.details.find((d: { path: string }) => d.path === 'fields').message).toMatch(/colour/);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const missing = await service.call('GET', `${base}/no-such-id`, { token: service.token });
    expect(missing).toMatchObject({ status: 404, body: { message: "Billing run action 'no-such-id' was not found" } });
    const malformed = await service.call('GET', `${base}/${encodeURIComponent('bad id!')}`, { token: service.token });
    expect(malformed.status).toBe(400);
    expect(malformed.body.details[0].path).toBe('id');
    const long = await service.call('GET', `${base}/${'a'.repeat(257)}`, { token: service.token });
    expect(long.status).toBe(400);
  });
});

describe('update', () => {
  it('replaces the writable fields and bumps the version', async () => {
    const record = await create({ error_message: 'old', sys_external_id: 'ext-1' });
    const response = await service.call('PUT', `${base}/${record.id}`, {
      token: service.token,
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
    const first = await service.call('PUT', `${base}/${record.id}`, { token: service.token, body: sentBack });
    expect(first).toMatchObject({ status: 200, body: { name: 'Edited', sys_version: 2 } });
    const stale = await service.call('PUT', `${base}/${record.id}`, { token: service.token, body: { ...sentBack, name: 'Stale' } });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/sys_version 1 does not match the stored version 2/);
    expect((await service.call('GET', `${base}/${record.id}`, { token: service.token })).body.name).toBe('Edited');
  });

  it('refuses a body id that differs from the path, an unknown record, and invalid bodies', async () => {
    const record = await create();
    const mismatch = await service.call('PUT', `${base}/${record.id}`, { token: service.token, body: validBody({ id: 'other' }) });
    expect(mismatch).toMatchObject({ status: 400, body: { details: [{ path: 'id' }] } });
    const missing = await service.call('PUT', `${base}/never-created`, { token: service.token, body: validBody() });
    expect(missing.status).toBe(404);
    const invalid = await service.call('PUT', `${base}/${record.id}`, { token: service.token, body: { name: 'only a name' } });
    expect(invalid.status).toBe(400);
    expect((await service.call('GET', `${base}/${record.id}`, { token: service.token })).body).toEqual(record);
  });
});
