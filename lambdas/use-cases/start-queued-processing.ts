import type { Caller } from '../domain/caller.ts';
import { METRIC } from '../domain/metric-names.ts';
import { PROCESSING } from '../domain/processing.ts';
import { type ProcessingStarter, ProcessorBusy, type QueuedStart } from '../ports/processing-starter.ts';
import type { ActionDependencies } from './dependencies.ts';
import { recordStartFailure } from './processing-starts.ts';

export const STARTER_PRINCIPAL = 'billing-run-actions-starter';

/** What the consumer of the queue of starts needs: the records, and the processor it starts. */
export type StartDependencies = ActionDependencies & { processor: ProcessingStarter };

/**
 * What became of a queued start: it `started` (or its execution already ran); it is to be tried `later`
 * (the processor was busy, or the starter was: the queue hands it back after its visibility timeout);
 * it `failed` for good and its record moved to `error`; or it was `superseded` (the record no longer
 * waits for this execution: it left processing, began another attempt, or was deleted).
 */
export type StartOutcome = 'started' | 'later' | 'failed' | 'superseded';

/**
 * Starts one queued execution, if its record still waits for it: a start can wait in the queue for
 * a long while, and the record may have moved on meanwhile (the worker must not be handed stale
 * work). Throttling never marks a record `error`: a busy processor (or a start given up because the
 * invocation's time ran out) leaves the start to a later delivery. A start refused for good moves the
 * record to `error`, conditionally on the version read.
 */
export async function startQueuedProcessing(
  deps: StartDependencies,
  start: QueuedStart,
  invocation: { requestId: string; signal?: AbortSignal },
): Promise<StartOutcome> {
  const { name, ...input } = start;
  const record = await deps.repository.get(start.tenantId, start.id, { consistentRead: true });
  if (record?.status !== PROCESSING || record.step_function_execution_arn !== deps.processor.executionArnFor(name)) return 'superseded';
  try {
    await deps.processor.start(name, input, invocation);
    deps.count(METRIC.processingStarts);
    return 'started';
  } catch (error) {
    if (error instanceof ProcessorBusy) {
      deps.count(METRIC.processingStartsDeferred);
      return 'later';
    }
    const caller: Caller = {
      principal: STARTER_PRINCIPAL,
      tenantId: start.tenantId,
      sourceIp: '-',
      userAgent: 'processing start queue',
      requestId: invocation.requestId,
    };
    await recordStartFailure(deps, caller, record, error);
    return 'failed';
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
