import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { LINE_ERRORS_KEPT, type LineError } from '../../domain/bulk-load.ts';
import { countMergedPartitions, readMergedPartitions } from './dynamodb-index-partition.ts';
import type { Item } from './record-items.ts';
import {
  BULK_ERROR_INDEX,
  PARTITION_KEY,
  TTL_ATTRIBUTE,
  bulkErrorPartition,
  bulkErrorPartitions,
  bulkLineErrorKey,
  bulkLoadKey,
} from './table-design.ts';

/*
 * The line errors a bulk load keeps (domain/bulk-load.ts, lineErrorsToKeep), one owner for their items:
 * one item per line, in the load's error index spread over 16 key values by line (table-design.ts), read
 * back merged in line order and counted; and the attribute of the load's item that says through which
 * line its first LINE_ERRORS_KEPT lie, once a batch knows, so that the batches after it count nothing.
 */
const KEPT_THROUGH = 'line_errors_kept_through';

/** The item of a line error, under its line's shard of the load's index key. */
export const lineErrorItem = (tenantId: string, loadId: string, error: LineError, expiresAt: number): Item => ({
  [PARTITION_KEY]: bulkLineErrorKey(tenantId, loadId, error.line),
  [BULK_ERROR_INDEX.partitionKey]: bulkErrorPartition(tenantId, loadId, error.line),
  [BULK_ERROR_INDEX.sortKey]: error.line,
  message: error.message,
  ...(error.details && { details: error.details }),
  [TTL_ATTRIBUTE]: expiresAt,
});

/** Up to `limit` stored line errors after line `afterLine`, in line order: the shards merged. */
export async function readLineErrors(
  client: DynamoDBDocumentClient,
  tableName: string,
  tenantId: string,
  loadId: string,
  page: { afterLine: number; limit: number },
): Promise<LineError[]> {
  const items = await readMergedPartitions(client, {
    tableName,
    index: BULK_ERROR_INDEX,
    sortKey: BULK_ERROR_INDEX.sortKey,
    partitions: bulkErrorPartitions(tenantId, loadId),
    limit: page.limit,
    after: page.afterLine,
  });
  return items.map((item) => ({
    line: Number(item.line),
    message: item.message as string,
    ...(item.details ? { details: item.details as LineError['details'] } : {}),
  }));
}

/**
 * How many line errors of lines before `line` are stored, up to LINE_ERRORS_KEPT; and the line through
 * which the first LINE_ERRORS_KEPT lie once recorded, past which the count is LINE_ERRORS_KEPT without
 * reading the index (an eventually consistent read of the load's item: a lag only makes a batch count).
 */
export async function lineErrorsBefore(
  client: DynamoDBDocumentClient,
  tableName: string,
  tenantId: string,
  loadId: string,
  line: number,
): Promise<{ count: number; keptThrough?: number }> {
  const { Item } = await client.send(
    new GetCommand({
      TableName: tableName,
      Key: { [PARTITION_KEY]: bulkLoadKey(tenantId, loadId) },
      ProjectionExpression: '#through',
      ExpressionAttributeNames: { '#through': KEPT_THROUGH },
    }),
  );
  const keptThrough = Item?.[KEPT_THROUGH] === undefined ? undefined : Number(Item[KEPT_THROUGH]);
  if (keptThrough !== undefined && keptThrough < line) return { count: LINE_ERRORS_KEPT, keptThrough };
  const count = await countMergedPartitions(client, {
    tableName,
    index: BULK_ERROR_INDEX,
    sortKey: BULK_ERROR_INDEX.sortKey,
    partitions: bulkErrorPartitions(tenantId, loadId),
    before: line,
    atMost: LINE_ERRORS_KEPT,
  });
  return keptThrough === undefined ? { count } : { count, keptThrough };
}

/** Records on the load's item that its first LINE_ERRORS_KEPT line errors lie at or before `line`, unless an earlier line is recorded. */
export async function keepLineErrorsThrough(
  client: DynamoDBDocumentClient,
  tableName: string,
  tenantId: string,
  loadId: string,
  line: number,
): Promise<void> {
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [PARTITION_KEY]: bulkLoadKey(tenantId, loadId) },
        UpdateExpression: 'SET #through = :line',
        ConditionExpression: `attribute_exists(${PARTITION_KEY}) AND (attribute_not_exists(#through) OR #through > :line)`,
        ExpressionAttributeNames: { '#through': KEPT_THROUGH },
        ExpressionAttributeValues: { ':line': line },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error; // an earlier line stands
  }
}
