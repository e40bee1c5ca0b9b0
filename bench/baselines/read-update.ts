import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE, documentClient } from './clients.ts';

/** Ending a bulk load: a GetCommand of the load, then an UpdateCommand of its status. */
export const handler = async (event: { key: string }) => {
  const pk = `bench#bulkload#${event.key}`;
  const { Item } = await documentClient.send(new GetCommand({ TableName: TABLE, Key: { pk }, ConsistentRead: true }));
  const { Attributes } = await documentClient.send(
    new UpdateCommand({
      TableName: TABLE,
      Key: { pk },
      UpdateExpression: 'SET #status = :done',
      ConditionExpression: '#status = :loading',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':done': 'completed', ':loading': Item?.status ?? 'loading' },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return Attributes;
};
