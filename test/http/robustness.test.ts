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
