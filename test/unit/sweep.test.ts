import { describe, expect, it } from 'vitest';
import type { BillingRunAction } from '../../lambdas/domain/record-schema.ts';
import type { StuckRecords } from '../../lambdas/ports/stuck-records.ts';
import { SWEEPER_PRINCIPAL, sweepStuckProcessing } from '../../lambdas/use-cases/sweep-stuck-processing.ts';
import { storedRecord } from '../support/fixtures.ts';
import { inMemoryRepository } from '../support/in-memory-repository.ts';

const HOUR = 3_600_000;
const now = new Date('2026-11-30T12:00:00Z');
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * HOUR).toISOString();
const record = (id: string, status: BillingRunAction['status'], changed: string): BillingRunAction =>
  storedRecord({
    id,
    status,
    sys_version: 3,
    sys_created_at: hoursAgo(48),
    sys_created_by_id: 'u',
    sys_last_modified_at: changed,
    sys_last_modified_by_id: 'u',
  });

/** The sweep's query over the in-memory records: in processing, changed before the cut-off. */
const stuckIn = (records: Map<string, BillingRunAction>): StuckRecords => ({
  changedBefore: async (before, limit) =>
    [...records.values()]
      .filter((candidate) => candidate.status === 'processing' && candidate.sys_last_modified_at < before)
      .slice(0, limit)
      .map((candidate) => ({ tenantId: 't1', record: candidate })),
});

describe('the sweep of records stuck in processing', () => {
  it('moves records in processing past the timeout and margin to error, conditionally, and leaves the rest', async () => {
    const { repository, records } = inMemoryRepository({
      tenant: 't1',
      records: [
        record('stuck', 'processing', hoursAgo(26)),
        record('recent', 'processing', hoursAgo(1)),
        record('done', 'completed', hoursAgo(30)),
      ],
    });
    const result = await sweepStuckProcessing({
      repository,
      stuck: stuckIn(records),
      clock: () => now,
      stuckAfterMs: 25 * HOUR,
      requestId: 'sweep-1',
      remainingMs: () => 300_000,
    });
    expect(result).toEqual({ swept: 1, skipped: 0, backlogLeft: false });
    const swept = records.get('stuck') as BillingRunAction;
    expect(swept).toMatchObject({
      status: 'error',
      error_message: expect.stringContaining('stayed in processing since'),
      sys_version: 4,
      sys_last_modified_at: now.toISOString(),
      sys_last_modified_by_id: SWEEPER_PRINCIPAL,
      sys_created_at: hoursAgo(48),
    });
    expect(swept.sys_last_security_context).toMatchObject({ principal: SWEEPER_PRINCIPAL, request_id: 'sweep-1', tenant: 't1' });
    expect(records.get('recent')?.status).toBe('processing');
    expect(records.get('done')?.status).toBe('completed');
  });

  it('leaves a record that another writer changed after it was read', async () => {
    const { repository, records } = inMemoryRepository({ tenant: 't1', records: [record('raced', 'processing', hoursAgo(30))] });
    const stale: StuckRecords = {
      changedBefore: async () => {
        const read = records.get('raced') as BillingRunAction;
        records.set('raced', { ...read, status: 'completed', sys_version: 4 });
        return [{ tenantId: 't1', record: read }];
      },
    };
    const result = await sweepStuckProcessing({
      repository,
      stuck: stale,
      clock: () => now,
      stuckAfterMs: 25 * HOUR,
      requestId: 'r',
      remainingMs: () => 300_000,
    });
    expect(result).toEqual({ swept: 0, skipped: 1, backlogLeft: false });
    expect(records.get('raced')?.status).toBe('completed');
  });

  it('works through a backlog of many pages in one run, and stops starting pages when its time runs short', async () => {
    const backlog = () =>
      Array.from({ length: 1_200 }, (_, index) => record(`stuck-${String(index).padStart(4, '0')}`, 'processing', hoursAgo(30)));
    const whole = inMemoryRepository({ tenant: 't1', records: backlog() });
    const run = (stores: typeof whole, remainingMs: () => number) =>
      sweepStuckProcessing({
        repository: stores.repository,
        stuck: stuckIn(stores.records),
        clock: () => now,
        stuckAfterMs: 25 * HOUR,
        requestId: 'r',
        remainingMs,
      });
    expect(await run(whole, () => 300_000)).toEqual({ swept: 1_200, skipped: 0, backlogLeft: false });
    expect([...whole.records.values()].every((stored) => stored.status === 'error')).toBe(true);

    const short = inMemoryRepository({ tenant: 't1', records: backlog() });
    let left = 100_000;
    const result = await run(short, () => (left -= 60_000));
    expect(result).toEqual({ swept: 500, skipped: 0, backlogLeft: true });
  });
});
