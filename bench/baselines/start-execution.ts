import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { SQSEvent } from 'aws-lambda';

const client = new SFNClient({ region: process.env.AWS_REGION ?? 'us-east-1' });

/** The consumer of the queue of starts: one StartExecution per message with the Step Functions client, nothing else. */
export const handler = async (event: SQSEvent) => {
  for (const message of event.Records) {
    const { name, ...input } = JSON.parse(message.body) as { name: string };
    await client.send(new StartExecutionCommand({ stateMachineArn: process.env.STATE_MACHINE_ARN, name, input: JSON.stringify(input) }));
  }
  return { batchItemFailures: [] };
};
