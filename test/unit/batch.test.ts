import { describe, expect, it } from 'vitest';
import type { BillingRunActionRepository } from '../../lambdas/ports/billing-run-action-repository.ts';
import { batchBillingRunActions } from '../../lambdas/use-cases/batch-billing-run-actions.ts';
import { caller, storedRecord } from '../support/fixtures.ts';
import { dependencies, inMemoryRepository } from '../support/in-memory-repository.ts';

const instrumentedRepository = (ids: string[]) => inMemoryRepository({ records: ids.map((id) => storedRecord({ id })), latencyMs: 2 });
const deps = (repository: BillingRunActionRepository, batchConcurrency: number) => dependencies(repository, { batchConcurrency });

describe('batchBillingRunActions', () => {
  it('never runs more distinct ids at once than its concurrency allows', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `id-${i}`);
    const stand = instrumentedRepository(ids);
    const result = await batchBillingRunActions(deps(stand.repository, 7), caller(), {
      operations: ids.map((id) => ({ op: 'patch', id, patch: [{ op: 'replace', path: '/name', value: `n-${id}` }] })),
    });
    expect(result.success_count).toBe(40);
    expect(stand.maxInFlight()).toBeGreaterThan(1);
    expect(stand.maxInFlight()).toBeLessThanOrEqual(7);
  });

  it('runs the operations on one id strictly in order, interleaved with other ids', async () => {
    const stand = instrumentedRepository(['a', 'b']);
    const operations = [
      { op: 'patch', id: 'a', patch: [{ op: 'replace', path: '/name', value: 'a1' }] },
      { op: 'patch', id: 'b', patch: [{ op: 'replace', path: '/name', value: 'b1' }] },
      { op: 'patch', id: 'a', patch: [{ op: 'replace', path: '/name', value: 'a2' }] },
      { op: 'delete', id: 'a' },
      { op: 'patch', id: 'a', patch: [{ op: 'replace', path: '/name', value: 'a3' }] },
    ];
    const result = await batchBillingRunActions(deps(stand.repository, 10), caller(), { operations });
    expect(result.results.map((r) => [r.id, r.op, r.status])).toEqual([
      ['a', 'patch', 200],
      ['b', 'patch', 200],
      ['a', 'patch', 200],
      ['a', 'delete', 200],
      ['a', 'patch', 404],
    ]);
    const writesOfA = stand.log.filter((entry) => /^(replace|delete) a/.test(entry));
    expect(writesOfA).toEqual(['replace a a1', 'replace a a2', 'delete a']);
  });

  it('reports an unexpected failure of one operation as its 500 and finishes the rest', async () => {
    const stand = instrumentedRepository(['ok', 'boom']);
    const failing: BillingRunActionRepository = {
      ...stand.repository,
      get: (tenant, id, options) => (id === 'boom' ? Promise.reject(new Error('network down')) : stand.repository.get(tenant, id, options)),
    };
    const reported: unknown[] = [];
    const result = await batchBillingRunActions(
      { ...deps(failing, 5), reportError: (error) => reported.push(error) },
      caller({ requestId: 'r-9' }),
      {
        operations: [
          { op: 'delete', id: 'boom' },
          { op: 'delete', id: 'ok' },
        ],
      },
    );
    expect(result.results).toEqual([
      { id: 'boom', op: 'delete', status: 500, error: { message: 'Internal server error (request id r-9)' } },
      { id: 'ok', op: 'delete', status: 200 },
    ]);
    expect(reported).toHaveLength(1);
  });
});
