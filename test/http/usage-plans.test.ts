import { beforeAll, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../lib/tenants/tenant-provisioning.ts';
import { tiersFrom } from '../../lib/stack/tiers.ts';
import { UNTHROTTLED, serviceForThisFile } from '../support/http-service.ts';

const service = serviceForThisFile({
  tenants: [],
  tiers: {
    ...UNTHROTTLED,
    basic: { rateLimit: 1, burstLimit: 5, monthlyQuota: null },
    standard: { rateLimit: 1000, burstLimit: 1000, monthlyQuota: 3 },
  },
});
const tokens: Record<string, string> = {};

beforeAll(async () => {
  for (const [tenant, tier] of [
    ['busy', 'basic'],
    ['quiet', 'basic'],
    ['metered', 'standard'],
    ['upgraded', 'basic'],
  ] as const) {
    await provisionTenant(service.tenants, tenant, { tier });
    tokens[tenant] = await service.issuer.sign({ tenant });
  }
});

const list = (tenant: string) => service.call('GET', `/billingRunActions/${tenant}/certification/c1`, { token: tokens[tenant] });

describe('usage plans in the local gateway', () => {
  it('throttles a tenant past its burst with 429 Too Many Requests and Retry-After, and no other tenant', async () => {
    const responses = [];
    for (let i = 0; i < 20; i++) responses.push(await list('busy'));
    const statuses = responses.map((response) => response.status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const throttled = responses.filter((response) => response.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(10);
    for (const response of throttled) {
      expect(response.body).toEqual({ message: 'Too Many Requests' });
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    expect((await list('quiet')).status).toBe(200);
  });

  it("answers 429 Limit Exceeded past the monthly quota, with the Retry-After of the stack's gateway response (an hour)", async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await list('metered')).status);
    expect(statuses).toEqual([200, 200, 200]);
    const over = await list('metered');
    expect(over).toMatchObject({ status: 429, body: { message: 'Limit Exceeded' } });
    // API Gateway cannot compute the wait to the next month; its answer is the stack's template, as here.
    expect(over.headers.get('retry-after')).toBe('3600');
  });

  it('applies a tier change made with the tenants command', async () => {
    for (let i = 0; i < 8; i++) await list('upgraded');
    expect((await list('upgraded')).status).toBe(429);
    await provisionTenant(service.tenants, 'upgraded', { tier: 'premium' });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await list('upgraded')).status);
    expect(statuses.every((status) => status === 200)).toBe(true);
  });
});

describe('tiersFrom', () => {
  it('gives the SPEC defaults and applies partial overrides', () => {
    expect(tiersFrom(undefined)).toEqual({
      basic: { rateLimit: 10, burstLimit: 20, monthlyQuota: 1_000_000 },
      standard: { rateLimit: 50, burstLimit: 100, monthlyQuota: 10_000_000 },
      premium: { rateLimit: 200, burstLimit: 400, monthlyQuota: null },
    });
    expect(tiersFrom('{"basic":{"monthlyQuota":5}}').basic).toEqual({ rateLimit: 10, burstLimit: 20, monthlyQuota: 5 });
    expect(() => tiersFrom({ gold: {} })).toThrow(/Invalid tiers override/);
    expect(() => tiersFrom({ basic: { rateLimit: -1 } })).toThrow();
  });
});
