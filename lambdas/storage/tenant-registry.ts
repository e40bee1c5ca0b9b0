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
}

export interface TenantRegistry {
  get(tenantId: string): Promise<Tenant | undefined>;
  put(tenant: Tenant): Promise<void>;
  remove(tenantId: string): Promise<boolean>;
  list(): Promise<Tenant[]>;
}
