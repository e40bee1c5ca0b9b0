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
 * (the processor was busy: the queue hands it back after its visibility timeout); or it `failed` for
 * good and its record moved to `error`, or it was `superseded` (the record left this attempt meanwhile).
 */
export type StartOutcome = 'started' | 'later' | 'failed' | 'superseded';

/**
 * Starts one queued execution. Throttling never marks a record `error`: a busy processor (or a start
 * given up because the invocation's time ran out) leaves the start to a later delivery. A start refused for good moves the record to `error`, but only while the
 * record is still in processing for this very execution.
 */
export async function startQueuedProcessing(
  deps: StartDependencies,
  start: QueuedStart,
  invocation: { requestId: string; signal?: AbortSignal },
): Promise<StartOutcome> {
  const { name, ...input } = start;
  try {
    await deps.processor.start(name, input, { ...(invocation.signal && { signal: invocation.signal }) });
    deps.count(METRIC.processingStarts);
    return 'started';
  } catch (error) {
    if (error instanceof ProcessorBusy) {
      deps.count(METRIC.processingStartsDeferred);
      return 'later';
    }
    const record = await deps.repository.get(start.tenantId, start.id, { consistentRead: true });
    if (record?.status !== PROCESSING || record.step_function_execution_arn !== deps.processor.executionArnFor(name)) return 'superseded';
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
