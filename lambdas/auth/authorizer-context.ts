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
