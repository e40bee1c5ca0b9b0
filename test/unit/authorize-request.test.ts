import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { type CryptoKey, type JWK, SignJWT, createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { authorizeRequest } from '../../lambdas/auth/authorize-request.ts';
import { JoseTokenVerifier } from '../../lambdas/adapters/jwks/jose-token-verifier.ts';
import type { Tenant } from '../../lambdas/domain/tenant.ts';
import type { TenantRegistry } from '../../lambdas/ports/tenant-registry.ts';

const config = {
  issuer: 'https://issuer.example',
  audience: 'billing-run-actions',
  jwksUrl: 'https://issuer.example/jwks',
  tenantClaim: 'tenants',
};
let privateKey: CryptoKey;
let verifier: JoseTokenVerifier;

const provisioned = (tenantId: string): Tenant | undefined =>
  tenantId === 'acme' || tenantId === 'globex'
    ? { tenantId, tier: 'basic', maxActions: 10, usageIdentifierKey: `key-${tenantId}`, createdAt: '' }
    : undefined;
const tenants: TenantRegistry = {
  get: async (tenantId) => provisioned(tenantId),
  registration: async (tenantId) => {
    const tenant = provisioned(tenantId);
    return tenant && { status: 'provisioned', tenant };
  },
  recordCount: async () => 0,
  put: async () => undefined,
  remove: async () => false,
  list: async () => [],
  everAdded: async () => [],
};

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
  verifier = new JoseTokenVerifier(config, createLocalJWKSet({ keys: [publicJwk] }));
});

const token = (claims: Record<string, unknown> = {}, options: { alg?: string; key?: CryptoKey | Uint8Array } = {}) =>
  new SignJWT({ tenants: ['acme'], scope: 'billing-run-actions:read', ...claims })
    .setProtectedHeader({ alg: options.alg ?? 'ES256', kid: 'k1' })
    .setIssuer((claims.iss as string) ?? config.issuer)
    .setAudience((claims.aud as string) ?? config.audience)
    .setSubject('user-1')
    .setExpirationTime((claims.exp as number) ?? Math.floor(Date.now() / 1000) + 300)
    .sign(options.key ?? privateKey);

const event = (authorization: string | undefined, tenantId = 'acme'): APIGatewayRequestAuthorizerEvent =>
  ({
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:eu-west-1:123456789012:api123/prod/GET/billingRunActions/${tenantId}/x`,
    headers: authorization ? { authorization } : {},
    pathParameters: { tenantId },
  }) as unknown as APIGatewayRequestAuthorizerEvent;

const logs: string[] = [];
const deps = () => ({
  verifier,
  tenants,
  log: (message: string, attributes: Record<string, unknown>) => void logs.push(`${message} ${JSON.stringify(attributes)}`),
});

describe('authorizeRequest', () => {
  it('allows a valid token for a provisioned tenant it names, metered by the tenant key', async () => {
    const result = await authorizeRequest(event(`Bearer ${await token()}`), deps());
    expect(result.principalId).toBe('user-1');
    expect(result.usageIdentifierKey).toBe('key-acme');
    expect(result.policyDocument.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Allow',
        Resource: [
          'arn:aws:execute-api:eu-west-1:123456789012:api123/prod/*/billingRunActions/acme',
          'arn:aws:execute-api:eu-west-1:123456789012:api123/prod/*/billingRunActions/acme/*',
        ],
      },
    ]);
    expect(result.context).toEqual({
      principalId: 'user-1',
      tenants: '["acme"]',
      scope: 'billing-run-actions:read',
      expiresAt: expect.any(Number),
      tier: expect.any(String),
      tenant: 'acme',
    });
  });

  it('reads the Authorization header among headers named like an object’s own properties (own keys of the event’s JSON)', async () => {
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];
    const headers = JSON.parse(
      JSON.stringify(Object.fromEntries([...names.map((name) => [name, 'x']), ['Authorization', `Bearer ${await token()}`]])),
    );
    const allowed = await authorizeRequest({ ...event(undefined), headers }, deps());
    expect(allowed.usageIdentifierKey).toBe('key-acme');
    const withoutToken = JSON.parse(JSON.stringify(Object.fromEntries(names.map((name) => [name, 'Bearer x']))));
    await expect(authorizeRequest({ ...event(undefined), headers: withoutToken }, deps())).rejects.toThrow(/^Unauthorized$/);
  });

  it.each([
    ['no header', async () => undefined],
    ['another scheme', async () => `Basic ${await token()}`],
    ['a wrong issuer', async () => `Bearer ${await token({ iss: 'https://evil.example' })}`],
    ['a wrong audience', async () => `Bearer ${await token({ aud: 'other' })}`],
    ['an expired token', async () => `Bearer ${await token({ exp: Math.floor(Date.now() / 1000) - 120 })}`],
    ['a symmetric algorithm', async () => `Bearer ${await token({}, { alg: 'HS256', key: new Uint8Array(32) })}`],
    ['a key the issuer does not publish', async () => `Bearer ${await token({}, { key: (await generateKeyPair('ES256')).privateKey })}`],
  ])('throws Unauthorized for %s and never logs the token', async (_name, header) => {
    logs.length = 0;
    const value = await header();
    await expect(authorizeRequest(event(value), deps())).rejects.toThrow(/^Unauthorized$/);
    if (value) expect(logs.join('\n')).not.toContain(value.split(' ')[1]);
  });

  it('denies a tenant the token does not name, and an unprovisioned one, with the reason', async () => {
    const other = await authorizeRequest(event(`Bearer ${await token()}`, 'globex'), deps());
    expect(other.policyDocument.Statement[0]?.Effect).toBe('Deny');
    expect(other.context?.reason).toBe("The token does not grant access to tenant 'globex'");
    const unprovisioned = await authorizeRequest(event(`Bearer ${await token({ tenants: 'initech' })}`, 'initech'), deps());
    expect(unprovisioned.policyDocument.Statement[0]?.Effect).toBe('Deny');
    expect(unprovisioned.context?.reason).toBe("Tenant 'initech' is not provisioned");
    expect(unprovisioned).not.toHaveProperty('usageIdentifierKey');
  });

  it('reads a single-string tenant claim', async () => {
    const result = await authorizeRequest(event(`Bearer ${await token({ tenants: 'acme' })}`), deps());
    expect(result.policyDocument.Statement[0]?.Effect).toBe('Allow');
  });

  it('lets a malformed tenant id through to the function (which answers 400), metered to a tenant the token holds', async () => {
    const result = await authorizeRequest(event(`Bearer ${await token({ tenants: ['nope', 'globex'] })}`, 'bad.tenant'), deps());
    // Every method: the decision is cached for this token and tenant id, and each method must reach the function's 400.
    expect(result.policyDocument.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Resource: ['arn:aws:execute-api:eu-west-1:123456789012:api123/prod/*/billingRunActions/*'],
    });
    expect(result.usageIdentifierKey).toBe('key-globex');
    const none = await authorizeRequest(event(`Bearer ${await token({ tenants: ['nope'] })}`, 'bad.tenant'), deps());
    expect(none.policyDocument.Statement[0]?.Effect).toBe('Deny');
  });
});
