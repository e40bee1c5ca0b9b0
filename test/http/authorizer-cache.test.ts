import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTenant } from '../../lib/commands/tenant-provisioning.ts';
import { type TestService, UNTHROTTLED, startTestService } from '../support/http-service.ts';

let service: TestService;

beforeAll(async () => {
  service = await startTestService(['cached', 'other'], UNTHROTTLED, 300);
});
afterAll(() => service.stopAll());

describe('the local gateway’s authorizer cache, as API Gateway’s', () => {
  it('reuses a decision per token and tenant until it expires, and asks again for a new token', async () => {
    const first = await service.issuer.sign({ tenant: 'cached', sub: 'first' });
    const path = '/billingRunActions/cached/certification/c';
    expect((await service.call('GET', path, { token: first })).status).toBe(200);
    await removeTenant(service.tenants, 'cached');
    expect((await service.call('GET', path, { token: first })).status).toBe(200);
    const second = await service.issuer.sign({ tenant: 'cached', sub: 'second' });
    expect((await service.call('GET', path, { token: second })).body).toEqual({ message: "Tenant 'cached' is not provisioned" });
  });

  it('caches per tenant too, and checks the scope of each operation in the function', async () => {
    const reader = await service.issuer.sign({ tenant: ['other'], scope: 'billing-run-actions:read' });
    expect((await service.call('GET', '/billingRunActions/other/certification/c', { token: reader })).status).toBe(200);
    expect((await service.call('GET', '/billingRunActions/cached/certification/c', { token: reader })).status).toBe(403);
    expect((await service.call('DELETE', '/billingRunActions/other/some-id', { token: reader })).status).toBe(403);
  });
});
