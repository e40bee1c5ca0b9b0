/** What a processor execution is told: which record, of which tenant, and its action type. */
export interface ProcessingInput {
  tenantId: string;
  id: string;
  type: string;
}

/**
 * The port to the processor state machine. Starting is idempotent for a given name and input: a second
 * start of the same attempt does not run a second execution. The API's writes and a bulk load hand the
 * start to a queue (adapters/sqs), whose consumer starts the execution (adapters/step-functions).
 */
export interface ProcessingStarter {
  /** The ARN an execution of this name has (or will have). */
  executionArnFor(name: string): string;
  /** Whether an ARN names an execution of this processor. */
  owns(executionArn: string): boolean;
  /** Starts the execution; `signal` gives up on it (as busy) when the caller runs out of time. */
  start(name: string, input: ProcessingInput, options?: { signal?: AbortSignal }): Promise<void>;
}

/**
 * The processor refused a start for load, not for the start itself: Step Functions throttled it (its
 * StartExecution bucket), had too many open executions, or failed on its side. The same start succeeds later.
 */
export class ProcessorBusy extends Error {
  constructor(cause: unknown) {
    super(`The processor is busy (${(cause as Error).name}): the start is tried again later`, { cause });
    this.name = 'ProcessorBusy';
  }
}

/** A start handed to the queue of starts: the execution's name and what it is told; how often it was deferred for its tenant's cap. */
export interface QueuedStart extends ProcessingInput {
  name: string;
  deferrals?: number;
}

/** The queue of starts, as its consumer uses it: a start put back to be delivered again after a delay. */
export interface StartQueue {
  defer(start: QueuedStart, delaySeconds: number): Promise<void>;
}
