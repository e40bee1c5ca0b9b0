/** What a processor execution is told: which record, of which tenant, and its action type. */
export interface ProcessingInput {
  tenantId: string;
  id: string;
  type: string;
}

/**
 * The port to the processor state machine. Starting is idempotent for a given name and input: a second
 * start of the same attempt does not run a second execution.
 */
export interface ProcessingStarter {
  /** The ARN an execution of this name has (or will have). */
  executionArnFor(name: string): string;
  /** Whether an ARN names an execution of this processor. */
  owns(executionArn: string): boolean;
  start(name: string, input: ProcessingInput): Promise<void>;
}
