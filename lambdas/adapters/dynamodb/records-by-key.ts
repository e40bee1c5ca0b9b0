import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RetriesExhausted, retrying } from '../../retry.ts';
import { RETRY_POLICIES } from '../../retry-policies.ts';
import { LeftUnprocessed } from '../../storage-busy.ts';
import type { Item } from './record-items.ts';
import { PARTITION_KEY } from './table-design.ts';

/** BatchGetItem's limit: 100 keys a call. */
const KEYS_PER_CALL = 100;

/**
 * The items of these record keys, in the keys' order (a key with no item left out), read 100 keys a
 * BatchGetItem, the calls at once, strongly consistent (a status list must not show a record's old copy). Keys DynamoDB leaves unprocessed (throttled) are asked again by the
 * `keyReads` schedule; still left, the read throws LeftUnprocessed (busy, as storage-busy.ts reads it).
 */
export async function readItemsByKey(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: string[],
  what = 'records of a status list',
): Promise<Item[]> {
  const found = new Map<string, Item>();
  const calls: string[][] = [];
  for (let start = 0; start < keys.length; start += KEYS_PER_CALL) calls.push(keys.slice(start, start + KEYS_PER_CALL));
  await Promise.all(
    calls.map(async (call) => {
      let left = call.map((key) => ({ [PARTITION_KEY]: key }));
      try {
        await retrying(
          RETRY_POLICIES.keyReads,
          async () => {
            const { Responses, UnprocessedKeys } = await client.send(
              new BatchGetCommand({ RequestItems: { [tableName]: { Keys: left, ConsistentRead: true } } }),
            );
            for (const item of Responses?.[tableName] ?? []) found.set(String(item[PARTITION_KEY]), item);
            left = (UnprocessedKeys?.[tableName]?.Keys ?? []) as typeof left;
            if (left.length > 0) throw new LeftUnprocessed(what, left.length);
          },
          (error) => error instanceof LeftUnprocessed,
        );
      } catch (error) {
        throw error instanceof RetriesExhausted ? error.last : error;
      }
    }),
  );
  return keys.flatMap((key) => {
    const item = found.get(key);
    return item ? [item] : [];
  });
}
