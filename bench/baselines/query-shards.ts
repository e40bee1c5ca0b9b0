import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { TABLE, documentClient, ok } from './clients.ts';

/** The lists whose lookup is written over 16 shards (billing run, training provider): a QueryCommand per shard, at once. */
export const handler = async (event: APIGatewayProxyEvent) => {
  const pages = await Promise.all(
    Array.from({ length: 16 }, (_, shard) =>
      documentClient.send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: 'byBillingRun',
          KeyConditionExpression: 'billing_run_key = :key',
          ExpressionAttributeValues: { ':key': `${event.pathParameters?.tenantId}#${event.pathParameters?.billing_run_id}#${shard}` },
          Limit: 8,
        }),
      ),
    ),
  );
  const Items = pages.flatMap((page) => page.Items ?? []).slice(0, 100);
  return ok({ Count: Items.length, Items });
};
