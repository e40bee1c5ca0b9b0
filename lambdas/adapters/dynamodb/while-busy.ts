import { RetriesExhausted, type RetrySchedule, retrying } from '../../retry.ts';
import { storageBusy } from '../../storage-busy.ts';

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
