import type { MetricName } from '../domain/metric-names.ts';
import type { CursorKeys } from '../ports/cursor-keys.ts';
import type { ProcessingStarter } from '../ports/processing-starter.ts';
import type { BillingRunActionRepository } from '../ports/billing-run-action-repository.ts';
import type { UploadTargets } from '../ports/bulk-load-files.ts';
import type { BulkChunks, BulkLoads } from '../ports/bulk-load-store.ts';
import type { BatchLimits } from '../domain/bulk-load.ts';
import type { RunSummaries } from '../ports/run-summaries.ts';

/** What the two bulk load operations add: the loads, and where their files are uploaded. */
export interface BulkLoadAccess {
  loads: BulkLoads;
  uploads: UploadTargets;
}

/** What every use case may use from the outside world; built once per process by the composition root (lambdas/composition/). */
export interface ActionDependencies {
  repository: BillingRunActionRepository;
  clock: () => Date;
  newId: () => string;
  /** How long a soft-deleted record is kept before DynamoDB TTL may purge it. */
  deletedRetentionDays: number;
  /** How many batch operations run at once. */
  batchConcurrency: number;
  /**
   * The longest one attempt of a storage call may take before the client gives it up (its request
   * timeout): a deadline leaves this much room for an attempt still in flight when it stops new work.
   */
  storageAttemptMs: number;
  /** Counts an event of the service (a CloudWatch metric in AWS). */
  count: (metric: MetricName, value?: number) => void;
  /** Where an unexpected error inside a batch operation is reported (the batch itself still answers). */
  reportError: (error: unknown, context: Record<string, unknown>) => void;
}

/**
 * What some operations need besides: which ones is read from their route entry (`NeedsOf` in
 * routes.ts), and only their bundles hold the clients these are built on.
 */
export interface Extras {
  /** The processor state machine, through the queue of its starts. */
  processing: ProcessingStarter;
  /** Sign and verify list cursors so that clients cannot forge or move them. */
  cursorKeys: CursorKeys;
  /** The loads, and where their files are uploaded. */
  bulkLoads: BulkLoadAccess;
  /** The runs' summaries, kept by the stream consumer. */
  summaries: RunSummaries;
}
export type ExtraName = keyof Extras;

/** The common dependencies plus the named extras: what a use case takes, and what a handler's resolver gives. */
export type With<N extends ExtraName> = ActionDependencies & Pick<Extras, N>;

/**
 * When a change must end (a batch's, from its invocation's time left), as two signals a storage
 * attempt apart: once `stop` aborts nothing new starts (no operation, no retry), and an attempt begun
 * before it has until `cut`, when storage calls still in flight are abandoned (CallDeadline of the
 * repository port) so that the answer is ready in time.
 */
export interface Deadline {
  stop: AbortSignal;
  cut: AbortSignal;
}

/** What the steps of loading an uploaded file need (use-cases/bulk-load-steps.ts). */
export interface BulkRunDependencies {
  loads: BulkLoads;
  chunks: BulkChunks;
  /** The records' own dependencies: repository, processor, clock, metrics. */
  actions: With<'processing'>;
  /** How many lines, and bytes, one batch of a new load holds at most (a load keeps the limits it began with). */
  batch: BatchLimits;
}

/** Reading a file through and ending a load: no batches' storage, no processor. */
export type BulkStepDependencies = Pick<BulkRunDependencies, 'loads' | 'batch'> & { actions: ActionDependencies };
