import { describe, expect, it } from 'vitest';
import type { BillingRunAction } from '../../lambdas/domain/record-schema.ts';
import type { StuckRecords } from '../../lambdas/ports/stuck-records.ts';
import { SWEEPER_PRINCIPAL, type SweepDependencies, sweepStuckProcessing } from '../../lambdas/use-cases/sweep-stuck-processing.ts';
import { storedRecord } from '../support/fixtures.ts';
import { inMemoryRepository } from '../support/in-memory-repository.ts';
import { inMemoryOpenExecutions } from '../support/in-memory-open-executions.ts';

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

/**
 * An index that lists these ids of each tenant whatever their records hold now, as an index that lags
 * may (the sweep reads each record before it acts): a page of `pageSize` at most, each tenant in turn.
 */
const listing = (ids: Record<string, string[]>, walked: string[][] = []): StuckRecords => ({
  async *changedBefore(tenantIds, _before, pageSize) {
    walked.push([...tenantIds]);
    for (const tenantId of tenantIds) {
      const listed = ids[tenantId] ?? [];
      for (let at = 0; at === 0 || at < listed.length; at += pageSize) {
        yield listed.slice(at, at + pageSize).map((id) => ({ tenantId, id }));
      }
    }
  },
});

const sweep = (deps: Pick<SweepDependencies, 'repository' | 'stuck'> & Partial<SweepDependencies>) =>
  sweepStuckProcessing({
    tenants: { everAdded: async () => ['t1', 't2'] },
    executions: inMemoryOpenExecutions(),
    clock: () => now,
    stuckAfterMs: 25 * HOUR,
    requestId: 'sweep-1',
    remainingMs: () => 300_000,
    ...deps,
  });

describe('the sweep of records stuck in processing', () => {
  it('moves every tenant’s records in processing past the timeout and margin to error, each its own, and leaves the rest', async () => {
    const { repository, records } = inMemoryRepository({
      tenant: 't1',
      records: [
        record('stuck', 'processing', hoursAgo(26)),
        record('recent', 'processing', hoursAgo(1)),
        record('done', 'completed', hoursAgo(30)),
      ],
    });
    await repository.create('t2', record('stuck-2', 'processing', hoursAgo(27)));
    const result = await sweep({ repository, stuck: listing({ t1: ['stuck', 'recent', 'done', 'gone'], t2: ['stuck-2'] }) });

    expect(result).toEqual({ swept: 2, skipped: 3, backlogLeft: false, placesClosed: 0 });
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
    expect(await repository.get('t2', 'stuck-2')).toMatchObject({ status: 'error', sys_last_security_context: { tenant: 't2' } });
    expect(records.get('recent')?.status).toBe('processing');
    expect(records.get('done')?.status).toBe('completed');
  });

  it('reads each record it found consistently, and leaves one that another writer changed after that read', async () => {
    const { repository, records } = inMemoryRepository({ tenant: 't1', records: [record('raced', 'processing', hoursAgo(30))] });
    const reads: unknown[] = [];
    const racing = {
      ...repository,
      get: async (tenantId: string, id: string, options?: { consistentRead?: boolean }) => {
        reads.push(options);
        const read = await repository.get(tenantId, id, options);
        records.set(id, { ...(read as BillingRunAction), status: 'completed', sys_version: 4 });
        return read;
      },
    };
    const result = await sweep({ repository: racing, stuck: listing({ t1: ['raced'] }) });
    expect(result).toEqual({ swept: 0, skipped: 1, backlogLeft: false, placesClosed: 0 });
    expect(reads).toEqual([{ consistentRead: true }]);
    expect(records.get('raced')?.status).toBe('completed');
  });

  it('works through a backlog of many pages in one run, and stops starting pages when its time runs short', async () => {
    const backlog = () =>
      Array.from({ length: 1_200 }, (_, index) => record(`stuck-${String(index).padStart(4, '0')}`, 'processing', hoursAgo(30)));
    const ids = { t1: backlog().map((each) => each.id) };
    const whole = inMemoryRepository({ tenant: 't1', records: backlog() });
    expect(await sweep({ repository: whole.repository, stuck: listing(ids) })).toEqual({
      swept: 1_200,
      skipped: 0,
      backlogLeft: false,
      placesClosed: 0,
    });
    expect([...whole.records.values()].every((stored) => stored.status === 'error')).toBe(true);

    const short = inMemoryRepository({ tenant: 't1', records: backlog() });
    let left = 100_000;
    const remainingMs = () => (left -= 60_000);
    const result = await sweep({
      repository: short.repository,
      stuck: listing(ids),
      tenants: { everAdded: async () => ['t1'] },
      remainingMs,
    });
    expect(result).toEqual({ swept: 500, skipped: 0, backlogLeft: true, placesClosed: 0 });
  });

  it('walks every tenant the registry ever added, each run beginning with another (none always last)', async () => {
    const { repository } = inMemoryRepository();
    const tenants = ['acme', 'globex', 'initech', 'removed-corp'];
    const walked: string[][] = [];
    for (const requestId of ['r1', 'r2', 'r3', 'r4', 'r5', 'r6']) {
      await sweep({ repository, stuck: listing({}, walked), tenants: { everAdded: async () => tenants }, requestId });
    }
    for (const order of walked) expect([...order].sort()).toEqual(tenants);
    expect(new Set(walked.map((order) => order[0])).size).toBeGreaterThan(1);
  });

  it('closes the places of executions opened before the cut-off, which have ended whatever became of their event, and no other', async () => {
    let openedAt = hoursAgo(26);
    const executions = inMemoryOpenExecutions(() => new Date(openedAt));
    await executions.open('t1', 'lost-end', 10);
    await executions.open('t2', 'lost-end-2', 10);
    openedAt = hoursAgo(2);
    await executions.open('t1', 'running', 10);
    const result = await sweep({ repository: inMemoryRepository({ tenant: 't1' }).repository, stuck: listing({}), executions });
    expect(result).toMatchObject({ placesClosed: 2, backlogLeft: false });
    expect([executions.names('t1'), executions.names('t2')]).toEqual([['running'], []]);
  });
});
