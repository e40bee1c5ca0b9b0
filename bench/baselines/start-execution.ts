import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { TABLE, documentClient } from './clients.ts';

const client = new SFNClient({ region: process.env.AWS_REGION ?? 'us-east-1' });

/** The consumer of the queue of starts: per message, a GetCommand of its record, then one StartExecution with the Step Functions client; nothing else. */
export const handler = async (event: SQSEvent) => {
  for (const message of event.Records) {
    const { name, ...input } = JSON.parse(message.body) as { name: string; tenantId: string; id: string };
    await documentClient.send(new GetCommand({ TableName: TABLE, Key: { pk: `${input.tenantId}#${input.id}` }, ConsistentRead: true }));
    await client.send(new StartExecutionCommand({ stateMachineArn: process.env.STATE_MACHINE_ARN, name, input: JSON.stringify(input) }));
  }
  return { batchItemFailures: [] };
};
