import type { SFNClient } from '@aws-sdk/client-sfn';
import type { ProcessingInput, ProcessingStarter } from './processing-starter.ts';

type StepFunctions = typeof import('@aws-sdk/client-sfn');

/**
 * Starts executions of the processor state machine with deterministic names. The Step Functions
 * client is loaded at the first start, not at cold start: most writes leave no record in processing.
 */
export class StepFunctionsProcessingStarter implements ProcessingStarter {
  private readonly stateMachineArn: string;
  private readonly executionPrefix: string;
  private readonly connect: () => Promise<{ client: SFNClient; sdk: StepFunctions }>;
  private connection: Promise<{ client: SFNClient; sdk: StepFunctions }> | undefined;

  constructor(stateMachineArn: string, connect: () => Promise<{ client: SFNClient; sdk: StepFunctions }>) {
    this.stateMachineArn = stateMachineArn;
    this.executionPrefix = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:`;
    this.connect = connect;
  }

  executionArnFor(name: string): string {
    return `${this.executionPrefix}${name}`;
  }

  owns(executionArn: string): boolean {
    return executionArn.startsWith(this.executionPrefix);
  }

  async start(name: string, input: ProcessingInput): Promise<void> {
    this.connection ??= this.connect().catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    const { client, sdk } = await this.connection;
    try {
      await client.send(new sdk.StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }));
    } catch (error) {
      // The execution of this attempt already ran (a running one with the same input is no error at all).
      if (error instanceof sdk.ExecutionAlreadyExists) return;
      throw error;
    }
  }
}
