import type { Tenant } from '../domain/tenant.ts';

export interface TenantRegistry {
  /** The tenant, unless it was never added or has been removed. */
  get(tenantId: string): Promise<Tenant | undefined>;
  /** Adds or updates a tenant; its record count is kept. */
  put(tenant: Omit<Tenant, 'actionCount'>): Promise<void>;
  remove(tenantId: string): Promise<boolean>;
  list(): Promise<Tenant[]>;
}
