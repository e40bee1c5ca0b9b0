import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { TABLE, documentClient, ok } from './clients.ts';

/** update, patch, delete and one record of a batch: a GetCommand, then a PutCommand conditioned on the version read. */
export const handler = async (event: APIGatewayProxyEvent) => {
  const pk = `${event.pathParameters?.tenantId}#${event.pathParameters?.id ?? 'batch'}`;
  const { Item } = await documentClient.send(new GetCommand({ TableName: TABLE, Key: { pk } }));
  const version = Number(Item?.sys_version ?? 0);
  await documentClient.send(
    new PutCommand({
      TableName: TABLE,
      Item: { ...Item, pk, sys_version: version + 1 },
      ConditionExpression: 'sys_version = :version',
      ExpressionAttributeValues: { ':version': version },
    }),
  );
  return ok({ ...Item, sys_version: version + 1 });
};
