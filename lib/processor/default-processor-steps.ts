import { STATUSES } from '../../lambdas/domain/billing-run-action.ts';
import { LEGACY_PROCESSING_INDEX, PROCESSING_INDEX, STATUS_SORT_KEY } from '../../lambdas/adapters/dynamodb/table-design.ts';
import { PROCESSING } from '../../lambdas/domain/processing.ts';

/**
 * The default processor's steps as data, read by both of its runners: the state machine of the stack
 * (lib/stack/constructs/default-processor.ts) and the local processor of `npm start`
 * (lib/local/processing/). A change here changes both.
 */

/** The `source` of the events the processor dispatches to workers (their `detail-type` is the action's type). */
export const EVENT_SOURCE = 'billing-run-actions';
/** Who a write-back is made by, in the record's change stamp. */
export const PROCESSOR_PRINCIPAL = 'billing-run-actions-processor';
export const PROCESSOR_OPERATION = 'processBillingRunAction';

/** The attributes that put a record in the sweep's indexes, which every write-back removes. */
const SWEEP_INDEX_ATTRIBUTES = [PROCESSING_INDEX, LEGACY_PROCESSING_INDEX]
  .flatMap((index) => [index.partitionKey, index.sortKey])
  .join(', ');

/** A write-back lands only while the record still points at this execution (and is not deleted). */
export const WRITE_BACK_CONDITION = 'step_function_execution_arn = :execution AND attribute_not_exists(sys_deleted_by_id)';

/**
 * The UpdateItem expression of a write-back that sets `set`: the change stamp of CHANGE_STAMP_FIELDS, as
 * the functions write it (a test keeps the two in step). It leaves processing, so it leaves the sweep's
 * index too (record-items.ts sets the two attributes), and the legacy one, which a record put in
 * processing before the upgrade is still in. It moves the record's entry in the status indexes with its
 * status (`:status_key`, statusSortKey of table-design.ts). Values: `:status`, `:status_key`, `:one`,
 * `:now`, `:by`, `:execution`, `:context`.
 */
export const writeBackExpression = (set: string): string =>
  `SET ${set}, ${STATUS_SORT_KEY} = :status_key, sys_version = sys_version + :one, sys_last_modified_at = :now, sys_last_modified_by_id = :by, sys_last_security_context = :context REMOVE ${SWEEP_INDEX_ATTRIBUTES}`;

/** A failure may carry no Error or Cause (SendTaskFailure without them, a timeout): these stand in for what it leaves out. */
export const FAILURE_DEFAULTS = { Error: 'States.Unknown', Cause: 'The worker gave no cause' } as const;
/** The error message of a failure, `{}` its Error. */
export const FAILURE_MESSAGE_FORMAT = 'Processing failed: {}';

/** Each way an execution ends, the write-back that ends it: its state's name, what it sets, and its fixed values. */
export const WRITE_BACKS = {
  reported: { state: 'Write reported status', set: '#status = :status' },
  completed: { state: 'Write completed', set: '#status = :status', status: 'completed' },
  failure: { state: 'Write error', set: '#status = :status, error_message = :message, error_stack = :stack', status: 'error' },
  unknownStatus: {
    state: 'Write unknown status error',
    set: '#status = :status, error_message = :message',
    status: 'error',
    message: 'Processing failed: the worker reported a status this service does not know',
  },
  stillProcessing: {
    state: 'Write unfinished error',
    set: '#status = :status, error_message = :message',
    status: 'error',
    message: "Processing failed: the worker reported 'processing' as its outcome, which ends nothing",
  },
} as const;
export type WriteBackName = keyof typeof WRITE_BACKS;

/**
 * Which write-back a worker's outcome (the output of its SendTaskSuccess) leads to, as the state
 * machine's Choice "Outcome reported?" decides it: no `status`, completed; `processing`, which ends
 * nothing, an error; a status of the record, that status; anything else, an error.
 */
export function writeBackOf(outcome: unknown): WriteBackName {
  const present = typeof outcome === 'object' && outcome !== null && !Array.isArray(outcome) && Object.hasOwn(outcome, 'status');
  if (!present) return 'completed';
  const { status } = outcome as { status: unknown };
  if (status === PROCESSING) return 'stillProcessing';
  return typeof status === 'string' && (STATUSES as readonly string[]).includes(status) ? 'reported' : 'unknownStatus';
}
