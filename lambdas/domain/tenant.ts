/** The tiers a tenant may be on; each is a usage plan of the API (its rate, burst and quota). */
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
  /** Live (not deleted) records the tenant holds, kept exact by the writes themselves; a list gives it, a get does not (it reads a counter in shards). */
  actionCount?: number;
  /** In AWS: the id of the tenant's API Gateway API key. */
  apiKeyId?: string;
}

/** A removed tenant: its access (its key) is gone; its tier, limit, creation and records are kept for when it is added again. */
export interface RemovedTenant extends Pick<Tenant, 'tenantId' | 'tier' | 'maxActions' | 'createdAt'> {
  removedAt: string;
}

/**
 * How many processing executions a tenant of each tier may have open at once (started and not ended).
 * Step Functions holds 1,000,000 open executions of standard workflows per account and region (its
 * quotas page); a tenant's cap keeps any one tenant to a tenth of that at most, so one tenant's backlog
 * never fills the account for the others. A start over its tenant's cap waits (the starter defers it);
 * no other tenant's start does.
 */
export const OPEN_EXECUTIONS_BY_TIER: Record<TierName, number> = { basic: 1_000, standard: 10_000, premium: 100_000 };
