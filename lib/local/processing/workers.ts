import { logger } from '../../../lambdas/logger.ts';
import type { Dispatch, DispatchedEvent } from './local-processor.ts';
import type { TaskTokens } from './task-tokens.ts';

/**
 * Who works the dispatched actions locally (LOCAL_WORKER): the built-in worker, which completes each
 * action after `delayMs` (LOCAL_WORKER_DELAY_MS); the developer's worker at a URL, which is POSTed each
 * event as an EventBridge API destination would and calls back through the local Step Functions
 * endpoint; or none, where each action waits for its timeout (tests that keep records in processing).
 */
export type WorkerSetting = { kind: 'built-in'; delayMs: number } | { kind: 'url'; url: string } | { kind: 'none' };

const DEFAULT_WORKER_DELAY_MS = 1_000;

/** The worker LOCAL_WORKER and LOCAL_WORKER_DELAY_MS name; the built-in one by default. */
export function workerFrom(raw: string | undefined, rawDelay: string | undefined): WorkerSetting {
  const delayMs = Number(rawDelay ?? DEFAULT_WORKER_DELAY_MS);
  if (!Number.isInteger(delayMs) || delayMs < 0) throw new Error('LOCAL_WORKER_DELAY_MS must be a whole number of milliseconds');
  if (raw === undefined || raw === '' || raw === 'built-in') return { kind: 'built-in', delayMs };
  if (raw === 'none') return { kind: 'none' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error("LOCAL_WORKER must be 'built-in', 'none' or an http(s) URL");
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error("LOCAL_WORKER must be 'built-in', 'none' or an http(s) URL");
  return { kind: 'url', url: url.href };
}

/** The processor's timeout unless PROCESSING_TIMEOUT_SECONDS says otherwise: the stack's default, 24 hours. */
const DEFAULT_PROCESSING_TIMEOUT_SECONDS = 24 * 60 * 60;

/** The local processing's settings from the environment: LOCAL_WORKER, LOCAL_WORKER_DELAY_MS, PROCESSING_TIMEOUT_SECONDS. */
export function processingFrom(environment: NodeJS.ProcessEnv): { worker: WorkerSetting; timeoutMs: number } {
  const seconds = Number(environment.PROCESSING_TIMEOUT_SECONDS ?? DEFAULT_PROCESSING_TIMEOUT_SECONDS);
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error('PROCESSING_TIMEOUT_SECONDS must be a whole number of seconds, 1 or more');
  return { worker: workerFrom(environment.LOCAL_WORKER, environment.LOCAL_WORKER_DELAY_MS), timeoutMs: seconds * 1000 };
}

/** How the worker is named in the banner. */
export const describeWorker = (worker: WorkerSetting): string =>
  worker.kind === 'built-in'
    ? `the built-in worker (completes each action after ${worker.delayMs} ms)`
    : worker.kind === 'url'
      ? `your worker at ${worker.url}`
      : 'no worker (each action waits for its timeout)';

/** EventBridge retries a target for up to 24 hours; locally a few tries, then the action waits for its timeout. */
const DELIVERY_ATTEMPTS = 3;
const DELIVERY_TIMEOUT_MS = 5_000;

/** Where the processor's dispatched events go, for the worker set. */
export function dispatcherFor(worker: WorkerSetting, tokens: TaskTokens): Dispatch {
  if (worker.kind === 'none') return () => undefined;
  if (worker.kind === 'built-in') {
    return (event) => {
      setTimeout(() => {
        try {
          tokens.succeed(event.detail.taskToken, JSON.stringify({ status: 'completed' }));
        } catch {
          // The task ended meanwhile (its timeout, the service stopping): nothing to answer.
        }
      }, worker.delayMs).unref();
    };
  }
  return (event) => void deliver(worker.url, event);
}

async function deliver(url: string, event: DispatchedEvent): Promise<void> {
  for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS; attempt += 1) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      if (response.ok) return;
      logger.warn('the local worker refused an event', { url, status: response.status, id: event.detail.id });
    } catch (error) {
      logger.warn('the local worker could not be reached', { url, error: (error as Error).message, id: event.detail.id });
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
  }
  logger.error('an action was not delivered to the local worker: it waits for its timeout', { url, id: event.detail.id });
}
