import { type DynamoDBDocumentClient, UpdateCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { LOOKUP_INDEXES, lookupKeyOf, tenantOfRecordKey } from '../../lambdas/adapters/dynamodb/table-design.ts';

/**
 * A data directory from before the lookups a billing run gathers under were written in shards holds
 * their index keys as `<tenant>#<value>`: each such record gets its sharded keys (`<tenant>#<value>#<n>`),
 * so that lists find it. Run by the local service at start; a data directory already in shards is
 * read through once and left as it is. (In AWS there is nothing to migrate: nothing was deployed
 * before the sharding.)
 */
export async function migrateLookupShards(client: DynamoDBDocumentClient, tableName: string): Promise<number> {
  const sharded = Object.values(LOOKUP_INDEXES).filter((index) => index.shards > 1);
  let migrated = 0;
  const scan = paginateScan(
    { client },
    {
      TableName: tableName,
      FilterExpression: sharded.map((_, n) => `attribute_exists(#key${n})`).join(' OR '),
      ExpressionAttributeNames: Object.fromEntries(sharded.map((index, n) => [`#key${n}`, index.partitionKey])),
    },
  );
  for await (const page of scan) {
    for (const item of page.Items ?? []) {
      const tenantId = tenantOfRecordKey(String(item.pk));
      const stale = sharded.filter(
        (index) => typeof item[index.partitionKey] === 'string' && String(item[index.partitionKey]).split('#').length === 2,
      );
      if (stale.length === 0) continue;
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: item.pk },
          UpdateExpression: `SET ${stale.map((_, n) => `#key${n} = :key${n}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(stale.map((index, n) => [`#key${n}`, index.partitionKey])),
          ExpressionAttributeValues: Object.fromEntries(
            stale.map((index, n) => [`:key${n}`, lookupKeyOf(index, tenantId, String(item[index.field]), String(item.id))]),
          ),
        }),
      );
      migrated++;
    }
  }
  return migrated;
}
