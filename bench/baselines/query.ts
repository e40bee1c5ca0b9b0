import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { TABLE, documentClient, ok } from './clients.ts';

/** The four lists: one QueryCommand on a lookup's index. */
export const handler = async (event: APIGatewayProxyEvent) => {
  const { Items } = await documentClient.send(
    new QueryCommand({
      TableName: TABLE,
      IndexName: 'byCertification',
      KeyConditionExpression: 'certification_key = :key',
      ExpressionAttributeValues: { ':key': `${event.pathParameters?.tenantId}#${event.pathParameters?.certification_id}` },
      Limit: 100,
    }),
  );
  return ok({ Count: Items?.length ?? 0, Items });
};
