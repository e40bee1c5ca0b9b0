import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REQUEST_TIMEOUT_MS } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { VersionConflict } from '../../lambdas/domain/errors.ts';
import { FUNCTION_TIMEOUT_SECONDS } from '../../lib/stack/api-settings.ts';
import type { BillingRunActionRepository } from '../../lambdas/ports/billing-run-action-repository.ts';
import { batchAnswer } from '../../lambdas/http/batch-answer.ts';
import { ANSWER_MS, batchBillingRunActions } from '../../lambdas/use-cases/batch-billing-run-actions.ts';
import { caller, storedRecord } from '../support/fixtures.ts';
import { dependencies, inMemoryRepository } from '../support/in-memory-repository.ts';

const instrumentedRepository = (ids: string[]) => inMemoryRepository({ records: ids.map((id) => storedRecord({ id })), latencyMs: 2 });
const deps = (repository: BillingRunActionRepository, batchConcurrency: number) => dependencies(repository, { batchConcurrency });
/** The batch as its handler answers it: the use case's outcomes, each with its status. */
const runBatch = async (...args: Parameters<typeof batchBillingRunActions>) =>
  batchAnswer(await batchBillingRunActions(...args), args[1].requestId);
/** A Lambda function's 10 s, as the context tells a new invocation. */
const plentyOfTime = () => 10_000;
const rename = (id: string, name: string) => ({ op: 'patch', id, patch: [{ op: 'replace', path: '/name', value: name }] });

describe('batchBillingRunActions', () => {
  it('never runs more distinct ids at once than its concurrency allows', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `id-${i}`);
    const stand = instrumentedRepository(ids);
    const result = await runBatch(
      deps(stand.repository, 7),
      caller(),
      {
        operations: ids.map((id) => ({ op: 'patch', id, patch: [{ op: 'replace', path: '/name', value: `n-${id}` }] })),
      },
      plentyOfTime,
    );
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
    const result = await runBatch(deps(stand.repository, 10), caller(), { operations }, plentyOfTime);
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
    const result = await runBatch(
      { ...deps(failing, 5), reportError: (error) => reported.push(error) },
      caller({ requestId: 'r-9' }),
      {
        operations: [
          { op: 'delete', id: 'boom' },
          { op: 'delete', id: 'ok' },
        ],
      },
      plentyOfTime,
    );
    expect(result.results).toEqual([
      { id: 'boom', op: 'delete', status: 500, error: { message: 'Internal server error (request id r-9)' } },
      { id: 'ok', op: 'delete', status: 200 },
    ]);
    expect(reported).toHaveLength(1);
  });
});

/**
 * A batch keeps within its invocation's time: its deadline comes from the time left (`remainingMs`),
 * less ANSWER_MS for the answer (the cut, when storage calls in flight are abandoned), less one storage
 * attempt before that (the stop, after which nothing new starts). Here storage is slow and the time
 * left short, as a batch of many operations on one id meets in a busy table.
 */
describe('batchBillingRunActions within its deadline', () => {
  it('answers the operations it finished 200 and those it had no time to start 429, nothing changed for them', async () => {
    // Every call takes 50 ms, so each patch 100 ms, one after another on one id: 30 of them would take 3 s.
    const stand = inMemoryRepository({ records: [storedRecord({ id: 'a' })], latencyMs: 50 });
    const operations = Array.from({ length: 30 }, (_, i) => rename('a', `a${i}`));
    // Stop 500 ms from now, cut 1,000 ms from now, and the function's end at 2,000 ms.
    const remainingMs = ANSWER_MS + 1_000;
    const started = performance.now();
    const result = await runBatch(dependencies(stand.repository, { storageAttemptMs: 500 }), caller(), { operations }, () => remainingMs);
    expect(performance.now() - started).toBeLessThan(remainingMs);

    const statuses = result.results.map((r) => r.status);
    const applied = statuses.filter((status) => status === 200).length;
    expect(applied).toBeGreaterThan(0);
    // In request order: the ones that ran, then the ones not run; nothing of unknown outcome, as every write ended before the cut.
    expect(statuses).toEqual([...Array(applied).fill(200), ...Array(30 - applied).fill(429)]);
    expect(applied).toBeLessThan(30);
    for (const notRun of result.results.slice(applied)) {
      expect(notRun).toEqual({
        id: 'a',
        op: 'patch',
        status: 429,
        error: { message: 'Not run: the batch ran out of time; nothing was changed; retry it' },
      });
    }
    expect(result).toMatchObject({ success_count: applied, error_count: 30 - applied });
    // What 200 says was applied, was; what 429 says was not, was not.
    expect(stand.log.filter((entry) => entry.startsWith('replace'))).toEqual(operations.slice(0, applied).map((_, i) => `replace a a${i}`));
    expect(stand.records.get('a')).toMatchObject({ name: `a${applied - 1}`, sys_version: 1 + applied });
  });

  it('abandons a write still in flight at the cut and answers it 503, its outcome unknown, never as not applied', async () => {
    // Reads answer at once; a write takes a minute, far past the whole deadline.
    const stand = inMemoryRepository({ records: [storedRecord({ id: 'a' }), storedRecord({ id: 'b' })], writeLatencyMs: 60_000 });
    const remainingMs = ANSWER_MS + 400;
    const started = performance.now();
    const result = await runBatch(
      dependencies(stand.repository, { storageAttemptMs: 200 }),
      caller(),
      { operations: [rename('a', 'a1'), rename('a', 'a2'), { op: 'delete', id: 'b' }] },
      () => remainingMs,
    );
    expect(performance.now() - started).toBeLessThan(remainingMs);
    expect(result.results.map((r) => [r.id, r.status])).toEqual([
      ['a', 503],
      ['a', 429],
      ['b', 503],
    ]);
    expect(result.results[0]?.error?.message).toMatch(
      /still in flight when the request ran out of time: it may or may not have been applied; read the record/,
    );
    expect(result.results[1]?.error?.message).toMatch(/^Not run: the batch ran out of time/);
    // The second patch of a never reached storage: the stop had passed when the first was abandoned.
    expect([...stand.log].sort()).toEqual(['delete b', 'get a', 'get b', 'replace a a1']);
  });

  it('stops retrying a lost race at the stop: 429, nothing changed, and the rest of its id not run', async () => {
    const stand = inMemoryRepository({ records: [storedRecord({ id: 'a' })] });
    // Another writer always gets there first: on its own, the patch would retry for 5 s (RETRY_POLICIES.writeRace).
    const alwaysRaced: BillingRunActionRepository = {
      ...stand.repository,
      replace: () => Promise.reject(new VersionConflict("Billing run action 'a' was changed by another request")),
    };
    const remainingMs = ANSWER_MS + 500;
    const started = performance.now();
    const result = await runBatch(
      dependencies(alwaysRaced, { storageAttemptMs: 300 }),
      caller(),
      { operations: [rename('a', 'a1'), rename('a', 'a2')] },
      () => remainingMs,
    );
    expect(performance.now() - started).toBeLessThan(remainingMs);
    expect(result.results).toEqual([
      {
        id: 'a',
        op: 'patch',
        status: 429,
        error: { message: "Billing run action 'a' was not changed: the request ran out of time first; retry it" },
      },
      { id: 'a', op: 'patch', status: 429, error: { message: 'Not run: the batch ran out of time; nothing was changed; retry it' } },
    ]);
    expect(stand.records.get('a')).toMatchObject({ sys_version: 1 });
  });

  it('runs nothing when the invocation has less time left than an answer needs', async () => {
    const stand = inMemoryRepository({ records: [storedRecord({ id: 'a' })] });
    const result = await runBatch(
      dependencies(stand.repository),
      caller(),
      { operations: [rename('a', 'a1'), { op: 'delete', id: 'b' }] },
      () => ANSWER_MS / 2,
    );
    expect(result.results.map((r) => r.status)).toEqual([429, 429]);
    expect(stand.log).toEqual([]);
  });

  it('is stated in docs/api.md with the margins the code keeps', () => {
    const docs = readFileSync(resolve(import.meta.dirname, '../../docs/api.md'), 'utf8').replace(/\s+/g, ' ');
    const seconds = (ms: number) => `${ms / 1000} s`;
    expect(docs).toContain(`It stops waiting on storage ${seconds(ANSWER_MS)} before the timeout`);
    expect(docs).toContain(`one storage attempt (${seconds(REQUEST_TIMEOUT_MS)}, the SDK's timeout for one)`);
    const stopAt = FUNCTION_TIMEOUT_SECONDS * 1000 - ANSWER_MS - REQUEST_TIMEOUT_MS;
    expect(docs).toContain(`${seconds(stopAt)} into a ${FUNCTION_TIMEOUT_SECONDS} s invocation`);
  });
});
