import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { ProcessingInput, ProcessingStarter } from '../../ports/processing-starter.ts';

/**
 * Starts executions of the processor state machine with deterministic names. The Step Functions client
 * is built on the first start, not on the first request: most requests start nothing, and building a
 * client (resolving its configuration) is several milliseconds of a cold start.
 */
export class StepFunctionsProcessingStarter implements ProcessingStarter {
  static forStateMachine(stateMachineArn: string, region: string): StepFunctionsProcessingStarter {
    return new StepFunctionsProcessingStarter(() => new SFNClient({ region }), stateMachineArn);
  }

  private readonly createClient: () => SFNClient;
  private client: SFNClient | undefined;
  private readonly stateMachineArn: string;
  private readonly executionPrefix: string;

  constructor(createClient: () => SFNClient, stateMachineArn: string) {
    this.createClient = createClient;
    this.stateMachineArn = stateMachineArn;
    this.executionPrefix = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:`;
  }

  executionArnFor(name: string): string {
    return `${this.executionPrefix}${name}`;
  }

  owns(executionArn: string): boolean {
    return executionArn.startsWith(this.executionPrefix);
  }

  async start(name: string, input: ProcessingInput): Promise<void> {
    this.client ??= this.createClient();
    try {
      await this.client.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }));
    } catch (error) {
      // The execution of this attempt already ran (a running one with the same input is no error at all).
      if (error instanceof ExecutionAlreadyExists) return;
      throw error;
    }
  }
}
