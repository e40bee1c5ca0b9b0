import type { Tenant } from '../../lambdas/domain/tenant.ts';
import type { Registration, TenantRegistry } from '../../lambdas/ports/tenant-registry.ts';

/**
 * The tenant registry in memory, as the DynamoDB adapter keeps it (test/contract/tenant-registry.contract.ts
 * holds both to one contract): a removed tenant keeps its tier, limit and creation; `counts` stands for
 * the records each tenant holds (the repository's counter, not the registry's to change).
 */
export function inMemoryTenantRegistry(tenants: Omit<Tenant, 'actionCount'>[] = []): TenantRegistry & { counts: Map<string, number> } {
  const registrations = new Map<string, Registration>(tenants.map((tenant) => [tenant.tenantId, { status: 'provisioned', tenant }]));
  const counts = new Map<string, number>();
  const provisioned = (tenantId: string): Tenant | undefined => {
    const registration = registrations.get(tenantId);
    return registration?.status === 'provisioned' ? structuredClone(registration.tenant) : undefined;
  };
  return {
    counts,
    get: async (tenantId) => provisioned(tenantId),
    registration: async (tenantId) => structuredClone(registrations.get(tenantId)),
    recordCount: async (tenantId) => counts.get(tenantId) ?? 0,
    put: async (tenant) => {
      registrations.set(tenant.tenantId, { status: 'provisioned', tenant: structuredClone(tenant) });
    },
    remove: async (tenantId) => {
      const registration = registrations.get(tenantId);
      if (registration?.status !== 'provisioned') return false;
      const { tier, maxActions, createdAt } = registration.tenant;
      registrations.set(tenantId, {
        status: 'removed',
        tenant: { tenantId, tier, maxActions, createdAt, removedAt: new Date().toISOString() },
      });
      return true;
    },
    list: async () =>
      [...registrations.values()]
        .filter((registration) => registration.status === 'provisioned')
        .map(({ tenant }) => ({ ...(tenant as Tenant), actionCount: counts.get(tenant.tenantId) ?? 0 }))
        .sort((a, b) => a.tenantId.localeCompare(b.tenantId)),
    everAdded: async () => [...registrations.keys()].sort(),
  };
}
