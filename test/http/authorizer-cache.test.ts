import { describe, expect, it } from 'vitest';
import { removeTenant } from '../../lib/tenants/tenant-provisioning.ts';
import { TOKEN_EXPIRED_MESSAGE } from '../../lambdas/http/middleware/authorization.ts';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

const service = serviceForThisFile({ tenants: ['cached', 'other'], authorizerCacheTtlSeconds: 300 });

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

  it('refuses a token from its expiry on, reads and writes, although the cache still holds its Allow', async () => {
    const shortLived = await service.issuer.sign({ tenant: 'other', expiresInSeconds: 2 });
    const path = '/billingRunActions/other/certification/c';
    expect((await service.call('GET', path, { token: shortLived })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    for (const [method, target, body] of [
      ['GET', path, undefined],
      ['POST', '/billingRunActions/other', validBody()],
      ['DELETE', '/billingRunActions/other/some-id', undefined],
    ] as const) {
      const response = await service.call(method, target, { token: shortLived, body });
      expect(response.status, `${method} ${target}`).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(response.body).toEqual({ message: TOKEN_EXPIRED_MESSAGE });
    }
  });

  it('answers a malformed tenant id 400 on every method, not 403 once the first decision is cached', async () => {
    const token = await service.issuer.sign({ tenant: ['other'] });
    for (const [method, target] of [
      ['GET', '/billingRunActions/bad.tenant/certification/c'],
      ['POST', '/billingRunActions/bad.tenant'],
      ['GET', '/billingRunActions/bad.tenant/some-id'],
      ['DELETE', '/billingRunActions/bad.tenant/some-id'],
      ['PATCH', '/billingRunActions/bad.tenant/some-id'],
    ] as const) {
      const response = await service.call(method, target, { token, body: method === 'POST' || method === 'PATCH' ? {} : undefined });
      expect(response.status, `${method} ${target}`).toBe(400);
      expect(response.body.message).toBe("Invalid tenantId 'bad.tenant'");
    }
  });
});
