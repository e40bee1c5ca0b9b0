import { describe, expect, it } from 'vitest';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

const service = serviceForThisFile();
const base = '/billingRunActions/tenant-a';

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
