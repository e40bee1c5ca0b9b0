import { startsKept } from './in-memory-starts.ts';
import { LOOKUPS } from '../../lambdas/domain/billing-run-action.ts';
import type { BillingRunAction } from '../../lambdas/domain/record-schema.ts';
import {
  Conflict,
  type ServiceError,
  TenantLimitReached,
  VersionConflict,
  notFound,
  outOfTime,
  tenantNotProvisioned,
  writeOutcomeUnknown,
} from '../../lambdas/domain/errors.ts';
import { fixedCursorKeys } from '../../lambdas/adapters/local/fixed-cursor-keys.ts';
import type { BillingRunActionRepository } from '../../lambdas/ports/billing-run-action-repository.ts';
import type { With } from '../../lambdas/use-cases/dependencies.ts';

/** What the tests hand the use cases: every dependency but the bulk loads (their tests build their own). */
export type TestDependencies = With<'cursorKeys' | 'processing'>;

/** A tenant the in-memory repository knows: provisioned, with at most `maxActions` live records when given. */
interface InMemoryTenant {
  id: string;
  maxActions?: number;
}

interface InMemoryOptions {
  /** Records already stored, live, in the tenant `tenant`. */
  records?: BillingRunAction[];
  /** The tenant whose stored records `records` holds, and of the initial records; tenant-a by default. */
  tenant?: string;
  /** The provisioned tenants; by default every tenant is, without a limit. */
  tenants?: InMemoryTenant[];
  /** A pause in every call, so that calls overlap. */
  latencyMs?: number;
  /** A pause in every write (replace, soft delete) instead, when given: a slow storage for the tests of a deadline. */
  writeLatencyMs?: number;
}

/**
 * A repository stand-in that keeps the port's contract as the DynamoDB adapter does (the contract suite
 * in test/contract runs on both): records are a tenant's own, writes are conditional on the version
 * read, a soft-deleted record is kept (out of reads and lists, its id still taken), creates count
 * against the tenant's limit, and an Idempotency-Key claim replays. It records every call and the peak
 * of calls in flight.
 */
export function inMemoryRepository(options: InMemoryOptions = {}) {
  const { tenant: home = 'tenant-a', latencyMs = 0, writeLatencyMs = latencyMs } = options;
  /** Each tenant's stored records by id, deleted ones included (they carry sys_deleted_by_id). */
  const stored = new Map<string, Map<string, BillingRunAction>>();
  const storedOf = (tenantId: string) => {
    let records = stored.get(tenantId);
    if (!records) stored.set(tenantId, (records = new Map()));
    return records;
  };
  const records = storedOf(home);
  for (const record of options.records ?? []) records.set(record.id, record);
  const claims = new Map<string, { bodyHash: string; expiresAt: number; record: BillingRunAction }>();
  const provisioned = options.tenants && new Map(options.tenants.map((known) => [known.id, known]));
  const isLive = (record: BillingRunAction | undefined): record is BillingRunAction =>
    record !== undefined && record.sys_deleted_by_id === undefined;
  /** Throws what the adapter's failed condition becomes unless the record is live at the version expected. */
  const liveAt = (tenantId: string, id: string, expected: number): void => {
    const current = storedOf(tenantId).get(id);
    if (!isLive(current)) throw notFound(id);
    if (current.sys_version !== expected) {
      throw new VersionConflict(
        `Billing run action '${id}' was changed by another request (version ${current.sys_version}); read it again and retry`,
      );
    }
  };
  const log: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  /**
   * One call: it pauses, then works. With a deadline's signal it keeps the port's CallDeadline as the
   * adapter does: refused before it starts once the signal has aborted (out of time), abandoned in its
   * pause when it aborts then (`cutOff`: out of time for a read, an unknown outcome for a write; here
   * the work never happens, which the caller cannot tell).
   */
  const call = async <T>(
    entry: string,
    work: () => T,
    pause = latencyMs,
    deadline?: { signal: AbortSignal | undefined; id: string; cutOff: () => ServiceError },
  ): Promise<T> => {
    const signal = deadline?.signal;
    if (deadline && signal?.aborted) throw outOfTime(deadline.id);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    log.push(entry);
    try {
      if (pause > 0) {
        await new Promise<void>((resolve, reject) => {
          const cut = () => {
            clearTimeout(timer);
            reject(deadline?.cutOff());
          };
          const timer = setTimeout(() => {
            signal?.removeEventListener('abort', cut);
            resolve();
          }, pause);
          signal?.addEventListener('abort', cut, { once: true });
        });
      }
    } finally {
      inFlight--;
    }
    return work();
  };
  const readDeadline = (id: string, signal: AbortSignal | undefined) => ({ signal, id, cutOff: () => outOfTime(id) });
  const writeDeadline = (id: string, signal: AbortSignal | undefined) => ({ signal, id, cutOff: () => writeOutcomeUnknown(id) });
  const repository: BillingRunActionRepository = {
    get: (tenantId, id, options = {}) =>
      call(
        `get ${id}`,
        () => {
          const record = storedOf(tenantId).get(id);
          return isLive(record) ? record : undefined;
        },
        latencyMs,
        readDeadline(id, options.signal),
      ),
    create: (tenantId, record, idempotency) =>
      call(`create ${record.id}`, () => {
        const claimKey = idempotency && `${tenantId}#${idempotency.key}`;
        const claim = claimKey === undefined ? undefined : claims.get(claimKey);
        if (idempotency && claim && claim.expiresAt >= idempotency.now) {
          if (claim.bodyHash !== idempotency.bodyHash) {
            throw new Conflict(`Idempotency-Key '${idempotency.key}' was already used with a different body`);
          }
          return { record: claim.record, replayed: true };
        }
        const tenantRecords = storedOf(tenantId);
        if (tenantRecords.has(record.id)) throw new Conflict(`Billing run action '${record.id}' already exists`);
        const known = provisioned?.get(tenantId);
        if (provisioned && !known) throw tenantNotProvisioned(tenantId);
        const live = [...tenantRecords.values()].filter(isLive).length;
        if (known?.maxActions !== undefined && live >= known.maxActions) throw new TenantLimitReached(tenantId, known.maxActions);
        tenantRecords.set(record.id, record);
        if (idempotency && claimKey) claims.set(claimKey, { bodyHash: idempotency.bodyHash, expiresAt: idempotency.expiresAt, record });
        return { record, replayed: false };
      }),
    replace: (tenantId, record, expected, options = {}) =>
      call(
        `replace ${record.id} ${record.name}`,
        () => {
          liveAt(tenantId, record.id, expected);
          storedOf(tenantId).set(record.id, record);
        },
        writeLatencyMs,
        writeDeadline(record.id, options.signal),
      ),
    softDelete: (tenantId, { record }, expected, options = {}) =>
      call(
        `delete ${record.id}`,
        () => {
          liveAt(tenantId, record.id, expected);
          storedOf(tenantId).set(record.id, record);
        },
        writeLatencyMs,
        writeDeadline(record.id, options.signal),
      ),
    list: (tenantId, lookup, value, page) =>
      call(`list ${lookup} ${value}`, () => {
        const matching = [...storedOf(tenantId).values()]
          .filter(
            (record) =>
              isLive(record) &&
              record[LOOKUPS[lookup]] === value &&
              (page.status === undefined || record.status === page.status) &&
              (page.afterId === undefined || record.id > page.afterId),
          )
          .sort((a, b) => (a.id < b.id ? -1 : 1));
        const items = matching.slice(0, page.limit);
        return matching.length > page.limit ? { items, lastId: items.at(-1)?.id } : { items };
      }),
  };
  /** `records`: the stored records of the tenant `tenant` by id, deleted ones included, as a table holds them. */
  /** A tenant's stored records, deleted ones included, as the processing index would see them. */
  const storedRecords = (tenantId: string): BillingRunAction[] => [...storedOf(tenantId).values()];
  return { repository, log, records, storedRecords, maxInFlight: () => maxInFlight };
}

/** The use cases' dependencies on a repository of the tests: a processor whose starts are only kept unless one is handed in, fixed cursor keys. */
export function dependencies(repository: BillingRunActionRepository, overrides: Partial<TestDependencies> = {}): TestDependencies {
  let sequence = 0;
  return {
    repository,
    clock: () => new Date('2026-11-29T00:00:00Z'),
    newId: () => `new-${++sequence}`,
    cursorKeys: fixedCursorKeys('s'),
    processing: startsKept(),
    deletedRetentionDays: 30,
    batchConcurrency: 10,
    storageAttemptMs: 2_500,
    count: () => undefined,
    reportError: () => undefined,
    ...overrides,
  };
}
