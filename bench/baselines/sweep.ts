import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE, documentClient } from './clients.ts';

/** The sweep of stuck processing: one QueryCommand per shard of the processing index (16), nothing found. */
export const handler = async () => {
  let found = 0;
  for (let shard = 0; shard < 16; shard++) {
    const { Items } = await documentClient.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: 'byProcessingSince',
        KeyConditionExpression: 'processing_shard = :shard AND processing_since < :cutoff',
        ExpressionAttributeValues: { ':shard': `processing#${shard}`, ':cutoff': new Date().toISOString() },
      }),
    );
    found += Items?.length ?? 0;
  }
  return { found };
};
