import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { TABLE, documentClient, ok } from './clients.ts';

/** Starting a bulk load: one PutCommand of the new load, conditioned on its key being new. */
export const handler = async (event: APIGatewayProxyEvent) => {
  const item = { ...JSON.parse(event.body ?? '{}'), pk: `${event.pathParameters?.tenantId}#bulkload#${event.requestContext.requestId}` };
  await documentClient.send(new PutCommand({ TableName: TABLE, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
  return ok(item);
};
