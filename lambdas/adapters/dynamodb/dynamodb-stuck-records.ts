import { PROCESSING } from '../../domain/processing.ts';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { toRecord } from './record-items.ts';
import type { StuckRecords, TenantRecord } from '../../ports/stuck-records.ts';
import { PARTITION_KEY, PROCESSING_INDEX, processingShardKey, tenantOfRecordKey } from './table-design.ts';

/** The sparse processing index, queried shard by shard for entries older than the cut-off that are still in processing. */
export class DynamoDbStuckRecords implements StuckRecords {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  async changedBefore(before: string, limit: number): Promise<TenantRecord[]> {
    const found: TenantRecord[] = [];
    for (let shard = 0; shard < PROCESSING_INDEX.shards && found.length < limit; shard++) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: PROCESSING_INDEX.indexName,
            KeyConditionExpression: '#shard = :shard AND #since < :before',
            FilterExpression: '#status = :processing AND attribute_not_exists(sys_deleted_by_id)',
            ExpressionAttributeNames: { '#shard': PROCESSING_INDEX.partitionKey, '#since': PROCESSING_INDEX.sortKey, '#status': 'status' },
            ExpressionAttributeValues: { ':shard': processingShardKey(shard), ':before': before, ':processing': PROCESSING },
            Limit: limit,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          if (found.length < limit) found.push({ tenantId: tenantOfRecordKey(String(item[PARTITION_KEY])), record: toRecord(item) });
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey && found.length < limit);
    }
    return found;
  }
}
