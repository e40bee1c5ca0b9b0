import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { StuckRecordKey, StuckRecords } from '../../ports/stuck-records.ts';
import {
  LEGACY_PROCESSING_INDEX,
  PARTITION_KEY,
  PROCESSING_INDEX,
  entriesPerShard,
  idOfRecordKey,
  legacyProcessingPartitions,
  processingPartitions,
  tenantOfRecordKey,
} from './table-design.ts';

type Index = typeof PROCESSING_INDEX | typeof LEGACY_PROCESSING_INDEX;

/** One key value of an index, read forward from where the last Query stopped. */
interface Partition {
  key: string;
  startKey?: Record<string, unknown>;
  done: boolean;
}

/** Whose entries one page is read from: a tenant's shards of the processing index, or the legacy index's shared ones. */
interface Scope {
  index: Index;
  partitions: Partition[];
}

const scope = (index: Index, keys: string[]): Scope => ({ index, partitions: keys.map((key) => ({ key, done: false })) });
const isOpen = (partition: Partition): boolean => !partition.done;

/**
 * A Query of an index still being built: after the upgrade that adds the keyed index, DynamoDB fills it
 * from the table (its backfill; CloudFormation does not wait for it) and refuses reads meanwhile with
 * this message alone, no code of its own (aws-cloudformation/cloudformation-coverage-roadmap#1075).
 */
const stillBuilding = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ValidationException' && /backfilling/i.test(error.message);

/**
 * The processing index, walked for the sweep. A page is one tenant's: its 16 shards queried at once,
 * each for `pageSize / 16` entries (31 of a page of 500) from where its last Query stopped. Round after
 * round every tenant with more gets a page, so a run over N tenants with nothing stuck costs 16N Queries
 * in N round trips, half a read unit each, and 16 more of the legacy index while it is kept. A record
 * swept leaves the index, and later Queries go on after the last key read, so no entry is read twice in
 * a run. While the keyed index is still being built after the upgrade, its tenants' pages are empty:
 * the records put in processing before the upgrade are all in the legacy index, and one put in
 * processing since is not past the cut-off (30 hours by default) before the index is built.
 */
export class DynamoDbStuckRecords implements StuckRecords {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  async *changedBefore(tenantIds: readonly string[], before: string, pageSize: number): AsyncIterable<StuckRecordKey[]> {
    const legacy = scope(LEGACY_PROCESSING_INDEX, legacyProcessingPartitions());
    const tenants = tenantIds.map((tenantId) => scope(PROCESSING_INDEX, processingPartitions(tenantId)));
    for (let open = [legacy, ...tenants]; open.length > 0; open = open.filter((each) => each.partitions.some(isOpen))) {
      for (const each of open) {
        if (!each.partitions.some(isOpen)) continue;
        yield await this.page(each, before, pageSize).catch((error: unknown) => {
          if (each.index !== PROCESSING_INDEX || !stillBuilding(error)) throw error;
          for (const tenant of tenants) for (const partition of tenant.partitions) partition.done = true;
          return [];
        });
      }
    }
  }

  private async page(from: Scope, before: string, pageSize: number): Promise<StuckRecordKey[]> {
    const limit = entriesPerShard(pageSize);
    const found = await Promise.all(from.partitions.filter(isOpen).map((partition) => this.query(from.index, partition, before, limit)));
    return found.flat();
  }

  /** Up to `limit` entries of one key value changed before `before`, oldest first, after those read before. */
  private async query(index: Index, partition: Partition, before: string, limit: number): Promise<StuckRecordKey[]> {
    const { Items, LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.indexName,
        KeyConditionExpression: '#partition = :partition AND #since < :before',
        ExpressionAttributeNames: { '#partition': index.partitionKey, '#since': index.sortKey },
        ExpressionAttributeValues: { ':partition': partition.key, ':before': before },
        Limit: limit,
        ExclusiveStartKey: partition.startKey,
      }),
    );
    partition.startKey = LastEvaluatedKey;
    partition.done = LastEvaluatedKey === undefined;
    return (Items ?? []).map((item) => ({
      tenantId: tenantOfRecordKey(String(item[PARTITION_KEY])),
      id: idOfRecordKey(String(item[PARTITION_KEY])),
    }));
  }
}
