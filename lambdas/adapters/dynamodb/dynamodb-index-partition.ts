import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Item } from './record-items.ts';

/**
 * Up to `limit` items of one partition of a table's index, in the index's key order, from after
 * `startKey` on. DynamoDB may answer one Query in several pages (1 MB each), so the pages are followed
 * until the limit or the end of the partition.
 */
export async function readIndexPartition(
  client: DynamoDBDocumentClient,
  read: {
    tableName: string;
    index: { indexName: string; partitionKey: string };
    partition: string;
    limit: number;
    startKey?: Item;
    /** Only items whose sort key is greater than this value. */
    sortKeyAfter?: { name: string; value: number };
  },
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey = read.startKey;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: read.tableName,
        IndexName: read.index.indexName,
        KeyConditionExpression: `#partition = :partition${read.sortKeyAfter ? ' AND #sort > :after' : ''}`,
        ExpressionAttributeNames: { '#partition': read.index.partitionKey, ...(read.sortKeyAfter && { '#sort': read.sortKeyAfter.name }) },
        ExpressionAttributeValues: { ':partition': read.partition, ...(read.sortKeyAfter && { ':after': read.sortKeyAfter.value }) },
        ScanIndexForward: true,
        Limit: read.limit - items.length,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < read.limit);
  return items;
}
