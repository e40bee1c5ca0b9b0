import { randomBytes } from 'node:crypto';
import type { Tenant, TenantRegistry, TierName } from '../../lambdas/storage/tenant-registry.ts';

export const DEFAULT_MAX_ACTIONS = 1_000_000;

/**
 * Registers a tenant in the local store. Locally the usage identifier key is a random string the local
 * gateway meters by; in AWS it is the value of the tenant's API Gateway API key.
 */
export async function provisionTenant(
  registry: TenantRegistry,
  tenantId: string,
  options: { tier?: TierName; maxActions?: number; keepExisting?: boolean } = {},
): Promise<Tenant> {
  const existing = await registry.get(tenantId);
  if (existing && options.keepExisting) return existing;
  const tenant: Tenant = {
    tenantId,
    tier: options.tier ?? existing?.tier ?? 'basic',
    maxActions: options.maxActions ?? existing?.maxActions ?? DEFAULT_MAX_ACTIONS,
    usageIdentifierKey: existing?.usageIdentifierKey ?? randomBytes(20).toString('base64url'),
    createdAt: existing?.createdAt ?? new Date().toISOString(),
  };
  await registry.put(tenant);
  return tenant;
}
