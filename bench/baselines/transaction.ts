import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { TABLE, TENANTS_TABLE, documentClient, ok } from './clients.ts';

/** create: one TransactWriteCommand, the tenant's counter updated under its limit and the record put if new. */
export const handler = async (event: APIGatewayProxyEvent) => {
  const tenantId = event.pathParameters?.tenantId as string;
  const item = { ...JSON.parse(event.body ?? '{}'), pk: `${tenantId}#${event.requestContext.requestId}`, sys_version: 1 };
  await documentClient.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: TENANTS_TABLE,
            Key: { tenant_id: tenantId },
            UpdateExpression: 'SET action_count = if_not_exists(action_count, :zero) + :one',
            ConditionExpression: 'attribute_not_exists(action_count) OR action_count < max_actions',
            ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
          },
        },
        { Put: { TableName: TABLE, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
    }),
  );
  return ok(item);
};
