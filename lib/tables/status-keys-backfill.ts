import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { liveRecordPages } from './live-records.ts';
import { LOOKUP_INDEXES, STATUS_SORT_KEY, statusSortKey } from '../../lambdas/adapters/dynamodb/table-design.ts';

/**
 * Records written before the status lists have no status indexes' sort key: each live one gets it
 * (`<status>#<id>`), so that `?status=` lists find it, as does one whose key is not its status's (a
 * write-back by an execution started under the definition before them sets the status alone); a record
 * written meanwhile (which sets the key itself) and records whose key is right are left as they are. The local service runs it at start on an older data
 * directory; `npm run backfill-status-keys` runs it on a deployed stack's table. Answers how many it set.
 */
export async function backfillStatusKeys(client: DynamoDBDocumentClient, tableName: string): Promise<number> {
  const lookupKey = LOOKUP_INDEXES.billingRun.partitionKey;
  let migrated = 0;
  for await (const items of liveRecordPages(client, tableName)) {
    for (const item of items) {
      const key = statusSortKey(String(item.status), String(item.id));
      if (item[STATUS_SORT_KEY] === key) continue;
      const set = await client
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: item.pk },
            UpdateExpression: 'SET #statusKey = :statusKey',
            // Unless the record was written meanwhile (a write sets the key itself).
            ConditionExpression: 'sys_version = :version AND attribute_exists(#lookup)',
            ExpressionAttributeNames: { '#statusKey': STATUS_SORT_KEY, '#lookup': lookupKey },
            ExpressionAttributeValues: { ':statusKey': key, ':version': item.sys_version },
          }),
        )
        .then(
          () => true,
          (error: Error) => {
            if (error.name !== 'ConditionalCheckFailedException') throw error;
            return false;
          },
        );
      if (set) migrated++;
    }
  }
  return migrated;
}
