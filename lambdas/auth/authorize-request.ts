import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { TENANT_ID_PATTERN } from '../domain/billing-run-action.ts';
import type { TenantRegistry } from '../ports/tenant-registry.ts';
import type { AuthorizerContext } from './authorizer-context.ts';
import { InvalidToken, IssuerUnavailable, type TokenVerifier, type VerifiedToken } from '../ports/token-verifier.ts';

/** API Gateway turns exactly this error message from an authorizer into a 401. */
export const UNAUTHORIZED = 'Unauthorized';
/** The body of that 401, the same from the local gateway and (as a gateway response) from API Gateway. */
export const UNAUTHORIZED_MESSAGE =
  'Unauthorized: a valid bearer token is required (missing, malformed, expired or not signed by the issuer)';

/**
 * When the authorizer fails rather than decides (the issuer's keys cannot be read, storage is down),
 * API Gateway answers AUTHORIZER_FAILURE; the stack and the local gateway make that a 503 with this
 * message and Retry-After.
 */
export const AUTHORIZER_FAILURE_RETRY_AFTER_SECONDS = 5;
export const authorizerFailureMessage = (requestId: string): string =>
  `Service Unavailable: the request could not be authorized just now (request id ${requestId}); retry after a pause`;

export interface AuthorizerDependencies {
  verifier: TokenVerifier;
  tenants: TenantRegistry;
  log: (message: string, attributes: Record<string, unknown>) => void;
}

function bearerToken(event: APIGatewayRequestAuthorizerEvent): string | undefined {
  const header = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  return header?.match(/^Bearer +([^\s]+)$/i)?.[1];
}

/**
 * The ARNs this decision covers. API Gateway caches the result per token and tenant, so an Allow covers
 * every method of the tenant's paths; the functions check the scope of each operation.
 */
function resourcesFor(methodArn: string, tenantId: string): string[] {
  const prefix = `${everyMethodOf(methodArn)}/billingRunActions/${tenantId}`;
  return [prefix, `${prefix}/*`];
}

/** The API and stage of the method ARN, with any method: `arn:...:api/stage/*`. */
function everyMethodOf(methodArn: string): string {
  const [apiArn = methodArn, stage = '*'] = methodArn.split('/');
  return `${apiArn}/${stage}/*`;
}

/**
 * For a malformed tenant id: every method and path of the API. The cached decision only ever serves
 * requests with this same Authorization header and this same malformed tenant id, each of which the
 * function answers 400; covering only this method would turn the next method's 400 into a 403.
 */
function everyPathOf(methodArn: string): string[] {
  return [`${everyMethodOf(methodArn)}/billingRunActions/*`];
}

/**
 * API Gateway puts the reason into its 403 answer by plain substitution (gateway responses are not VTL),
 * so it must hold nothing that would end or escape a JSON string: quotes become `'`, backslashes `/`,
 * control characters spaces.
 */
export const templateSafe = (reason: string): string =>
  reason
    .replaceAll('"', "'")
    .replaceAll('\\', '/')
    .replace(/\p{Cc}/gu, ' ');

function policy(
  effect: 'Allow' | 'Deny',
  token: VerifiedToken,
  resources: string[],
  extra: { reason?: string; usageIdentifierKey?: string; tier?: string; tenant?: string } = {},
): APIGatewayAuthorizerResult {
  const context: AuthorizerContext = {
    principalId: token.principal,
    tenants: JSON.stringify(token.tenants),
    scope: token.scope,
    expiresAt: token.expiresAt,
  };
  if (extra.reason) context.reason = templateSafe(extra.reason);
  if (extra.tier) context.tier = extra.tier;
  if (extra.tenant) context.tenant = extra.tenant;
  return {
    principalId: token.principal,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resources }],
    },
    context: { ...context },
    ...(extra.usageIdentifierKey && { usageIdentifierKey: extra.usageIdentifierKey }),
  };
}

/**
 * The Lambda REQUEST authorizer's decision. A missing or invalid token throws `Unauthorized` (401); a
 * valid token for a tenant it does not name, or for an unprovisioned tenant, is denied (403); otherwise
 * it is allowed, metered by the tenant's usage identifier key.
 */
export async function authorizeRequest(
  event: APIGatewayRequestAuthorizerEvent,
  deps: AuthorizerDependencies,
): Promise<APIGatewayAuthorizerResult> {
  const raw = bearerToken(event);
  if (!raw) {
    deps.log('authorization refused', { reason: 'no bearer token' });
    throw new Error(UNAUTHORIZED);
  }
  let token: VerifiedToken;
  try {
    token = await deps.verifier.verify(raw);
  } catch (error) {
    if (error instanceof IssuerUnavailable) deps.log('authorization failed: issuer unavailable', { reason: error.message });
    if (!(error instanceof InvalidToken)) throw error;
    deps.log('authorization refused', { reason: error.message });
    throw new Error(UNAUTHORIZED, { cause: error });
  }

  const tenantId = event.pathParameters?.tenantId ?? '';
  if (!TENANT_ID_PATTERN.test(tenantId)) {
    // A malformed tenant id is the function's 400 to give; meter the request to a tenant the token does hold.
    const metered = await firstProvisioned(deps.tenants, token.tenants);
    if (!metered) return policy('Deny', token, everyPathOf(event.methodArn), { reason: 'The token grants no provisioned tenant' });
    return policy('Allow', token, everyPathOf(event.methodArn), { usageIdentifierKey: metered });
  }
  const resources = resourcesFor(event.methodArn, tenantId);
  if (!token.tenants.includes(tenantId)) {
    return policy('Deny', token, resources, { reason: `The token does not grant access to tenant '${tenantId}'` });
  }
  const tenant = await deps.tenants.get(tenantId);
  if (!tenant) return policy('Deny', token, resources, { reason: `Tenant '${tenantId}' is not provisioned` });
  return policy('Allow', token, resources, { usageIdentifierKey: tenant.usageIdentifierKey, tier: tenant.tier, tenant: tenantId });
}

async function firstProvisioned(registry: TenantRegistry, tenants: string[]): Promise<string | undefined> {
  for (const tenantId of tenants.filter((candidate) => TENANT_ID_PATTERN.test(candidate)).slice(0, 5)) {
    const tenant = await registry.get(tenantId);
    if (tenant) return tenant.usageIdentifierKey;
  }
  return undefined;
}
