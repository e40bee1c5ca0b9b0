import { clientFieldsOf } from '../domain/client-fields.ts';
import type { BillingRunAction } from '../domain/record-schema.ts';
import type { Caller } from '../domain/caller.ts';
import { ServiceError } from '../domain/errors.ts';
import { METRIC } from '../domain/metric-names.ts';
import { PROCESSING, processingExecution } from '../domain/processing.ts';
import { nextVersion } from '../domain/record-stamp.ts';
import type { ActionDependencies, With } from './dependencies.ts';

/** Before a write: a record left in `processing` points at the execution of its processing attempt. */
export function assignExecution(
  deps: With<'processing'>,
  tenantId: string,
  before: BillingRunAction | undefined,
  after: BillingRunAction,
): BillingRunAction {
  const execution = processingExecution(before, after, tenantId, deps.processing);
  return execution ? { ...after, step_function_execution_arn: execution.arn } : after;
}

/**
 * After a write: starts the execution the record points at (idempotent per attempt). If it cannot
 * start, the record moves to `error` with a message, so it never stays in processing without one.
 * The start is handed to the queue of starts, which a burst of writes never throttles.
 */
export async function startAssignedExecution(
  deps: With<'processing'>,
  caller: Caller,
  record: BillingRunAction,
): Promise<BillingRunAction> {
  const arn = record.step_function_execution_arn;
  if (record.status !== PROCESSING || !arn || !deps.processing.owns(arn)) return record;
  try {
    await deps.processing.start(arn.slice(arn.lastIndexOf(':') + 1), { tenantId: caller.tenantId, id: record.id, type: record.type });
    deps.count(METRIC.processingStartsQueued);
    return record;
  } catch (error) {
    return recordStartFailure(deps, caller, record, error);
  }
}

/**
 * A start that failed for good: the record moves to `error` with a message naming the failure, on the
 * condition that it is still the version that was to start; a record changed meanwhile is left to its
 * writer and returned as it is now.
 */
export async function recordStartFailure(
  deps: ActionDependencies,
  caller: Caller,
  record: BillingRunAction,
  error: unknown,
): Promise<BillingRunAction> {
  deps.count(METRIC.processingStartFailures);
  deps.reportError(error, { id: record.id, step: 'start processing' });
  const failed = nextVersion(
    record,
    clientFieldsOf({
      ...record,
      status: 'error',
      error_message: `Processing could not start (${(error as Error).name}); request id ${caller.requestId}`,
    }),
    { caller, operation: 'startProcessing', at: deps.clock().toISOString() },
  );
  try {
    await deps.repository.replace(caller.tenantId, failed, record.sys_version);
    return failed;
  } catch (writeError) {
    // Someone changed the record meanwhile; theirs is the state to report.
    if (!(writeError instanceof ServiceError)) throw writeError;
    return (await deps.repository.get(caller.tenantId, record.id, { consistentRead: true })) ?? record;
  }
}
