import type { BillingRunAction, Lookup } from '../domain/billing-run-action.ts';

export interface ListPage {
  items: BillingRunAction[];
  /** Present when more items may follow: the id of the last item of this page. */
  lastId?: string;
}

export interface SoftDeletion {
  /** The record as it stands deleted: version, modification and deleter fields already set. */
  record: BillingRunAction;
  /** Epoch seconds after which DynamoDB TTL may purge it. */
  expiresAt: number;
}

/**
 * The one port to billing run action storage. Every write is conditional: `create` on the id being
 * new, `replace` and `softDelete` on the version that was read. A failed condition becomes NotFound
 * (the record is gone) or Conflict (someone else changed it).
 */
export interface BillingRunActionRepository {
  /** The live record, or undefined when it never existed or is deleted. */
  get(tenantId: string, id: string, options?: { consistentRead?: boolean }): Promise<BillingRunAction | undefined>;
  create(tenantId: string, record: BillingRunAction): Promise<void>;
  replace(tenantId: string, record: BillingRunAction, expectedVersion: number): Promise<void>;
  softDelete(tenantId: string, deletion: SoftDeletion, expectedVersion: number): Promise<void>;
  list(tenantId: string, lookup: Lookup, value: string, page: { limit: number; afterId?: string }): Promise<ListPage>;
}
