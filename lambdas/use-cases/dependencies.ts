import type { MetricName } from '../domain/metric-names.ts';
import type { CursorKeys } from '../domain/list-cursor.ts';
import type { ProcessingStarter } from '../processing/processing-starter.ts';
import type { BillingRunActionRepository } from '../storage/billing-run-action-repository.ts';
import type { UploadTargets } from '../storage/bulk-load-files.ts';
import type { BulkLoads } from '../storage/bulk-load-store.ts';

/** What the two bulk load operations add: the loads, and where their files are uploaded. */
export interface BulkLoadAccess {
  loads: BulkLoads;
  uploads: UploadTargets;
}

/** What the use cases need from the outside world; built once per process by the composition root (composition.ts). */
export interface ActionDependencies {
  repository: BillingRunActionRepository;
  clock: () => Date;
  newId: () => string;
  /** Sign and verify list cursors so that clients cannot forge or move them; only the list operations have them. */
  cursorKeys?: CursorKeys;
  /** How long a soft-deleted record is kept before DynamoDB TTL may purge it. */
  deletedRetentionDays: number;
  /** How many batch operations run at once. */
  batchConcurrency: number;
  /** The bulk loads; only the two bulk load operations have them. */
  bulkLoads?: BulkLoadAccess;
  /** The processor state machine, where one is configured. */
  processing?: ProcessingStarter;
  /** Counts an event of the service (a CloudWatch metric in AWS). */
  count: (metric: MetricName, value?: number) => void;
  /** Where an unexpected error inside a batch operation is reported (the batch itself still answers). */
  reportError: (error: unknown, context: Record<string, unknown>) => void;
}

/**
 * A patch or delete that loses a race to another writer reads again and retries after a jittered
 * wait that doubles from 10 ms up to 500 ms: at most 15 attempts and 5 s in all, half the functions'
 * 10 s timeout.
 */
export const WRITE_RETRY = { attempts: 15, budgetMs: 5_000, baseMs: 10, capMs: 500 } as const;
