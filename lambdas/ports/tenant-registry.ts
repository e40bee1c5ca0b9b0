import type { Tenant } from '../domain/tenant.ts';

export interface TenantRegistry {
  /** The tenant, unless it was never added or has been removed; without its record count. */
  get(tenantId: string): Promise<Tenant | undefined>;
  /** Live records the tenant holds (its counter, read whole). */
  recordCount(tenantId: string): Promise<number>;
  /** Adds or updates a tenant; its record count is kept. */
  put(tenant: Omit<Tenant, 'actionCount'>): Promise<void>;
  remove(tenantId: string): Promise<boolean>;
  /** Every tenant, with its record count. */
  list(): Promise<Tenant[]>;
}
