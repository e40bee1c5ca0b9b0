import { type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { AuthConfig } from '../../config.ts';
import { checkedJwksUrl, httpJwks } from './http-jwks.ts';
import { InvalidToken, IssuerUnavailable, type TokenVerifier, type VerifiedToken } from '../../ports/token-verifier.ts';

/** Only asymmetric algorithms: a shared-secret or unsigned (`alg: none`) token never verifies. */
const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

function tenantsFrom(payload: JWTPayload, claim: string): string[] {
  const value = payload[claim];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((tenant): tenant is string => typeof tenant === 'string');
  return [];
}

/** Verifies signature, issuer, audience and time claims with jose against the issuer's JWKS. */
export class JoseTokenVerifier implements TokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly config: AuthConfig;

  constructor(config: AuthConfig, keys: JWTVerifyGetKey = httpJwks(checkedJwksUrl(config.jwksUrl))) {
    this.config = config;
    this.keys = keys;
  }

  async verify(token: string): Promise<VerifiedToken> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: ACCEPTED_ALGORITHMS,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      if (error instanceof IssuerUnavailable) throw error;
      throw new InvalidToken((error as Error).message, { cause: error });
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidToken('token has no sub claim');
    return {
      principal: payload.sub,
      tenants: tenantsFrom(payload, this.config.tenantClaim),
      scope: typeof payload.scope === 'string' ? payload.scope : '',
      expiresAt: payload.exp as number,
    };
  }
}
