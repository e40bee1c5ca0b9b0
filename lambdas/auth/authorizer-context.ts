/**
 * What the authorizer hands to the functions through API Gateway. API Gateway only carries strings,
 * numbers and booleans, so the tenant list travels as JSON.
 */
export interface AuthorizerContext {
  /** The token's `sub`. */
  principalId: string;
  /** JSON array of the tenants the token grants. */
  tenants: string;
  /** The token's space-separated scopes. */
  scope: string;
  /**
   * The token's `exp` (seconds since the epoch). API Gateway caches the decision for minutes; the
   * functions refuse the token from this moment on, whatever the cache holds. (API Gateway hands it on as a string.)
   */
  expiresAt: number | string;
  /** The tenant of the path, when access was allowed: the access log's `tenant`. */
  tenant?: string;
  /** The tenant's tier, when access was allowed: a property of the functions' metric lines and the access log's `tier`. */
  tier?: string;
  /** Why access was denied, when it was. */
  reason?: string;
}

export function tenantsOf(context: Partial<AuthorizerContext>): string[] {
  try {
    const parsed: unknown = JSON.parse(context.tenants ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((tenant): tenant is string => typeof tenant === 'string') : [];
  } catch {
    return [];
  }
}

/** Whether the token behind this context has expired (or its expiry is missing or unreadable). */
export function tokenExpired(context: Partial<AuthorizerContext>, now: number): boolean {
  const expiresAt = Number(context.expiresAt);
  return !Number.isFinite(expiresAt) || expiresAt * 1000 <= now;
}
