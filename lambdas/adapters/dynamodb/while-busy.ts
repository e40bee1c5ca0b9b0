import { RetriesExhausted, type RetrySchedule, retrying } from '../../retry.ts';
import { storageBusy } from '../../storage-load.ts';

/**
 * How long a bulk load's own writes (a batch's records, reservation and counts, the load's own item)
 * keep trying while DynamoDB is busy: until a deadline, not a count. A batch's within the chunk
 * function's 50 s (its records 30 s, its reservation and its counts 8 s each); the load's item (its
 * claim and line count in the prepare step, its end in the finish step) 90 s, within those functions'
 * 900 s and 120 s, so a load whose table is busy when its upload lands waits rather than fails. The
 * SDK's own attempts (3, adaptive) come first; a batch out of time is run again by the state machine
 * (or the local runner), which loads no line twice.
 */
export const BOOKKEEPING_RETRY: RetrySchedule = { attempts: Number.POSITIVE_INFINITY, baseMs: 50, capMs: 2_000, budgetMs: 8_000 };
export const LOAD_ITEM_RETRY: RetrySchedule = { attempts: Number.POSITIVE_INFINITY, baseMs: 50, capMs: 4_000, budgetMs: 90_000 };
export const RECORDS_RETRY: RetrySchedule = { attempts: Number.POSITIVE_INFINITY, baseMs: 50, capMs: 4_000, budgetMs: 30_000 };
/**
 * How long the tenant registry's own reads and changes (an operator's add, limit change or remove: a
 * rebalance of the tenant's counter, `npm run tenants`) wait out a busy tenants table before they answer
 * that it is busy: 30 s, for a command run by hand. The counter's 33 items make a change a transaction
 * of 66 write units, which a throttled table takes seconds to allow.
 */
export const REGISTRY_RETRY: RetrySchedule = { attempts: Number.POSITIVE_INFINITY, baseMs: 50, capMs: 2_000, budgetMs: 30_000 };

/** Runs `work` again while DynamoDB refuses it for load (storageBusy), by `schedule`; then its last error. */
export async function whileBusy<T>(
  schedule: RetrySchedule,
  work: () => Promise<T>,
  alsoRetry: (error: unknown) => boolean = () => false,
): Promise<T> {
  try {
    return await retrying(schedule, work, (error) => storageBusy(error) || alsoRetry(error));
  } catch (error) {
    throw error instanceof RetriesExhausted ? error.last : error;
  }
}
