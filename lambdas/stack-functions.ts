/**
 * The service's functions that are no API operation (the authorizer, the bulk load's steps, the sweep,
 * the starter of processing executions and its closer of ended ones), as routes.ts is of the operations:
 * the one list the stack, the local runner and monitoring build them from.
 */
export const AUTHORIZER_ENTRY = 'lambdas/handlers/authorizer.ts';

/**
 * The bulk load state machine's functions (not API operations), like ROUTES the one list of them: the
 * stack builds each from its entry with its timeout, the local runner runs each as an invocation of
 * that name and timeout, and monitoring finds their metrics by the operation name.
 */
export const BULK_LOAD_STEPS = [
  {
    step: 'prepare',
    operation: 'bulkLoadPrepare',
    entry: 'lambdas/handlers/bulk-load-prepare.ts',
    timeoutSeconds: 900,
    description: 'Bulk load: reads an uploaded file through into batches of lines',
  },
  {
    step: 'chunk',
    operation: 'bulkLoadChunk',
    entry: 'lambdas/handlers/bulk-load-chunk.ts',
    // Its attempts and its give-up's, each at most this long, fit in an Express child's 5 minutes (bulk-loader.ts).
    timeoutSeconds: 50,
    description: 'Bulk load: loads one batch of lines',
  },
  {
    step: 'finish',
    operation: 'bulkLoadFinish',
    entry: 'lambdas/handlers/bulk-load-finish.ts',
    // Room for the load's end to wait out a busy table (90 s: adapters/dynamodb/while-busy.ts).
    timeoutSeconds: 120,
    description: 'Bulk load: ends a load',
  },
] as const;
export type BulkLoadStepName = (typeof BULK_LOAD_STEPS)[number]['step'];
export const bulkLoadStep = (step: BulkLoadStepName) =>
  BULK_LOAD_STEPS.find((candidate) => candidate.step === step) as (typeof BULK_LOAD_STEPS)[number];
/** The scheduled sweep of records stuck in processing: a function of the stack, not an API operation. */
export const SWEEP_ENTRY = 'lambdas/handlers/sweep-stuck-processing.ts';
/** The sweep's schedule: a run of at most `timeoutMinutes` every `everyMinutes` (lib/stack/processing-sweep.ts). */
export const SWEEP_SCHEDULE = { timeoutMinutes: 5, everyMinutes: 15 } as const;
/** The consumer of the queue of processing starts (no API operation): batches of `batchSize`, at most `maxConcurrency` at once. */
export const PROCESSING_STARTS = {
  operation: 'startProcessing',
  entry: 'lambdas/handlers/start-processing.ts',
  timeoutSeconds: 30,
  batchSize: 10,
  maxConcurrency: 5,
  /** AWS: "set the source queue's visibility timeout to at least six times the timeout that you configure on your function". */
  visibilityTimeoutSeconds: 6 * 30,
  /**
   * Deliveries of one start before it goes to the dead-letter queue: each at least the visibility timeout
   * (3 minutes) apart, so a start is tried for 5 hours and more, through any throttling Step Functions
   * keeps up (AWS recommends at least 5 for a Lambda event source: "Using Lambda with Amazon SQS").
   */
  maxDeliveries: 100,
} as const;
/** Told of each processor execution that ended (EventBridge), it gives the execution's place among its tenant's open ones back. */
export const PROCESSING_ENDED = {
  operation: 'closeEndedExecution',
  entry: 'lambdas/handlers/processing-ended.ts',
  timeoutSeconds: 30,
} as const;
/**
 * The consumer of the records table's change stream (no API operation): counts the run summaries and
 * publishes the change events. Its event source reads batches of `batchSize`, up to
 * `parallelizationFactor` at once per stream shard (each record's changes stay in order: Lambda keeps a
 * partition key's records in one batch line), bisects a failing batch, retries a record
 * `retryAttempts` times and then sends it to the on-failure destination.
 */
export const RECORD_CHANGES = {
  operation: 'publishRecordChanges',
  entry: 'lambdas/handlers/record-changes.ts',
  timeoutSeconds: 60,
  batchSize: 100,
  maxBatchingWindowSeconds: 1,
  parallelizationFactor: 10,
  retryAttempts: 10,
  /** The stream keeps a record 24 hours; one older is sent to the on-failure destination rather than lost silently. */
  maxRecordAgeSeconds: 6 * 3600,
} as const;
