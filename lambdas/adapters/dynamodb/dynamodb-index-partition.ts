import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Item } from './record-items.ts';

/** What a merged read asks each partition for: its part of what is left, and one more where there are several (the merge may take more from one). */
export const partitionShare = (left: number, partitions: number): number => Math.ceil(left / partitions) + (partitions > 1 ? 1 : 0);

/** One partition of a merged read: what was read of it and not yet handed out, and where it goes on. */
interface PartitionCursor {
  partition: string;
  buffer: Item[];
  startKey: Item | undefined;
  done: boolean;
}

type SortKeyValue = string | number;
/** Whether `a` sorts at or before `b` in an index: numbers by value, strings by their characters. */
const sortsFirst = (a: unknown, b: unknown): boolean => (typeof a === 'number' && typeof b === 'number' ? a <= b : String(a) <= String(b));

/**
 * Up to `limit` items whose index entries are spread over `partitions` (write sharding: a lookup
 * value's, a bulk load's line errors), in sort key order after `after`: each partition is read in
 * small pages and the heads merged, so a page reads about its size plus a page's slack per partition,
 * whatever the partitions hold.
 */
export async function readMergedPartitions(
  client: DynamoDBDocumentClient,
  read: {
    tableName: string;
    index: { indexName: string; partitionKey: string };
    sortKey: string;
    partitions: string[];
    limit: number;
    after?: SortKeyValue;
    /** Only entries whose (string) sort key begins so: one status of a status index. */
    prefix?: string;
  },
): Promise<Item[]> {
  const share = (left: number) => partitionShare(left, read.partitions.length);
  const sortCondition = (): { expression: string; values: Record<string, SortKeyValue> } => {
    if (read.prefix === undefined) {
      return read.after === undefined
        ? { expression: '', values: {} }
        : { expression: ' AND #sort > :after', values: { ':after': read.after } };
    }
    if (read.after === undefined) return { expression: ' AND begins_with(#sort, :prefix)', values: { ':prefix': read.prefix } };
    // A key condition has one test of the sort key: from `after` (read again, and dropped) to the prefix's end.
    return { expression: ' AND #sort BETWEEN :after AND :end', values: { ':after': read.after, ':end': `${read.prefix}\uffff` } };
  };
  const { expression, values } = sortCondition();
  const fill = async (cursor: PartitionCursor, count: number): Promise<void> => {
    const page = await client.send(
      new QueryCommand({
        TableName: read.tableName,
        IndexName: read.index.indexName,
        KeyConditionExpression: `#partition = :partition${expression}`,
        ExpressionAttributeNames: { '#partition': read.index.partitionKey, ...(expression !== '' && { '#sort': read.sortKey }) },
        ExpressionAttributeValues: { ':partition': cursor.partition, ...values },
        ScanIndexForward: true,
        Limit: count,
        ExclusiveStartKey: cursor.startKey,
      }),
    );
    cursor.buffer.push(...(page.Items ?? []).filter((item) => read.after === undefined || item[read.sortKey] !== read.after));
    cursor.startKey = page.LastEvaluatedKey;
    cursor.done = page.LastEvaluatedKey === undefined;
  };
  const cursors: PartitionCursor[] = read.partitions.map((partition) => ({ partition, buffer: [], startKey: undefined, done: false }));
  await Promise.all(cursors.map((cursor) => fill(cursor, share(read.limit))));
  const merged: Item[] = [];
  while (merged.length < read.limit) {
    // A partition whose read part is used up may hold the next key: read on before choosing.
    const drained = cursors.filter((cursor) => cursor.buffer.length === 0 && !cursor.done);
    if (drained.length > 0) await Promise.all(drained.map((cursor) => fill(cursor, share(read.limit - merged.length))));
    const next = cursors
      .filter((cursor) => cursor.buffer.length > 0)
      .reduce<PartitionCursor | undefined>(
        (a, b) => (a && sortsFirst(a.buffer[0]?.[read.sortKey], b.buffer[0]?.[read.sortKey]) ? a : b),
        undefined,
      );
    if (!next) break;
    merged.push(next.buffer.shift() as Item);
  }
  return merged;
}

/**
 * How many entries spread over `partitions` have a sort key below `before`, counted up to `atMost`:
 * Queries that count (`Select: COUNT`, nothing sent back), each partition asked for its share of what is
 * left, so that about `atMost` entries are read however many there are. DynamoDB charges a count by the
 * entries it reads, as any Query.
 */
export async function countMergedPartitions(
  client: DynamoDBDocumentClient,
  read: {
    tableName: string;
    index: { indexName: string; partitionKey: string };
    sortKey: string;
    partitions: string[];
    before: SortKeyValue;
    atMost: number;
  },
): Promise<number> {
  const cursors = read.partitions.map((partition) => ({ partition, startKey: undefined as Item | undefined, done: false }));
  let counted = 0;
  for (let open = cursors; counted < read.atMost && open.length > 0; open = open.filter((cursor) => !cursor.done)) {
    const share = partitionShare(read.atMost - counted, open.length);
    const counts = await Promise.all(
      open.map(async (cursor) => {
        const page = await client.send(
          new QueryCommand({
            TableName: read.tableName,
            IndexName: read.index.indexName,
            KeyConditionExpression: '#partition = :partition AND #sort < :before',
            ExpressionAttributeNames: { '#partition': read.index.partitionKey, '#sort': read.sortKey },
            ExpressionAttributeValues: { ':partition': cursor.partition, ':before': read.before },
            Select: 'COUNT',
            Limit: share,
            ExclusiveStartKey: cursor.startKey,
          }),
        );
        cursor.startKey = page.LastEvaluatedKey;
        cursor.done = page.LastEvaluatedKey === undefined;
        return page.Count ?? 0;
      }),
    );
    counted += counts.reduce((sum, count) => sum + count, 0);
  }
  return Math.min(counted, read.atMost);
}
