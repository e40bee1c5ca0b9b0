import { logger } from '../../../lambdas/logger.ts';
import type { ProcessingInput } from '../../../lambdas/ports/processing-starter.ts';
import { LocalAwsError } from './local-aws-error.ts';
import type { ExecutionStatus } from './local-processor.ts';

/** Step Functions' StartExecution quota in its largest regions: a bucket of 1,300 refilled at 300 a second. */
const START_BUCKET = 1_300;
const START_REFILL_PER_SECOND = 300;
/** An execution name: 1 to 80 characters of letters, digits, `-` and `_` (Step Functions also allows some others; this service uses these). */
const NAME = /^[A-Za-z0-9_-]{1,80}$/;

interface Execution {
  arn: string;
  name: string;
  input: string;
  startDate: Date;
  status: 'RUNNING' | ExecutionStatus;
  stopDate?: Date;
}

export interface LocalStepFunctionsOptions {
  stateMachineArn: string;
  /** Runs one execution of the state machine to its end. */
  run(execution: { arn: string; input: ProcessingInput }): Promise<ExecutionStatus>;
  /** Told of each ended execution, as the stack's EventBridge rule on "Step Functions Execution Status Change" is. */
  ended(execution: { name: string; input: string; status: ExecutionStatus }): Promise<void>;
}

/**
 * The Step Functions calls of this service, for the one state machine of the local service: a start
 * is idempotent by name (the same name and input while running answers the same execution; else
 * ExecutionAlreadyExists), throttled as AWS's StartExecution bucket is, and runs the default
 * processor's steps; each end is told to `ended`. Executions are kept in memory.
 */
export class LocalStepFunctions {
  private readonly executions = new Map<string, Execution>();
  private readonly running = new Set<Promise<void>>();
  private readonly options: LocalStepFunctionsOptions;
  private tokens = START_BUCKET;
  private filledAt = Date.now();

  constructor(options: LocalStepFunctionsOptions) {
    this.options = options;
  }

  startExecution(request: Record<string, unknown>): { executionArn: string; startDate: number } {
    const { stateMachineArn, name, input } = request;
    if (stateMachineArn !== this.options.stateMachineArn) {
      throw new LocalAwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(stateMachineArn)}'`);
    }
    if (typeof name !== 'string' || !NAME.test(name)) throw new LocalAwsError('InvalidName', `Invalid Name: '${String(name)}'`);
    const inputText = typeof input === 'string' ? input : '{}';
    let parsed: ProcessingInput;
    try {
      parsed = JSON.parse(inputText) as ProcessingInput;
    } catch {
      throw new LocalAwsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not JSON');
    }
    const known = this.executions.get(name);
    if (known) {
      if (known.status === 'RUNNING' && known.input === inputText)
        return { executionArn: known.arn, startDate: known.startDate.getTime() / 1000 };
      throw new LocalAwsError('ExecutionAlreadyExists', `Execution Already Exists: '${known.arn}'`);
    }
    this.take();
    const arn = `${this.options.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const execution: Execution = { arn, name, input: inputText, startDate: new Date(), status: 'RUNNING' };
    this.executions.set(name, execution);
    const run = this.runToEnd(execution, parsed).finally(() => this.running.delete(run));
    this.running.add(run);
    return { executionArn: arn, startDate: execution.startDate.getTime() / 1000 };
  }

  describeExecution(request: Record<string, unknown>): Record<string, unknown> {
    const arn = String(request.executionArn);
    const execution = this.executions.get(arn.slice(arn.lastIndexOf(':') + 1));
    if (!execution || execution.arn !== arn) throw new LocalAwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return {
      executionArn: execution.arn,
      stateMachineArn: this.options.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate.getTime() / 1000,
      ...(execution.stopDate && { stopDate: execution.stopDate.getTime() / 1000 }),
      input: execution.input,
    };
  }

  /** How many executions run now. */
  open(): number {
    return this.running.size;
  }

  /** Waits for the running executions (their tasks ended by the caller). */
  async settle(): Promise<void> {
    await Promise.all([...this.running]);
  }

  private take(): void {
    const now = Date.now();
    this.tokens = Math.min(START_BUCKET, this.tokens + ((now - this.filledAt) / 1000) * START_REFILL_PER_SECOND);
    this.filledAt = now;
    if (this.tokens < 1) throw new LocalAwsError('ThrottlingException', 'Rate exceeded');
    this.tokens -= 1;
  }

  private async runToEnd(execution: Execution, input: ProcessingInput): Promise<void> {
    try {
      execution.status = await this.options.run({ arn: execution.arn, input });
    } catch (error) {
      logger.error('a local processor execution failed', { execution: execution.name, error: error as Error });
      execution.status = 'FAILED';
    }
    execution.stopDate = new Date();
    try {
      await this.options.ended({ name: execution.name, input: execution.input, status: execution.status as ExecutionStatus });
    } catch (error) {
      logger.error('an ended local execution was not closed', { execution: execution.name, error: error as Error });
    }
  }
}
