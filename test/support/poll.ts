import { inspect } from 'node:util';

interface PollOptions<T> {
  /** What the tests wait for, as the failure names it: "<what> did not happen within N ms". */
  what: string;
  /** How long to keep reading before failing. Keep it under the test's own timeout, so this failure is the one reported. */
  timeoutMs: number;
  /** When the value read is the one waited for; by default, when it is truthy. */
  until?: (value: T) => boolean;
  /** The pause between reads. */
  intervalMs?: number;
}

const LAST_SEEN_CHARACTERS = 1_000;

/**
 * Reads `read` until `until` holds for what it answers, and answers that value; past `timeoutMs`
 * throws `Error('<what> did not happen within <timeoutMs> ms; last seen: <the last value read>')`.
 * Every polling loop of the tests goes through here, so none can spin for ever.
 */
export async function pollUntil<T>(read: () => T | Promise<T>, options: PollOptions<T>): Promise<T> {
  const { what, timeoutMs, until = Boolean, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!until(value)) {
    if (Date.now() >= deadline) {
      const seen = inspect(value, { depth: 4, breakLength: Number.POSITIVE_INFINITY });
      const clipped = seen.length > LAST_SEEN_CHARACTERS ? `${seen.slice(0, LAST_SEEN_CHARACTERS)}…` : seen;
      throw new Error(`${what} did not happen within ${timeoutMs} ms; last seen: ${clipped}`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
    value = await read();
  }
  return value;
}
