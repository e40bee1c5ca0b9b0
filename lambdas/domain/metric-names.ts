/** The service's metrics, by name (CloudWatch, unit Count); docs/operations.md says what each means. */
export const METRIC = {
  requests: 'Requests',
  coldStart: 'ColdStart',
  clientErrors: 'ClientErrors',
  errors: 'Errors',
  conflicts: 'Conflicts',
  limitRefusals: 'LimitRefusals',
  idempotentReplays: 'IdempotentReplays',
  storageThrottled: 'StorageThrottled',
  storageConflicts: 'StorageConflicts',
  /** A write handed a start to the queue of starts. */
  processingStartsQueued: 'ProcessingStartsQueued',
  /** The queue's consumer started an execution. */
  processingStarts: 'ProcessingStarts',
  /** The processor was busy (throttled): the start goes back to the queue, to be tried again. */
  processingStartsDeferred: 'ProcessingStartsDeferred',
  /** The start's tenant had its tier's cap of open executions: the start waits in the queue (delayed) and counts for nothing else. */
  processingStartsOverCap: 'ProcessingStartsOverCap',
  /** An execution ended and gave its tenant's place back. */
  processingExecutionsClosed: 'ProcessingExecutionsClosed',
  processingStartFailures: 'ProcessingStartFailures',
  recordsSwept: 'RecordsSwept',
  authorizerFailures: 'AuthorizerFailures',
  bulkLinesLoaded: 'BulkLinesLoaded',
  bulkLinesFailed: 'BulkLinesFailed',
  bulkLoadsFailed: 'BulkLoadsFailed',
  bulkBatchesGivenUp: 'BulkBatchesGivenUp',
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];
