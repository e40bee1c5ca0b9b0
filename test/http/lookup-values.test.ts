import { describe, expect, it } from 'vitest';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

const service = serviceForThisFile();
const base = '/billingRunActions/tenant-a';
const create = (overrides: Record<string, unknown> = {}) => service.createRecord(overrides);

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
