import { randomBytes } from 'node:crypto';
import { LocalAwsError } from './local-aws-error.ts';

/** How a task that waited for its token ended: the worker's output (SendTaskSuccess), or a failure (SendTaskFailure, the timeout). */
export type TaskOutcome = { output: unknown } | { failure: { Error?: string; Cause?: string } };

/** Step Functions' limits on a SendTaskFailure's `error` and `cause` (characters). */
const ERROR_LIMIT = 256;
const CAUSE_LIMIT = 32_768;
/** Step Functions' limit on a task's output: 256 KiB. */
const OUTPUT_LIMIT_BYTES = 256 * 1024;

interface Waiting {
  resolve: (outcome: TaskOutcome) => void;
  timer: NodeJS.Timeout;
}

/** How many closed tokens are remembered (to answer TaskTimedOut rather than InvalidToken): the newest. */
const CLOSED_KEPT = 100_000;

/**
 * The task tokens of `.waitForTaskToken` tasks, as Step Functions keeps them: each waits for one
 * SendTaskSuccess or SendTaskFailure, or for its task's timeout (a `States.Timeout` failure). A token
 * whose task is closed (answered, timed out, aborted) is `TaskTimedOut` ("the task token has either
 * expired or the task associated with the token has already been closed"); one never issued here is
 * `InvalidToken`, as in AWS.
 */
export class TaskTokens {
  private readonly waiting = new Map<string, Waiting>();
  private readonly closed = new Set<string>();

  /** A new token, and the outcome its task waits for. */
  issue(timeoutMs: number): { token: string; outcome: Promise<TaskOutcome> } {
    const token = randomBytes(48).toString('base64url');
    const outcome = new Promise<TaskOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(token);
        this.close(token);
        resolve({ failure: { Error: 'States.Timeout' } });
      }, timeoutMs);
      this.waiting.set(token, { resolve, timer });
    });
    return { token, outcome };
  }

  succeed(token: unknown, output: unknown): void {
    if (typeof output !== 'string' || Buffer.byteLength(output) > OUTPUT_LIMIT_BYTES) {
      throw new LocalAwsError('InvalidOutput', `output must be a JSON string of at most ${OUTPUT_LIMIT_BYTES} bytes`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new LocalAwsError('InvalidOutput', 'output is not valid JSON');
    }
    this.answer(token, { output: parsed });
  }

  fail(token: unknown, error: unknown, cause: unknown): void {
    if ((error !== undefined && typeof error !== 'string') || (typeof error === 'string' && error.length > ERROR_LIMIT)) {
      throw new LocalAwsError('ValidationException', `error must be a string of at most ${ERROR_LIMIT} characters`);
    }
    if ((cause !== undefined && typeof cause !== 'string') || (typeof cause === 'string' && cause.length > CAUSE_LIMIT)) {
      throw new LocalAwsError('ValidationException', `cause must be a string of at most ${CAUSE_LIMIT} characters`);
    }
    this.answer(token, {
      failure: { ...(error !== undefined && { Error: error as string }), ...(cause !== undefined && { Cause: cause as string }) },
    });
  }

  /** A heartbeat: the task is still being worked on (the default processor sets no heartbeat timeout, so it only checks the token). */
  heartbeat(token: unknown): void {
    this.waitingFor(token);
  }

  /** Ends every waiting task (the service stops): their executions end as they would when aborted. */
  abandonAll(): void {
    for (const [token, waiting] of this.waiting) {
      clearTimeout(waiting.timer);
      waiting.resolve({ failure: { Error: 'States.Aborted', Cause: 'The local service stopped' } });
      this.waiting.delete(token);
      this.close(token);
    }
  }

  private answer(token: unknown, outcome: TaskOutcome): void {
    const waiting = this.waitingFor(token);
    clearTimeout(waiting.timer);
    this.waiting.delete(token as string);
    this.close(token as string);
    waiting.resolve(outcome);
  }

  private close(token: string): void {
    this.closed.add(token);
    if (this.closed.size > CLOSED_KEPT) this.closed.delete(this.closed.values().next().value as string);
  }

  private waitingFor(token: unknown): Waiting {
    if (typeof token !== 'string' || token.length === 0 || token.length > 1024) {
      throw new LocalAwsError('InvalidToken', 'taskToken must be a string of 1 to 1024 characters');
    }
    if (this.closed.has(token)) {
      throw new LocalAwsError(
        'TaskTimedOut',
        'The task token has either expired or the task associated with the token has already been closed',
      );
    }
    const waiting = this.waiting.get(token);
    if (!waiting) throw new LocalAwsError('InvalidToken', 'The provided token is not valid (no task of this service was given it)');
    return waiting;
  }
}
