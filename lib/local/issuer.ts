import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type JWK, SignJWT, exportJWK, generateKeyPair, importJWK } from 'jose';
import { READ_SCOPE, WRITE_SCOPE } from '../../lambdas/domain/caller.ts';

/** The local issuer's identity; the local gateway's authorizer is configured with the same values. */
export const LOCAL_ISSUER = 'urn:billing-run-actions:local-issuer';
export const LOCAL_AUDIENCE = 'billing-run-actions';
export const DEFAULT_SCOPE = `${READ_SCOPE} ${WRITE_SCOPE}`;
const ALGORITHM = 'ES256';

interface TokenRequest {
  tenant: string | string[];
  sub?: string;
  scope?: string;
  expiresInSeconds?: number;
}

export interface LocalIssuer {
  jwks: { keys: JWK[] };
  sign(request: TokenRequest): Promise<string>;
}

/**
 * A token issuer for running without an identity provider. Its ES256 key pair is kept under the data
 * directory, so tokens survive restarts and `npm run token` signs with the running service's key.
 */
export async function localIssuer(dataDir: string): Promise<LocalIssuer> {
  const file = join(dataDir, 'issuer-key.json');
  let privateJwk: JWK;
  if (existsSync(file)) {
    privateJwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } else {
    const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
    privateJwk = { ...(await exportJWK(privateKey)), kid: `local-${Date.now().toString(36)}`, alg: ALGORITHM, use: 'sig' };
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600 });
  }
  const { d: _private, ...publicJwk } = privateJwk;
  const key = await importJWK(privateJwk, ALGORITHM);
  return {
    jwks: { keys: [publicJwk] },
    sign: ({ tenant, sub = 'local-user', scope = DEFAULT_SCOPE, expiresInSeconds = 3600 }) =>
      new SignJWT({ tenant_id: tenant, scope })
        .setProtectedHeader({ alg: ALGORITHM, kid: privateJwk.kid as string, typ: 'JWT' })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
        .sign(key),
  };
}
