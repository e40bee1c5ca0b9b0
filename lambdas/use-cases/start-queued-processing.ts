import type { Caller } from '../domain/caller.ts';
import { METRIC } from '../domain/metric-names.ts';
import { PROCESSING } from '../domain/processing.ts';
import { OPEN_EXECUTIONS_BY_TIER } from '../domain/tenant.ts';
import type { OpenExecutions } from '../ports/open-executions.ts';
import type { TenantRegistry } from '../ports/tenant-registry.ts';
import { type ProcessingStarter, ProcessorBusy, type QueuedStart, type StartQueue } from '../ports/processing-starter.ts';
import type { ActionDependencies } from './dependencies.ts';
import { recordStartFailure } from './processing-starts.ts';

export const STARTER_PRINCIPAL = 'billing-run-actions-starter';

/**
 * What the consumer of the queue of starts needs: the records, the processor it starts, its tenants'
 * open executions and each tenant's cap on them (its tier's), and the queue itself, to put a start back.
 */
export type StartDependencies = ActionDependencies & {
  processor: ProcessingStarter;
  executions: OpenExecutions;
  capOf: (tenantId: string) => Promise<number>;
  queue: StartQueue;
};

/**
 * What became of a queued start: it `started` (or its execution already ran); it is to be tried `later`
 * (the processor was busy, or the starter was: the queue hands it back after its visibility timeout);
 * it was `deferred` (its tenant had its cap of open executions: it went back to the queue with a delay);
 * it `failed` for good and its record moved to `error`; or it was `superseded` (the record no longer
 * waits for this execution: it left processing, began another attempt, or was deleted).
 */
export type StartOutcome = 'started' | 'later' | 'deferred' | 'failed' | 'superseded';

/** How long the starter keeps a tenant's cap before it reads the tenant's tier again. */
const CAP_KEPT_MS = 60_000;

/**
 * Each tenant's cap of open executions, its tier's (a removed tenant keeps its tier for the records it
 * still has in processing), read from the registry at most once a minute per tenant and environment.
 */
export function tierCaps(
  registry: Pick<TenantRegistry, 'registration'>,
  now: () => number = Date.now,
): (tenantId: string) => Promise<number> {
  const kept = new Map<string, { cap: number; until: number }>();
  return async (tenantId) => {
    const known = kept.get(tenantId);
    if (known && known.until > now()) return known.cap;
    const registration = await registry.registration(tenantId);
    const cap = OPEN_EXECUTIONS_BY_TIER[registration?.tenant.tier ?? 'basic'];
    kept.set(tenantId, { cap, until: now() + CAP_KEPT_MS });
    return cap;
  };
}

/**
 * How long a start over its tenant's cap waits before it is delivered again: 30 s, doubling with each
 * deferral of the same start up to SQS's longest message delay, 15 minutes (SendMessage, DelaySeconds).
 * Put back as a new message, it never nears the queue's dead-letter count however long its tenant
 * stays at its cap, and while delayed it is not in flight (a standard queue holds 120,000 in flight).
 */
export const deferralDelaySeconds = (deferrals: number): number => Math.min(900, 30 * 2 ** Math.min(deferrals, 5));

/**
 * Starts one queued execution, if its record still waits for it: a start can wait in the queue for
 * a long while, and the record may have moved on meanwhile (the worker must not be handed stale
 * work). Throttling never marks a record `error`: a busy processor (or a start given up because the
 * invocation's time ran out) leaves the start to a later delivery. A start refused for good moves the
 * record to `error`, conditionally on the version read. Each execution takes one of its tenant's places
 * before it starts (given back when it ends, or at once when it does not start): a tenant at its
 * tier's cap has its own starts deferred, and no one else's.
 */
export async function startQueuedProcessing(
  deps: StartDependencies,
  start: QueuedStart,
  invocation: { requestId: string; signal?: AbortSignal },
): Promise<StartOutcome> {
  const { name, tenantId, id, type } = start;
  const record = await deps.repository.get(tenantId, id, { consistentRead: true });
  if (record?.status !== PROCESSING || record.step_function_execution_arn !== deps.processor.executionArnFor(name)) return 'superseded';
  if (!(await deps.executions.open(tenantId, name, await deps.capOf(tenantId)))) return deferOverCap(deps, start);
  try {
    await deps.processor.start(name, { tenantId, id, type }, invocation);
    deps.count(METRIC.processingStarts);
    return 'started';
  } catch (error) {
    // No execution runs: its place goes back to the tenant.
    await deps.executions.close(tenantId, name);
    if (error instanceof ProcessorBusy) {
      deps.count(METRIC.processingStartsDeferred);
      return 'later';
    }
    const caller: Caller = {
      principal: STARTER_PRINCIPAL,
      tenantId,
      sourceIp: '-',
      userAgent: 'processing start queue',
      requestId: invocation.requestId,
    };
    await recordStartFailure(deps, caller, record, error);
    return 'failed';
  }
}

/** A start over its tenant's cap goes back to the queue, delayed; if it cannot be put back, the queue delivers this message again. */
async function deferOverCap(deps: StartDependencies, start: QueuedStart): Promise<StartOutcome> {
  deps.count(METRIC.processingStartsOverCap);
  const deferrals = start.deferrals ?? 0;
  try {
    await deps.queue.defer({ ...start, deferrals: deferrals + 1 }, deferralDelaySeconds(deferrals));
    return 'deferred';
  } catch (error) {
    deps.reportError(error, { id: start.id, step: 'defer a start over its tenant cap' });
    return 'later';
  }
}

/**
 * One delivery of the queue: each message's start, all at once. The ids of the messages to deliver
 * again: the starts to try later, and any whose handling failed (its storage was busy, say), each
 * alone. A message that is no start (`start` undefined: nothing of this service sends one) is reported
 * and dropped, since no delivery could ever start it.
 */
export async function startQueuedBatch(
  deps: StartDependencies,
  messages: { id: string; start: QueuedStart | undefined }[],
  invocation: { requestId: string; signal?: AbortSignal },
): Promise<{ again: string[] }> {
  const outcomes = await Promise.all(
    messages.map(async ({ id, start }) => {
      if (!start) {
        deps.reportError(new Error('Not a processing start: dropped'), { messageId: id, step: 'read the queued start' });
        return { id, outcome: 'dropped' as const };
      }
      try {
        return { id, outcome: await startQueuedProcessing(deps, start, invocation) };
      } catch (error) {
        deps.reportError(error, { messageId: id, id: start.id, step: 'start processing' });
        return { id, outcome: 'later' as const };
      }
    }),
  );
  return { again: outcomes.filter(({ outcome }) => outcome === 'later').map(({ id }) => id) };
}
