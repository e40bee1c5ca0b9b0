import type { RemovedTenant, Tenant } from '../domain/tenant.ts';

/** What the registry holds of a tenant that was added once: provisioned, or removed (its tier and limit kept). */
export type Registration = { status: 'provisioned'; tenant: Tenant } | { status: 'removed'; tenant: RemovedTenant };

export interface TenantRegistry {
  /** The tenant, unless it was never added or has been removed; without its record count. */
  get(tenantId: string): Promise<Tenant | undefined>;
  /** The tenant, provisioned or removed (read consistently); undefined when it was never added. */
  registration(tenantId: string): Promise<Registration | undefined>;
  /** Live records the tenant holds (its counter, read whole). */
  recordCount(tenantId: string): Promise<number>;
  /** Adds, restores or updates a tenant; its record count is kept. */
  put(tenant: Omit<Tenant, 'actionCount'>): Promise<void>;
  /** Takes the tenant's access away and refuses its writes; its tier, limit and record count are kept. False if it was not provisioned. */
  remove(tenantId: string): Promise<boolean>;
  /** Every provisioned tenant, with its record count. */
  list(): Promise<Tenant[]>;
  /** The ids of every tenant ever added, provisioned or removed (a removed tenant's records are kept), sorted. */
  everAdded(): Promise<string[]>;
}
