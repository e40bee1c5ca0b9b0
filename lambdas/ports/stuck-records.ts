/** A record the sweep found in the processing index: its tenant and id (the index holds keys alone). */
export interface StuckRecordKey {
  tenantId: string;
  id: string;
}

/** The port to the records in `processing` that were last changed before a moment (the sweep's query). */
export interface StuckRecords {
  /**
   * The keys of the given tenants' records still in processing, last changed before `before` (RFC 3339),
   * as index entries say (eventually consistent: read each record before acting on it). Page after page:
   * a page holds up to `pageSize` keys of one tenant, oldest first in each of its shards, and none when
   * it has none; every tenant gets a page in turn, round after round while any has more, so that the
   * reader may stop between any two pages and no tenant's backlog holds back another's.
   */
  changedBefore(tenantIds: readonly string[], before: string, pageSize: number): AsyncIterable<StuckRecordKey[]>;
}
