import { describe, expect, it } from 'vitest';
import { METRIC, type MetricName } from '../../lambdas/domain/metric-names.ts';
import { executionName, processorExecutions } from '../../lambdas/domain/processing.ts';
import type { BillingRunAction } from '../../lambdas/domain/record-schema.ts';
import { OPEN_EXECUTIONS_BY_TIER } from '../../lambdas/domain/tenant.ts';
import type { BillingRunActionRepository } from '../../lambdas/ports/billing-run-action-repository.ts';
import type { ProcessingInput, QueuedStart } from '../../lambdas/ports/processing-starter.ts';
import type { Registration } from '../../lambdas/ports/tenant-registry.ts';
import { closeEndedExecution } from '../../lambdas/use-cases/close-ended-execution.ts';
import { deferralDelaySeconds, startQueuedBatch, tierCaps } from '../../lambdas/use-cases/start-queued-processing.ts';
import { storedRecord } from '../support/fixtures.ts';
import { inMemoryOpenExecutions } from '../support/in-memory-open-executions.ts';
import { dependencies } from '../support/in-memory-repository.ts';

const executions = processorExecutions('arn:aws:states:eu-west-1:123456789012:stateMachine:processor');
const start = (tenantId: string, id: string): QueuedStart => ({
  name: executionName(tenantId, id, 1),
  tenantId,
  id,
  type: 'send renewal reminder',
});

/** The starter over records that all wait for their start, a processor that starts anything, and caps of 2 (busy) and 10 (the others). */
function starter() {
  const started: ProcessingInput[] = [];
  const deferred: { start: QueuedStart; delaySeconds: number }[] = [];
  const counted: MetricName[] = [];
  const open = inMemoryOpenExecutions();
  const repository = {
    get: async (tenantId: string, id: string): Promise<BillingRunAction> =>
      storedRecord({ id, status: 'processing', step_function_execution_arn: executions.executionArnFor(executionName(tenantId, id, 1)) }),
  } as unknown as BillingRunActionRepository;
  const deps = {
    ...dependencies(repository, { count: (metric) => counted.push(metric) }),
    processor: { ...executions, start: async (_name: string, input: ProcessingInput) => void started.push(input) },
    executions: open,
    capOf: async (tenantId: string) => (tenantId === 'busy' ? 2 : 10),
    queue: { defer: async (queued: QueuedStart, delaySeconds: number) => void deferred.push({ start: queued, delaySeconds }) },
  };
  const deliver = (starts: QueuedStart[]) =>
    startQueuedBatch(
      deps,
      starts.map((queued, n) => ({ id: `m-${n}`, start: queued })),
      { requestId: 'r-1' },
    );
  return { deps, started, deferred, counted, open, deliver };
}

describe("a tenant's cap of open processing executions", () => {
  it('defers the starts of a tenant at its cap, and no other tenant’s', async () => {
    const { started, deferred, counted, open, deliver } = starter();
    expect(await deliver([start('busy', 'b-1'), start('busy', 'b-2')])).toEqual({ again: [] });
    const answer = await deliver([start('busy', 'b-3'), start('quiet', 'q-1'), start('busy', 'b-4'), start('other', 'o-1')]);
    // Deferred starts went back to the queue as new messages: none of the delivered ones is handed back.
    expect(answer).toEqual({ again: [] });
    expect(started.map((input) => input.id)).toEqual(['b-1', 'b-2', 'q-1', 'o-1']);
    expect(deferred).toEqual([
      { start: { ...start('busy', 'b-3'), deferrals: 1 }, delaySeconds: 30 },
      { start: { ...start('busy', 'b-4'), deferrals: 1 }, delaySeconds: 30 },
    ]);
    expect(counted.filter((metric) => metric === METRIC.processingStartsOverCap)).toHaveLength(2);
    expect([await open.count('busy'), await open.count('quiet'), await open.count('other')]).toEqual([2, 1, 1]);
  });

  it('starts a deferred start once an execution of its tenant ended, and a start delivered twice holds one place', async () => {
    const { deps, started, open, deliver } = starter();
    await deliver([start('busy', 'b-1'), start('busy', 'b-2'), start('busy', 'b-1')]);
    expect(await open.count('busy')).toBe(2);
    const ended = { name: start('busy', 'b-1').name, input: JSON.stringify({ tenantId: 'busy', id: 'b-1', type: 't' }) };
    expect(await closeEndedExecution(deps, ended)).toEqual({ tenantId: 'busy' });
    expect(await closeEndedExecution(deps, ended)).toEqual({ tenantId: 'busy' });
    expect(await open.count('busy')).toBe(1);
    await deliver([{ ...start('busy', 'b-3'), deferrals: 1 }]);
    expect(started.map((input) => input.id)).toEqual(['b-1', 'b-2', 'b-1', 'b-3']);
    expect(open.names('busy').sort()).toEqual([start('busy', 'b-2').name, start('busy', 'b-3').name].sort());
  });

  it('leaves an ended execution that names no tenant (not one of the starter’s) as it is, reported', async () => {
    const reported: unknown[] = [];
    const open = inMemoryOpenExecutions();
    await open.open('busy', 'e-1', 2);
    for (const input of [null, '', 'not json', '{}', JSON.stringify({ tenantId: 3 })]) {
      const deps = { executions: open, count: () => undefined, reportError: (error: unknown) => reported.push(error) };
      expect(await closeEndedExecution(deps, { name: 'e-1', input })).toEqual({});
    }
    expect(reported).toHaveLength(5);
    expect(await open.count('busy')).toBe(1);
  });

  it('waits longer with each deferral of a start, up to the 15 minutes SQS can delay a message', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 40].map(deferralDelaySeconds)).toEqual([30, 60, 120, 240, 480, 900, 900, 900]);
  });

  it('hands a start it could not put back to the queue again (a later delivery), without a place', async () => {
    const { deps, open } = starter();
    const failing = { ...deps, queue: { defer: async () => Promise.reject(new Error('SQS unavailable')) } };
    await open.open('busy', 'x', 2);
    await open.open('busy', 'y', 2);
    expect(await startQueuedBatch(failing, [{ id: 'm-1', start: start('busy', 'b-1') }], { requestId: 'r-1' })).toEqual({ again: ['m-1'] });
    expect(await open.count('busy')).toBe(2);
  });

  it("takes each tenant's cap from its tier, a removed tenant's too, read once a minute", async () => {
    const tiers: Record<string, Registration> = {
      p: { status: 'provisioned', tenant: { tenantId: 'p', tier: 'premium', maxActions: 1, usageIdentifierKey: 'k', createdAt: '' } },
      r: { status: 'removed', tenant: { tenantId: 'r', tier: 'standard', maxActions: 1, createdAt: '', removedAt: '' } },
    };
    let reads = 0;
    let now = 0;
    const capOf = tierCaps({ registration: async (tenantId) => (reads++, tiers[tenantId]) }, () => now);
    expect([await capOf('p'), await capOf('r'), await capOf('never-added')]).toEqual([
      OPEN_EXECUTIONS_BY_TIER.premium,
      OPEN_EXECUTIONS_BY_TIER.standard,
      OPEN_EXECUTIONS_BY_TIER.basic,
    ]);
    await capOf('p');
    expect(reads).toBe(3);
    now = 60_001;
    await capOf('p');
    expect(reads).toBe(4);
  });
});
