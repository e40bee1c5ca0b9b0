import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BillingRunAction } from '../../lambdas/domain/record-schema.ts';
import type { BillingRunActionRepository } from '../../lambdas/ports/billing-run-action-repository.ts';
import type { StuckRecordKey, StuckRecords } from '../../lambdas/ports/stuck-records.ts';
import { storedRecord } from '../support/fixtures.ts';

/** The records a case writes through, and the walk of their processing entries under test. */
export interface StuckRecordsUnderTest {
  repository: BillingRunActionRepository;
  stuck: StuckRecords;
}

const CUTOFF = '2026-11-15T00:00:00Z';

/**
 * The contract of StuckRecords (lambdas/ports/stuck-records.ts), run against every implementation so that
 * the in-memory stand-in behaves as the DynamoDB adapter does: records are written through the
 * repository, as the service writes them, and the walk finds exactly the stuck ones. Each case has
 * tenants of its own (the factory provisions any tenant a create names).
 */
export function stuckRecordsContract(name: string, make: () => Promise<StuckRecordsUnderTest>): void {
  describe(`${name}: the StuckRecords contract`, () => {
    let under: StuckRecordsUnderTest;
    beforeAll(async () => {
      under = await make();
    });
    const tenant = () => `s-${randomUUID().slice(0, 8)}`;
    let sequence = 0;
    const record = (status: BillingRunAction['status'], changed: string) =>
      storedRecord({ id: `k-${randomUUID().slice(0, 6)}-${++sequence}`, status, sys_last_modified_at: changed });
    /** The pages of one tenant's keys each, the legacy index's first (the adapter's, empty here) left out. */
    const walk = async (tenantIds: string[], pageSize = 500) => {
      const pages: StuckRecordKey[][] = [];
      for await (const page of under.stuck.changedBefore(tenantIds, CUTOFF, pageSize)) pages.push(page);
      return pages;
    };

    it("finds each tenant's live records in processing changed before the cut-off, and no other", async () => {
      const [a, b] = [tenant(), tenant()];
      const stuck = [record('processing', '2026-11-01T00:00:00Z'), record('processing', '2026-11-02T00:00:00Z')];
      await under.repository.create(a, stuck[0] as BillingRunAction);
      await under.repository.create(b, stuck[1] as BillingRunAction);
      await under.repository.create(a, record('processing', '2026-11-20T00:00:00Z'));
      await under.repository.create(a, record('completed', '2026-11-01T00:00:00Z'));
      const deleted = record('processing', '2026-11-03T00:00:00Z');
      await under.repository.create(b, deleted);
      const gone = { ...deleted, sys_version: deleted.sys_version + 1, sys_deleted_by_id: 'u1', sys_deleted_at: '2026-11-04T00:00:00Z' };
      await under.repository.softDelete(b, { record: gone, expiresAt: 2_000_000_000 }, deleted.sys_version);
      const keys = (await walk([a, b])).flat();
      expect(keys).toEqual(
        expect.arrayContaining([
          { tenantId: a, id: stuck[0]?.id },
          { tenantId: b, id: stuck[1]?.id },
        ]),
      );
      expect(keys).toHaveLength(2);
    });

    it('gives every tenant a page in turn, each of one tenant, round after round', async () => {
      const [busy, quiet, empty] = [tenant(), tenant(), tenant()];
      for (let n = 0; n < 40; n++) await under.repository.create(busy, record('processing', '2026-11-01T00:00:00Z'));
      await under.repository.create(quiet, record('processing', '2026-11-01T00:00:00Z'));
      const pages = (await walk([busy, quiet, empty], 16)).filter((page) => page.length > 0);
      expect(pages.every((page) => new Set(page.map((key) => key.tenantId)).size === 1 && page.length <= 16)).toBe(true);
      // The quiet tenant's record comes in the first round, before the busy tenant's backlog is through.
      expect(pages.findIndex((page) => page[0]?.tenantId === quiet)).toBe(1);
      expect(pages.flat().filter((key) => key.tenantId === busy)).toHaveLength(40);
    });
  });
}
