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
  processingStarts: 'ProcessingStarts',
  processingStartFailures: 'ProcessingStartFailures',
  recordsSwept: 'RecordsSwept',
  authorizerFailures: 'AuthorizerFailures',
  bulkLinesLoaded: 'BulkLinesLoaded',
  bulkLinesFailed: 'BulkLinesFailed',
  bulkLoadsFailed: 'BulkLoadsFailed',
  bulkBatchesGivenUp: 'BulkBatchesGivenUp',
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];
