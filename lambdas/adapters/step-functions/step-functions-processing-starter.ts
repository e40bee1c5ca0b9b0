import { SDK_ATTEMPTS } from '../../retry-policies.ts';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { processorExecutions } from '../../domain/processing.ts';
import { type ProcessingInput, type ProcessingStarter, ProcessorBusy } from '../../ports/processing-starter.ts';

/**
 * Errors that say Step Functions is busy, not that the start is wrong: its StartExecution bucket
 * (`ThrottlingException`), its open executions (`ExecutionLimitExceeded`), the KMS key of a processor
 * that encrypts with one (`KmsThrottlingException`), and its own failures.
 */
const BUSY = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ExecutionLimitExceeded',
  'KmsThrottlingException',
  'ServiceUnavailable',
  'InternalServerError',
]);

function isBusy(error: unknown): boolean {
  const { name, $metadata, $retryable } = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = $metadata?.httpStatusCode;
  // No HTTP status at all: the call never got an answer (a timeout, a reset connection, given up for time).
  return BUSY.has(name ?? '') || $retryable !== undefined || status === undefined || status === 429 || status >= 500;
}

/**
 * Starts executions of the processor state machine with deterministic names: the consumer of the
 * queue of starts. The client makes the SDK's three attempts in its adaptive mode (a throttled client
 * slows its own rate of calls, across the invocations of its environment); a start still refused for
 * load, or given up for time (`signal`), is a `ProcessorBusy`, which the queue tries again later.
 */
export class StepFunctionsProcessingStarter implements ProcessingStarter {
  /** `local`: the local service's Step Functions, which takes placeholder credentials (the machine's are never sent there). */
  static forStateMachine(stateMachineArn: string, region: string, local = false): StepFunctionsProcessingStarter {
    const credentials = local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {};
    return new StepFunctionsProcessingStarter(
      new SFNClient({ region, retryMode: 'adaptive', maxAttempts: SDK_ATTEMPTS, ...credentials }),
      stateMachineArn,
    );
  }

  readonly executionArnFor: (name: string) => string;
  readonly owns: (executionArn: string) => boolean;
  private readonly client: SFNClient;
  private readonly stateMachineArn: string;

  constructor(client: SFNClient, stateMachineArn: string) {
    this.client = client;
    this.stateMachineArn = stateMachineArn;
    ({ executionArnFor: this.executionArnFor, owns: this.owns } = processorExecutions(stateMachineArn));
  }

  async start(name: string, input: ProcessingInput, options: { signal?: AbortSignal } = {}): Promise<void> {
    try {
      await this.client.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }), {
        ...(options.signal && { abortSignal: options.signal }),
      });
    } catch (error) {
      // The execution of this attempt already ran (a running one with the same input is no error at all).
      if (error instanceof ExecutionAlreadyExists) return;
      throw isBusy(error) ? new ProcessorBusy(error) : error;
    }
  }
}
