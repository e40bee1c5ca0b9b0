import { PROCESSING } from '../../lambdas/domain/processing.ts';
import type { BillingRunAction } from '../../lambdas/domain/record-schema.ts';
import type { StuckRecordKey, StuckRecords } from '../../lambdas/ports/stuck-records.ts';

/**
 * The sweep's walk over records held in memory (an in-memory repository's), as the DynamoDB adapter walks
 * the processing index (test/contract/stuck-records.contract.ts holds both to one contract): each
 * tenant's live records in processing changed before the cut-off, oldest first, a page of one tenant
 * at a time, round after round, an empty page for a tenant with none.
 */
export function inMemoryStuckRecords(storedRecords: (tenantId: string) => BillingRunAction[]): StuckRecords {
  return {
    async *changedBefore(tenantIds, before, pageSize) {
      const left = tenantIds.map((tenantId) =>
        storedRecords(tenantId)
          .filter((record) => record.status === PROCESSING && !record.sys_deleted_by_id && record.sys_last_modified_at < before)
          .sort((a, b) => a.sys_last_modified_at.localeCompare(b.sys_last_modified_at))
          .map((record): StuckRecordKey => ({ tenantId, id: record.id })),
      );
      for (let round = 0; round === 0 || left.some((keys) => keys.length > 0); round++) {
        for (const keys of left) if (round === 0 || keys.length > 0) yield keys.splice(0, pageSize);
      }
    },
  };
}
