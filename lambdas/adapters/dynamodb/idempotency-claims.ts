import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Item } from './record-items.ts';
import { PARTITION_KEY, TTL_ATTRIBUTE } from './table-design.ts';

/**
 * An Idempotency-Key's claim (of a create, or of a bulk load's start) is an item of the records table,
 * written in the same transaction as what it claims, on condition that no live claim holds the key:
 * none, or one whose TTL has passed (DynamoDB's TTL deletes it later). A cancelled write reads the
 * claim that beat it from its cancellation reason (ALL_OLD).
 */
export const claimPut = (tableName: string, item: Item, now: number) => ({
  Put: {
    TableName: tableName,
    Item: item,
    ConditionExpression: `attribute_not_exists(${PARTITION_KEY}) OR ${TTL_ATTRIBUTE} < :now`,
    ExpressionAttributeValues: { ':now': now },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  },
});

/**
 * The live claim of `key`, read strongly consistent: what a write that was cancelled because another
 * transaction held the claim reads, so that it answers as soon as that one landed rather than wait
 * for the item to be free again.
 */
export async function liveClaim(client: DynamoDBDocumentClient, tableName: string, key: string, now: number): Promise<Item | undefined> {
  const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { [PARTITION_KEY]: key }, ConsistentRead: true }));
  return Item && Number(Item[TTL_ATTRIBUTE]) >= now ? Item : undefined;
}
