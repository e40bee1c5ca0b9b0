import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Item } from './record-items.ts';

/**
 * Up to `limit` items of one partition of a table's index, in the index's key order, after a sort
 * key value. DynamoDB may answer one Query in several pages (1 MB each), so the pages are followed
 * until the limit or the end of the partition.
 */
export async function readIndexPartition(
  client: DynamoDBDocumentClient,
  read: {
    tableName: string;
    index: { indexName: string; partitionKey: string };
    partition: string;
    limit: number;
    /** Only items whose sort key is greater than this value. */
    sortKeyAfter?: { name: string; value: number };
  },
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
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

/** What a merged read asks each partition for: its part of what is left, and one more where there are several (the merge may take more from one). */
export const partitionShare = (left: number, partitions: number): number => Math.ceil(left / partitions) + (partitions > 1 ? 1 : 0);

/** One partition of a merged read: what was read of it and not yet handed out, and where it goes on. */
interface PartitionCursor {
  partition: string;
  buffer: Item[];
  startKey: Item | undefined;
  done: boolean;
}

/**
 * Up to `limit` items of a lookup value whose index entries are spread over `partitions` (write
 * sharding), in id order after `afterId`: each partition is read in small pages and the heads merged,
 * so a page reads about its size plus a page's slack per partition, whatever the partitions hold.
 */
export async function readMergedPartitions(
  client: DynamoDBDocumentClient,
  read: {
    tableName: string;
    index: { indexName: string; partitionKey: string };
    sortKey: string;
    partitions: string[];
    limit: number;
    afterId?: string;
  },
): Promise<Item[]> {
  const share = (left: number) => partitionShare(left, read.partitions.length);
  const fill = async (cursor: PartitionCursor, count: number): Promise<void> => {
    const page = await client.send(
      new QueryCommand({
        TableName: read.tableName,
        IndexName: read.index.indexName,
        KeyConditionExpression: `#partition = :partition${read.afterId === undefined ? '' : ' AND #sort > :after'}`,
        ExpressionAttributeNames: { '#partition': read.index.partitionKey, ...(read.afterId !== undefined && { '#sort': read.sortKey }) },
        ExpressionAttributeValues: { ':partition': cursor.partition, ...(read.afterId !== undefined && { ':after': read.afterId }) },
        ScanIndexForward: true,
        Limit: count,
        ExclusiveStartKey: cursor.startKey,
      }),
    );
    cursor.buffer.push(...(page.Items ?? []));
    cursor.startKey = page.LastEvaluatedKey;
    cursor.done = page.LastEvaluatedKey === undefined;
  };
  const cursors: PartitionCursor[] = read.partitions.map((partition) => ({ partition, buffer: [], startKey: undefined, done: false }));
  await Promise.all(cursors.map((cursor) => fill(cursor, share(read.limit))));
  const merged: Item[] = [];
  while (merged.length < read.limit) {
    // A partition whose read part is used up may hold the next id: read on before choosing.
    const drained = cursors.filter((cursor) => cursor.buffer.length === 0 && !cursor.done);
    if (drained.length > 0) await Promise.all(drained.map((cursor) => fill(cursor, share(read.limit - merged.length))));
    const next = cursors
      .filter((cursor) => cursor.buffer.length > 0)
      .reduce<PartitionCursor | undefined>(
        (a, b) => (a && String(a.buffer[0]?.[read.sortKey]) <= String(b.buffer[0]?.[read.sortKey]) ? a : b),
        undefined,
      );
    if (!next) break;
    merged.push(next.buffer.shift() as Item);
  }
  return merged;
}
