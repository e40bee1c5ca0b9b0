/**
 * The service's one way to retry: a schedule as data, and one helper that runs it. Waits are "full
 * jitter" (random, up to a cap that doubles from `baseMs` with each attempt, at most `capMs`), so
 * racing writers spread out instead of colliding again in step.
 */
export interface RetrySchedule {
  /** Attempts in all, the first included. */
  attempts: number;
  baseMs: number;
  capMs: number;
  /** Optional: no attempt starts after a wait that would end past this many milliseconds from the first. */
  budgetMs?: number;
}

/** The schedule ran out: `last` is the error of the last attempt. */
export class RetriesExhausted extends Error {
  readonly last: unknown;
  constructor(last: unknown) {
    super('Retries exhausted', { cause: last });
    this.name = 'RetriesExhausted';
    this.last = last;
  }
}

const waitBefore = (schedule: RetrySchedule, attempt: number): number =>
  Math.random() * Math.min(schedule.capMs, schedule.baseMs * 2 ** attempt);

/**
 * Runs `attempt` (numbered from 1) until it succeeds. An error `shouldRetry` accepts is retried after a
 * wait while the schedule allows, then thrown as RetriesExhausted; any other error is thrown at once.
 */
export async function retrying<T>(
  schedule: RetrySchedule,
  attempt: (attemptNumber: number) => Promise<T>,
  shouldRetry: (error: unknown) => boolean,
): Promise<T> {
  const started = performance.now();
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (!shouldRetry(error)) throw error;
      const wait = waitBefore(schedule, attemptNumber);
      const pastBudget = schedule.budgetMs !== undefined && performance.now() - started + wait > schedule.budgetMs;
      if (attemptNumber >= schedule.attempts || pastBudget) throw new RetriesExhausted(error);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
