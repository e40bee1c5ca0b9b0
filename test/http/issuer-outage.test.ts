import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../lib/local/dynamodb-local.ts';
import { serviceForThisFile } from '../support/http-service.ts';

const service = serviceForThisFile({ tenants: ['tenant-a'] });

beforeAll(async () => {
  // The issuer is down from the start: the authorizer (built on the first request) has never had its keys.
  process.env.JWKS_URL = `http://127.0.0.1:${await freePort()}/.well-known/jwks.json`;
});

describe('an issuer that cannot be reached', () => {
  it('answers 503 with Retry-After, not 401, while no keys were ever read; nothing is cached', async () => {
    const token = await service.issuer.sign({ tenant: 'tenant-a' });
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await service.call('GET', '/billingRunActions/tenant-a/certification/c', { token });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(response.body.message).toMatch(/^Service Unavailable: the request could not be authorized just now \(request id [\w-]+\)/);
    }
  });

  it('still answers a request without a token 401 (no key is needed to refuse it)', async () => {
    expect((await service.call('GET', '/billingRunActions/tenant-a/certification/c')).status).toBe(401);
    expect((await service.call('GET', '/billingRunActions/tenant-a/certification/c', { token: 'not-a-jwt' })).status).toBe(401);
  });
});
