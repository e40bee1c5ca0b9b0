import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { TABLE, documentClient } from './clients.ts';

/** The baseline of SPEC section 6 for reads (get, a load's read, the authorizer): one GetCommand with the DocumentClient, nothing else. */
export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: TABLE, Key: { pk: `${event.pathParameters?.tenantId}#${event.pathParameters?.id}` } }),
  );
  return { statusCode: Item ? 200 : 404, body: JSON.stringify(Item ?? { message: 'Not found' }) };
};
