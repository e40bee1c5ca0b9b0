/**
 * The service's one way to retry: a schedule as data, and one helper that runs it. Waits are "full
 * jitter" (random, up to a cap that doubles from `baseMs` with each attempt, at most `capMs`), so
 * racing writers spread out instead of colliding again in step. A caller with a deadline (a batch)
 * hands in a signal besides: once it aborts, no further attempt starts.
 */
export interface RetrySchedule {
  /** Attempts in all, the first included. */
  attempts: number;
  baseMs: number;
  capMs: number;
  /** Optional: no attempt starts after a wait that would end past this many milliseconds from the first. */
  budgetMs?: number;
  /**
   * `full` (the default): each wait random up to its cap. `none`: a state machine retrier's waits
   * (`baseMs`, then doubled, up to `capMs`), for the local runner to wait as Step Functions does.
   */
  jitter?: 'full' | 'none';
}

/** The schedule ran out, or the caller's signal stopped it first (`stopped`): `last` is the error of the last attempt. */
export class RetriesExhausted extends Error {
  readonly last: unknown;
  /** True when the caller's signal aborted (its deadline came) before the schedule ran out. */
  readonly stopped: boolean;
  constructor(last: unknown, stopped = false) {
    super(stopped ? 'Retries stopped by the deadline' : 'Retries exhausted', { cause: last });
    this.name = 'RetriesExhausted';
    this.last = last;
    this.stopped = stopped;
  }
}

const waitBefore = (schedule: RetrySchedule, attempt: number): number =>
  schedule.jitter === 'none'
    ? Math.min(schedule.capMs, schedule.baseMs * 2 ** (attempt - 1))
    : Math.random() * Math.min(schedule.capMs, schedule.baseMs * 2 ** attempt);

/** Waits `ms`; false as soon as `signal` aborts (at once if it already has), true otherwise. */
function waited(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const stop = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', stop, { once: true });
  });
}

/**
 * Runs `attempt` (numbered from 1) until it succeeds. An error `shouldRetry` accepts is retried after a
 * wait while the schedule allows, then thrown as RetriesExhausted; any other error is thrown at once.
 * With a `signal`, the first attempt always runs, and none after it starts once the signal has
 * aborted: the wait ends there, and the last error is thrown as RetriesExhausted, `stopped`.
 */
export async function retrying<T>(
  schedule: RetrySchedule,
  attempt: (attemptNumber: number) => Promise<T>,
  shouldRetry: (error: unknown) => boolean,
  signal?: AbortSignal,
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
      if (!(await waited(wait, signal))) throw new RetriesExhausted(error, true);
    }
  }
}
