import type { BillingRunAction } from '../domain/record-schema.ts';

export interface TenantRecord {
  tenantId: string;
  record: BillingRunAction;
}

/** The port to the records in `processing` that were last changed before a moment (the sweep's query). */
export interface StuckRecords {
  /** Up to `limit` records still in processing, last changed before `before` (RFC 3339), oldest first per shard. */
  changedBefore(before: string, limit: number): Promise<TenantRecord[]>;
}
