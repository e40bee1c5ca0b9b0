export const TIERS = ['basic', 'standard', 'premium'] as const;
export type TierName = (typeof TIERS)[number];

export interface Tenant {
  tenantId: string;
  tier: TierName;
  /** The tenant's record limit. */
  maxActions: number;
  /** The API key value API Gateway meters the tenant's usage plan by. */
  usageIdentifierKey: string;
  createdAt: string;
  /** Live (not deleted) records the tenant holds, kept exact by the writes themselves. */
  actionCount: number;
  /** In AWS: the id of the tenant's API Gateway API key. */
  apiKeyId?: string;
}

export interface TenantRegistry {
  /** The tenant, unless it was never added or has been removed. */
  get(tenantId: string): Promise<Tenant | undefined>;
  /** Adds or updates a tenant; its record count is kept. */
  put(tenant: Omit<Tenant, 'actionCount'>): Promise<void>;
  remove(tenantId: string): Promise<boolean>;
  list(): Promise<Tenant[]>;
}
