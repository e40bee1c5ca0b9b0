import type { ProcessingStarter } from '../processing/processing-starter.ts';
import type { BillingRunActionRepository } from '../storage/billing-run-action-repository.ts';

/** What the use cases need from the outside world; built once per process by `runtime.ts`. */
export interface ActionDependencies {
  repository: BillingRunActionRepository;
  clock: () => Date;
  newId: () => string;
  /** Signs list cursors so that clients cannot forge or move them. */
  cursorSecret: string;
  /** How long a soft-deleted record is kept before DynamoDB TTL may purge it. */
  deletedRetentionDays: number;
  /** How many batch operations run at once. */
  batchConcurrency: number;
  /** The processor state machine, where one is configured. */
  processing?: ProcessingStarter;
  /** Where an unexpected error inside a batch operation is reported (the batch itself still answers). */
  reportError: (error: unknown, context: Record<string, unknown>) => void;
}

/**
 * A patch or delete that loses a race to another writer reads again and retries, this many times in
 * all, after a jittered wait that doubles from 10 ms up to 400 ms (about 2 s in all at worst).
 */
export const WRITE_RETRY = { attempts: 10, baseMs: 10, capMs: 400 } as const;
