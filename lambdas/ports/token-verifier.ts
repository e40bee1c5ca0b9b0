/** The identity a verified token carries. */
export interface VerifiedToken {
  principal: string;
  tenants: string[];
  scope: string;
  /** The token's `exp`, in seconds since the epoch. */
  expiresAt: number;
}

export class InvalidToken extends Error {
  override readonly name = 'InvalidToken';
}

/** The issuer's keys cannot be had (and none are cached): the caller may retry; no token is judged. */
export class IssuerUnavailable extends Error {
  override readonly name = 'IssuerUnavailable';
}

/** The port to token verification: the authorizer's decision depends on it, not on jose. */
export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
}
