import pLimit, { type LimitFunction } from 'p-limit';

/**
 * Slots for the local runner's batches, per tenant: a tenant's loads take turns in its slots, and
 * another tenant's load starts at once beside them, as in AWS, where each load's Distributed Map has
 * children of its own and the loads' pace (lambdas/adapters/dynamodb/load-pace.ts) shares the table
 * between tenants. One pool for every tenant would let one tenant's batches, waiting on their pace,
 * hold every slot while another tenant's could not start.
 */
export class TenantSlots {
  private readonly slots: number;
  private readonly byTenant = new Map<string, LimitFunction>();

  constructor(slots: number) {
    this.slots = slots;
  }

  /** Batches running now, over every tenant. */
  get activeCount(): number {
    return [...this.byTenant.values()].reduce((sum, limit) => sum + limit.activeCount, 0);
  }

  /** Runs `work` in one of `tenant`'s slots, in its turn among that tenant's batches. */
  run<T>(tenant: string, work: () => Promise<T>): Promise<T> {
    let limit = this.byTenant.get(tenant);
    if (!limit) {
      limit = pLimit(this.slots);
      this.byTenant.set(tenant, limit);
    }
    return limit(work);
  }
}
