import type { RetrySchedule } from './retry.ts';

const UNTIL_THE_BUDGET = Number.POSITIVE_INFINITY;

/** A retry of the service: its schedule, and what it tries again (anything else fails at once). */
export interface RetryPolicy extends RetrySchedule {
  retries: string;
}

/**
 * Every retry of the service, in one table: what is tried again, how often or for how long, and how
 * the waits grow. The functions' loops run these through lambdas/retry.ts; the state machines'
 * retriers (lib/stack/constructs) and the local bulk runner, which plays the bulk load state machine,
 * read theirs here too, so the laptop retries as AWS does by construction. Waits are full jitter
 * unless `jitter` says otherwise. The AWS SDK's own attempts (three, `SDK_ATTEMPTS`) come first
 * under every storage call: the policies here are what the service adds on top.
 */
export const RETRY_POLICIES = {
  /** A patch or delete that lost a race to another writer reads again and retries: half the functions' 10 s at most. */
  writeRace: { attempts: 15, baseMs: 10, capMs: 500, budgetMs: 5_000, retries: 'a lost race (the record changed since it was read)' },
  /** Transactions that meet on one item (a counter shard, a claim) cancel each other while the first holds it. */
  transactionConflict: { attempts: 8, baseMs: 10, capMs: 2_560, retries: 'a transaction cancelled by another (TransactionConflict)' },
  /** A transaction whose outcome is unknown is asked again with its token (DynamoDB answers a landed one alike for 10 minutes). */
  unknownOutcome: {
    attempts: UNTIL_THE_BUDGET,
    baseMs: 50,
    capMs: 1_000,
    budgetMs: 4_000,
    retries: 'TransactionInProgressException, an attempt timed out, a dropped connection',
  },
  /** A create whose counter shard is full reads the counter whole for a shard with room, and writes there. */
  otherShard: { attempts: 9, baseMs: 5, capMs: 200, retries: 'a counter shard that refused (its slice full while others have room)' },
  /** Reading the counter whole for a shard with room, while the counter moves or the registry is busy. */
  shardWithRoom: {
    attempts: 5,
    baseMs: 20,
    capMs: 1_000,
    budgetMs: 3_000,
    retries: 'the counter moved under the read; the registry throttled',
  },
  /** A bulk load batch's bookkeeping (its reservation of record places, its counts): within the chunk function's 50 s. */
  bookkeeping: {
    attempts: UNTIL_THE_BUDGET,
    baseMs: 50,
    capMs: 2_000,
    budgetMs: 8_000,
    retries: 'DynamoDB busy (throttled, a transaction held)',
  },
  /** A batch's reservation of places on the tenant's counter, which also meets a counter that moved. */
  reservation: {
    attempts: UNTIL_THE_BUDGET,
    baseMs: 10,
    capMs: 2_000,
    budgetMs: 8_000,
    retries: 'DynamoDB busy; the reservation cancelled; the counter moved',
  },
  /** A batch's records (BatchWriteItem and what it leaves unprocessed): 30 s of the chunk function's 50. */
  batchRecords: {
    attempts: UNTIL_THE_BUDGET,
    baseMs: 50,
    capMs: 4_000,
    budgetMs: 30_000,
    retries: 'DynamoDB busy; items left unprocessed',
  },
  /** The records a status list found in its index, read by key: keys a BatchGetItem left unprocessed (throttled), within a request's time. */
  keyReads: { attempts: UNTIL_THE_BUDGET, baseMs: 50, capMs: 1_000, budgetMs: 3_000, retries: 'keys a BatchGetItem left unprocessed' },
  /** The stream consumer's counting of a batch of changes in the run summaries: within its function's 60 s, the rest for the events. */
  runCounts: {
    attempts: UNTIL_THE_BUDGET,
    baseMs: 20,
    capMs: 2_000,
    budgetMs: 20_000,
    retries: 'DynamoDB busy (throttled; a transaction of another consumer on the counter item)',
  },
  /** A change event PutEvents failed (its entry, or the call): put again, within the stream consumer's 60 s. */
  changeEvents: {
    attempts: 6,
    baseMs: 100,
    capMs: 3_000,
    budgetMs: 15_000,
    retries: 'entries PutEvents answered failed (throttled, an internal failure); a call that failed',
  },
  /** A load's own item (its claim and line count, its end): 90 s, within the prepare step's 900 s and the finish step's 120 s. */
  loadItem: { attempts: UNTIL_THE_BUDGET, baseMs: 50, capMs: 4_000, budgetMs: 90_000, retries: 'DynamoDB busy' },
  /** The tenant registry's reads and changes (an operator's command): 30 s before it answers busy. */
  registry: {
    attempts: UNTIL_THE_BUDGET,
    baseMs: 50,
    capMs: 2_000,
    budgetMs: 30_000,
    retries: 'DynamoDB busy; the counter moved under a change',
  },
  /** The starter's read of a tenant's tier (its cap of open executions): 5 s of the starter's 30, the rest of the batch still to start. */
  tierRead: { attempts: UNTIL_THE_BUDGET, baseMs: 50, capMs: 1_000, budgetMs: 5_000, retries: 'DynamoDB busy' },
  /** A bulk load batch, as the state machine's retrier runs its chunk function (and the local runner alike): 3 attempts, 2 s then 4 s apart. */
  bulkBatch: { attempts: 3, baseMs: 2_000, capMs: 4_000, jitter: 'none', retries: 'any failure of the batch (States.ALL)' },
  /** Giving a batch up (its unwritten lines made line errors): 2 attempts, 2 s apart. */
  bulkGiveUp: { attempts: 2, baseMs: 2_000, capMs: 2_000, jitter: 'none', retries: 'any failure of the give-up (States.ALL)' },
  /** The default processor's dispatch and write-back, in the state machine: the first and 15 retries, full-jitter waits from 1 s up to 60 s (about ten minutes). */
  processorStep: {
    attempts: 16,
    baseMs: 1_000,
    capMs: 60_000,
    retries: 'DynamoDB or EventBridge busy (the errors the state machine names)',
  },
} as const satisfies Record<string, RetryPolicy>;

/** The AWS SDK's attempts of one call (its standard and adaptive modes both make three), under every policy above. */
export const SDK_ATTEMPTS = 3;
