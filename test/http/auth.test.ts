import { type CryptoKey, SignJWT, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambdas/routes.ts';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../lib/local/issuer.ts';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

const service = serviceForThisFile();
let recordId: string;

beforeAll(async () => {
  recordId = (await service.call('POST', '/billingRunActions/tenant-a', { token: service.token, body: validBody() })).body.id;
});

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = (overrides: Record<string, unknown> = {}) => ({
  iss: LOCAL_ISSUER,
  aud: LOCAL_AUDIENCE,
  sub: 'intruder',
  tenant_id: 'tenant-a',
  scope: 'billing-run-actions:read billing-run-actions:write',
  iat: Math.floor(Date.now() / 1000),
  exp: Math.floor(Date.now() / 1000) + 600,
  ...overrides,
});

async function signedBy(key: CryptoKey, alg: string, payload: Record<string, unknown>, kid?: string): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg, ...(kid && { kid }) }).sign(key);
}

/** Fills the path parameters of a route so that it can be called. */
function pathOf(path: string, tenant: string): string {
  return path.replace('{tenantId}', tenant).replace(/\{\w+\}/g, recordId);
}

const badTokens: [string, () => Promise<string | undefined>][] = [
  ['no Authorization header', async () => undefined],
  ['a non-Bearer scheme', async () => 'Basic dXNlcjpwYXNz'],
  ['a malformed token', async () => 'Bearer not.a.jwt'],
  [
    'a token signed by another key',
    async () => {
      const { privateKey } = await generateKeyPair('ES256');
      return `Bearer ${await signedBy(privateKey, 'ES256', claims(), service.issuer.jwks.keys[0]?.kid)}`;
    },
  ],
  [
    'a tampered payload',
    async () => {
      const [header, , signature] = (await service.issuer.sign({ tenant: 'tenant-b' })).split('.');
      return `Bearer ${header}.${b64(claims())}.${signature}`;
    },
  ],
  ['an unsigned token (alg none)', async () => `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
  [
    'a symmetric (HS256) token',
    async () => `Bearer ${await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('x'.repeat(32)))}`,
  ],
  ['an expired token', async () => `Bearer ${await service.issuer.sign({ tenant: 'tenant-a', expiresInSeconds: -120 })}`],
];

describe('authentication', () => {
  it.each(badTokens)('answers 401 with WWW-Authenticate for %s, on every route', async (_name, makeHeader) => {
    const header = await makeHeader();
    for (const route of ROUTES) {
      const response = await service.call(route.method, pathOf(route.path, 'tenant-a'), {
        headers: header ? { Authorization: header } : {},
        ...(route.hasBody && {
          body: route.operation === 'batchBillingRunActions' ? { operations: [{ op: 'delete', id: recordId }] } : validBody(),
        }),
      });
      expect(response.status, `${route.operation}`).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(response.body.message).toMatch(/^Unauthorized/);
    }
    expect(
      (await service.call('GET', `/billingRunActions/tenant-a/${recordId}`, { token: await service.issuer.sign({ tenant: 'tenant-a' }) }))
        .status,
    ).toBe(200);
  });
});

describe('authorization', () => {
  it('answers 403 on every route for a tenant the token does not name', async () => {
    const token = await service.issuer.sign({ tenant: 'tenant-b' });
    for (const route of ROUTES) {
      const response = await service.call(route.method, pathOf(route.path, 'tenant-a'), {
        token,
        ...(route.hasBody && { body: validBody() }),
      });
      expect(response.status, route.operation).toBe(403);
      expect(response.body).toEqual({ message: "The token does not grant access to tenant 'tenant-a'" });
    }
  });

  it('answers 403 on every route for an unprovisioned tenant, and no refusal leaks a record', async () => {
    const record = (
      await service.call('GET', `/billingRunActions/tenant-a/${recordId}`, { token: await service.issuer.sign({ tenant: 'tenant-a' }) })
    ).body;
    const identities = {
      unprovisioned: await service.issuer.sign({ tenant: ['tenant-a', 'tenant-z'] }),
      other: await service.issuer.sign({ tenant: 'tenant-b' }),
    };
    for (const route of ROUTES) {
      for (const [who, token] of Object.entries(identities)) {
        const tenant = who === 'unprovisioned' ? 'tenant-z' : 'tenant-a';
        const response = await service.call(route.method, pathOf(route.path, tenant), {
          token,
          ...(route.hasBody && { body: validBody() }),
        });
        expect(response.status, `${who} ${route.operation}`).toBe(403);
        expect(JSON.stringify(response.body)).not.toContain(record.name);
        expect(JSON.stringify(response.body)).not.toContain(record.sys_created_at);
      }
    }
  });

  it('answers 403 for a tenant that is not provisioned', async () => {
    const token = await service.issuer.sign({ tenant: 'tenant-z' });
    const response = await service.call('GET', '/billingRunActions/tenant-z/certification/c', { token });
    expect(response).toMatchObject({ status: 403, body: { message: "Tenant 'tenant-z' is not provisioned" } });
  });

  it('lets a read-only token read but not write', async () => {
    const token = await service.issuer.sign({ tenant: 'tenant-a', scope: 'billing-run-actions:read' });
    for (const route of ROUTES) {
      const response = await service.call(route.method, pathOf(route.path, 'tenant-a'), {
        token,
        ...(route.hasBody && { body: validBody() }),
      });
      // Past authorization, a read answers; no bulk load has the record's id, nor any run a summary (no stream consumer here), so those are not found.
      if (route.scope === 'billing-run-actions:read')
        expect(response.status, route.operation).toBe(['getBulkLoad', 'getBillingRunSummary'].includes(route.operation) ? 404 : 200);
      else {
        expect(response.status, route.operation).toBe(403);
        expect(response.body.message).toMatch(/billing-run-actions:write/);
      }
    }
    expect((await service.call('GET', `/billingRunActions/tenant-a/${recordId}`, { token })).body.sys_version).toBe(1);
  });

  it('answers 403 for a token with no scope of this service', async () => {
    const token = await service.issuer.sign({ tenant: 'tenant-a', scope: 'other:read' });
    expect((await service.call('GET', `/billingRunActions/tenant-a/${recordId}`, { token })).status).toBe(403);
  });

  it('accepts a tenant claim that lists several tenants, each seeing only its own records', async () => {
    const token = await service.issuer.sign({ tenant: ['tenant-a', 'tenant-b'] });
    expect((await service.call('GET', `/billingRunActions/tenant-a/${recordId}`, { token })).status).toBe(200);
    expect((await service.call('GET', `/billingRunActions/tenant-b/${recordId}`, { token })).status).toBe(404);
  });

  it('answers 400 for a malformed tenant id in the path', async () => {
    const token = await service.issuer.sign({ tenant: 'tenant-a' });
    const response = await service.call('GET', `/billingRunActions/${encodeURIComponent('tenant.a')}/${recordId}`, { token });
    expect(response).toMatchObject({ status: 400, body: { details: [{ path: 'tenantId' }] } });
    const tooLong = await service.call('GET', `/billingRunActions/${'t'.repeat(129)}/${recordId}`, { token });
    expect(tooLong.status).toBe(400);
  });
});
