import { RetriesExhausted, type RetrySchedule, retrying } from '../../retry.ts';
import { storageBusy } from './capacity-events.ts';

/**
 * How long a bulk load's own writes (its bookkeeping, a batch's records, reservation and counts) keep
 * trying while DynamoDB is busy: until a deadline, not a count, each within the chunk function's 300 s
 * (a batch's records 120 s, the other writes 60 s each). The SDK's own attempts (3, adaptive) come first.
 */
export const BOOKKEEPING_RETRY: RetrySchedule = { attempts: Number.POSITIVE_INFINITY, baseMs: 50, capMs: 5_000, budgetMs: 60_000 };
export const RECORDS_RETRY: RetrySchedule = { attempts: Number.POSITIVE_INFINITY, baseMs: 50, capMs: 5_000, budgetMs: 120_000 };

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
