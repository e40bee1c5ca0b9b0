import { LOOKUPS } from '../../lambdas/domain/billing-run-action.ts';
import type { BillingRunAction } from '../../lambdas/domain/record-schema.ts';
import { Conflict, VersionConflict, notFound } from '../../lambdas/domain/errors.ts';
import { fixedCursorKeys } from '../../lambdas/adapters/local/fixed-cursor-keys.ts';
import type { BillingRunActionRepository } from '../../lambdas/ports/billing-run-action-repository.ts';
import type { With } from '../../lambdas/use-cases/dependencies.ts';

/** What the tests hand the use cases: every dependency but the bulk loads (their tests build their own). */
export type TestDependencies = With<'cursorKeys' | 'processing'>;

/** A repository stand-in with the port's conditional semantics and lookups, recording every call and the peak in flight. */
export function inMemoryRepository(initial: BillingRunAction[] = [], latencyMs = 0) {
  const records = new Map(initial.map((record) => [record.id, record]));
  const log: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const call = async <T>(entry: string, work: () => T): Promise<T> => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    log.push(entry);
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    inFlight--;
    return work();
  };
  const repository: BillingRunActionRepository = {
    get: (_tenant, id) => call(`get ${id}`, () => records.get(id)),
    create: (_tenant, record) =>
      call(`create ${record.id}`, () => {
        if (records.has(record.id)) throw new Conflict(`Billing run action '${record.id}' already exists`);
        records.set(record.id, record);
        return { record, replayed: false };
      }),
    replace: (_tenant, record, expected) =>
      call(`replace ${record.id} ${record.name}`, () => {
        const current = records.get(record.id);
        if (!current) throw notFound(record.id);
        if (current.sys_version !== expected) throw new VersionConflict('raced');
        records.set(record.id, record);
      }),
    softDelete: (_tenant, { record }) => call(`delete ${record.id}`, () => void records.delete(record.id)),
    list: (_tenant, lookup, value, page) =>
      call(`list ${lookup} ${value}`, () => {
        const matching = [...records.values()]
          .filter((record) => record[LOOKUPS[lookup]] === value && (page.afterId === undefined || record.id > page.afterId))
          .sort((a, b) => (a.id < b.id ? -1 : 1));
        const items = matching.slice(0, page.limit);
        return matching.length > page.limit ? { items, lastId: items.at(-1)?.id } : { items };
      }),
  };
  return { repository, log, records, maxInFlight: () => maxInFlight };
}

/** The use cases' dependencies on a repository of the tests: no processor unless one is handed in, fixed cursor keys. */
export function dependencies(repository: BillingRunActionRepository, overrides: Partial<TestDependencies> = {}): TestDependencies {
  let sequence = 0;
  return {
    repository,
    clock: () => new Date('2026-11-29T00:00:00Z'),
    newId: () => `new-${++sequence}`,
    cursorKeys: fixedCursorKeys('s'),
    processing: undefined,
    deletedRetentionDays: 30,
    batchConcurrency: 10,
    count: () => undefined,
    reportError: () => undefined,
    ...overrides,
  };
}
