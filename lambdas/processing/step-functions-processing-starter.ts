import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { ProcessingInput, ProcessingStarter } from './processing-starter.ts';

/** Starts executions of the processor state machine with deterministic names. */
export class StepFunctionsProcessingStarter implements ProcessingStarter {
  static forStateMachine(stateMachineArn: string, region: string): StepFunctionsProcessingStarter {
    return new StepFunctionsProcessingStarter(new SFNClient({ region }), stateMachineArn);
  }

  private readonly client: SFNClient;
  private readonly stateMachineArn: string;
  private readonly executionPrefix: string;

  constructor(client: SFNClient, stateMachineArn: string) {
    this.client = client;
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
    try {
      await this.client.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }));
    } catch (error) {
      // The execution of this attempt already ran (a running one with the same input is no error at all).
      if (error instanceof ExecutionAlreadyExists) return;
      throw error;
    }
  }
}
