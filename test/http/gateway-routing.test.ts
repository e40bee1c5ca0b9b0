import { describe, expect, it } from 'vitest';
import { serviceForThisFile } from '../support/http-service.ts';

const service = serviceForThisFile();
const base = '/billingRunActions/tenant-a';

describe('the gateway’s routing', () => {
  it('answers 404 with a message for a path no operation serves', async () => {
    const response = await service.call('GET', '/nothing/here', { token: service.token });
    expect(response).toMatchObject({ status: 404, body: { message: 'No operation matches GET on this path' } });
    expect((await service.call('POST', `${base}/some-id`, { token: service.token, body: {} })).status).toBe(404);
  });

  it('answers with JSON rendered by substitution, as API Gateway does, whatever the path holds', async () => {
    for (const path of ['/"quoted"/x', '/back\\slash', '/%22%5C%0A', `/${'ü'.repeat(50)}`, '/a"}{"b', `${base}/x/y/"z`]) {
      const response = await service.rawCall('GET', path, { headers: { Authorization: `Bearer ${service.token}` } });
      expect(response.status, path).toBe(404);
      expect(JSON.parse(response.text), path).toEqual({ message: 'No operation matches GET on this path' });
    }
    const denied = await service.call('GET', '/billingRunActions/tenant-b/x', { token: service.token });
    expect(denied).toMatchObject({ status: 403, body: { message: "The token does not grant access to tenant 'tenant-b'" } });
  });

  it('serves the local issuer keys', async () => {
    const response = await service.call('GET', '/.well-known/jwks.json');
    expect(response.status).toBe(200);
    expect(response.body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(response.body.keys[0]).not.toHaveProperty('d');
  });

  it('answers a path of hundreds of stars at once, without blocking other requests', async () => {
    const stars = '*'.repeat(2000);
    const [starred, other] = await Promise.all([
      service.call('GET', `/billingRunActions/${stars}/${stars}`, { token: service.token }),
      service.call('GET', `${base}/certification/none`, { token: service.token }),
    ]);
    expect(starred.status).toBe(400);
    expect(starred.body.message).toMatch(/tenantId/);
    expect(other.status).toBe(200);
  }, 5_000);
});
