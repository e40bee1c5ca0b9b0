import { describe, expect, it } from 'vitest';
import { serviceForThisFile } from '../support/http-service.ts';

const service = serviceForThisFile({ tenants: ['tenant-a'], limits: { stageThrottle: { rateLimit: 1, burstLimit: 3 } } });

describe('the stage’s default method throttling in the local gateway, as API Gateway’s', () => {
  it('cuts a flood of bad tokens off before the authorizer, per method', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push((await service.call('GET', '/billingRunActions/tenant-a/certification/c', { token: `forged-${i}` })).status);
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(4);
    const throttled = await service.call('GET', '/billingRunActions/tenant-a/certification/c', { token: 'forged' });
    expect(throttled).toMatchObject({ status: 429, body: { message: 'Too Many Requests' } });
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another method has its own bucket.
    expect((await service.call('GET', '/billingRunActions/tenant-a/some-id', { token: 'forged' })).status).toBe(401);
  });
});
