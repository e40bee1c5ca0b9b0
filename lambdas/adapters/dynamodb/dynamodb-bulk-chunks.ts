import { RETRY_POLICIES } from '../../retry-policies.ts';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import type { BillingRunAction } from '../../domain/record-schema.ts';
import { BULK_LOAD_RETENTION_DAYS, type LineError } from '../../domain/bulk-load.ts';
import { ServiceError } from '../../domain/errors.ts';
import type { BulkChunks, ChunkState, StorableRecord } from '../../ports/bulk-load-store.ts';
import { shardOf } from '../../domain/record-limit.ts';
import { CounterMoved, counterRelease, counterReservation, reservationOf } from './tenant-counter.ts';
import { LeftUnprocessed, storageBusy } from '../../storage-busy.ts';
import { whileBusy } from './while-busy.ts';
import { type Item, toItem } from './record-items.ts';
import { transactWrite } from './transactions.ts';
import type { DynamoDbLoadPace } from './load-pace.ts';
import { itemSize } from '../../domain/stored-size.ts';
import { PARTITION_KEY, TTL_ATTRIBUTE, bulkChunkKey, bulkLoadKey, recordKey } from './table-design.ts';
import { keepLineErrorsThrough, lineErrorItem } from './bulk-line-errors.ts';

/** A record with its item, made once when the line is read and written as it is. */
interface RecordItem extends StorableRecord {
  item: Item;
}

const BATCH_WRITE_ITEMS = 25;
/** The write units of putting `items` (each 1 KB begun; an index that projects the whole item costs as much again). */
const writeUnitsOf = (items: Item[]): number => items.reduce((sum, item) => sum + Math.ceil(itemSize(item) / 1024), 0);
/** How many reads at once look for the records of a batch that gives up. */
const STORED_ID_READS = 25;

/** Epoch seconds until which a load's items are kept (DynamoDB TTL). */
export const retentionEnd = (): number => Math.floor(Date.now() / 1000) + BULK_LOAD_RETENTION_DAYS * 86_400;

/** A load's batches: their bookkeeping items, the room they reserve on the tenant's counter, their records and line errors. */
export class DynamoDbBulkChunks implements BulkChunks {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly tenantsTableName: string;
  /** The loads' shared pace (load-pace.ts); none where storage has no limits to keep (DynamoDB Local alone). */
  private readonly pace: DynamoDbLoadPace | undefined;

  constructor(client: DynamoDBDocumentClient, tableName: string, tenantsTableName: string, pace?: DynamoDbLoadPace) {
    this.client = client;
    this.tableName = tableName;
    this.tenantsTableName = tenantsTableName;
    this.pace = pace;
  }

  async chunk(tenantId: string, loadId: string, firstLine: number): Promise<ChunkState | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [PARTITION_KEY]: bulkChunkKey(tenantId, loadId, firstLine) },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    return { granted: Number(Item.granted), done: Item.state === 'done', ...(Item.refusal ? { refusal: Item.refusal as string } : {}) };
  }
  async reserve(tenantId: string, loadId: string, firstLine: number, wanted: number): Promise<{ granted: number; refusal?: string }> {
    const chunkPut = (granted: number, refusal: string | undefined) => ({
      Put: {
        TableName: this.tableName,
        Item: {
          [PARTITION_KEY]: bulkChunkKey(tenantId, loadId, firstLine),
          state: 'reserved',
          granted,
          ...(refusal && { refusal }),
          [TTL_ATTRIBUTE]: retentionEnd(),
        },
        ConditionExpression: `attribute_not_exists(${PARTITION_KEY})`,
      },
    });
    // The counter moved (or a concurrent transaction held it) between the read and the write: read it again and retry.
    const attempt = async (): Promise<{ granted: number; refusal?: string }> => {
      const { granted, refusal, shards } = await reservationOf(this.client, this.tenantsTableName, tenantId, wanted);
      const counter = shards.map((taken) => counterReservation(this.tenantsTableName, tenantId, taken.shard, taken.count, taken.slice));
      try {
        await transactWrite(this.client, { TransactItems: [chunkPut(granted, refusal), ...counter] });
        return refusal ? { granted, refusal } : { granted };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const [chunkReason] = error.CancellationReasons ?? [];
        // An earlier attempt of this batch reserved already: that reservation stands.
        const earlier = chunkReason?.Code === 'ConditionalCheckFailed' ? await this.chunk(tenantId, loadId, firstLine) : undefined;
        if (earlier) return earlier;
        throw error;
      }
    };
    return whileBusy(
      RETRY_POLICIES.reservation,
      attempt,
      (error) => error instanceof TransactionCanceledException || error instanceof CounterMoved,
    );
  }
  async putRecords(tenantId: string, records: StorableRecord[], options: { firstAttempt: boolean }): Promise<void> {
    const items = (records as RecordItem[]).map((stored) => stored.item);
    if (options.firstAttempt) {
      await this.batchPut(tenantId, items);
      return;
    }
    await this.pace?.acquire(tenantId, writeUnitsOf(items));
    await Promise.all(
      items.map((item) =>
        this.client
          .send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: `attribute_not_exists(${PARTITION_KEY})` }))
          .catch((error: unknown) => {
            // Written by the earlier attempt (and perhaps changed since): it stays as it is.
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
          }),
      ),
    );
  }
  storable(tenantId: string, record: BillingRunAction): StorableRecord | ServiceError {
    try {
      const stored: RecordItem = { record, item: toItem(tenantId, record) };
      return stored;
    } catch (error) {
      if (error instanceof ServiceError) return error;
      throw error;
    }
  }

  async putLineErrors(tenantId: string, loadId: string, errors: LineError[]): Promise<void> {
    const expiresAt = retentionEnd();
    await this.batchPut(
      tenantId,
      errors.map((error) => lineErrorItem(tenantId, loadId, error, expiresAt)),
    );
  }
  async lineErrorsKeptThrough(tenantId: string, loadId: string, line: number): Promise<void> {
    await whileBusy(RETRY_POLICIES.bookkeeping, () => keepLineErrorsThrough(this.client, this.tableName, tenantId, loadId, line));
  }
  async storedIds(tenantId: string, ids: string[]): Promise<Set<string>> {
    const limit = pLimit(STORED_ID_READS);
    const found = await Promise.all(
      ids.map((id) =>
        limit(async () => {
          const { Item } = await this.client.send(
            new GetCommand({
              TableName: this.tableName,
              Key: { [PARTITION_KEY]: recordKey(tenantId, id) },
              ProjectionExpression: PARTITION_KEY,
              ConsistentRead: true,
            }),
          );
          return Item ? id : undefined;
        }),
      ),
    );
    return new Set(found.filter((id) => id !== undefined));
  }
  async finishChunk(
    tenantId: string,
    loadId: string,
    firstLine: number,
    counts: { loaded: number; failed: number },
    released: number,
  ): Promise<void> {
    // A batch that gives up may never have reserved: its bookkeeping item is made done at once.
    const chunkDone = {
      Update: {
        TableName: this.tableName,
        Key: { [PARTITION_KEY]: bulkChunkKey(tenantId, loadId, firstLine) },
        UpdateExpression: 'SET #state = :done, loaded = :loaded, failed = :failed, granted = if_not_exists(granted, :zero), #ttl = :ttl',
        ConditionExpression: `attribute_not_exists(${PARTITION_KEY}) OR #state = :reserved`,
        ExpressionAttributeNames: { '#state': 'state', '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':done': 'done',
          ':reserved': 'reserved',
          ':loaded': counts.loaded,
          ':failed': counts.failed,
          ':zero': 0,
          ':ttl': retentionEnd(),
        },
      },
    };
    const loadCounts = {
      Update: {
        TableName: this.tableName,
        Key: { [PARTITION_KEY]: bulkLoadKey(tenantId, loadId) },
        UpdateExpression: 'ADD loaded :loaded, failed :failed',
        ExpressionAttributeValues: { ':loaded': counts.loaded, ':failed': counts.failed },
      },
    };
    // Room reserved for records that were never written goes back to the tenant.
    const release = released > 0 ? [counterRelease(this.tenantsTableName, tenantId, shardOf(`${loadId}#${firstLine}`), released)] : [];
    try {
      await whileBusy(RETRY_POLICIES.bookkeeping, () => transactWrite(this.client, { TransactItems: [chunkDone, loadCounts, ...release] }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [chunkReason] = error.CancellationReasons ?? [];
      if (chunkReason?.Code === 'ConditionalCheckFailed') return; // counted by an earlier attempt
      throw error;
    }
  }
  /** BatchWriteItem, 25 items a call, its unprocessed (or throttled) items sent again with backoff until a deadline. */
  private async batchPut(tenantId: string, items: Item[]): Promise<void> {
    const batches: Item[][] = [];
    for (let index = 0; index < items.length; index += BATCH_WRITE_ITEMS) batches.push(items.slice(index, index + BATCH_WRITE_ITEMS));
    await Promise.all(
      batches.map(async (batch) => {
        let requests = batch.map((Item) => ({ PutRequest: { Item } }));
        const attempt = async (): Promise<void> => {
          // Each call waits for its place in the loads' pace, a retry of what was left unprocessed too.
          await this.pace?.acquire(tenantId, writeUnitsOf(requests.map((request) => request.PutRequest.Item)));
          const { UnprocessedItems } = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
          requests = (UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
          if (requests.length > 0) throw new LeftUnprocessed('items', requests.length);
        };
        try {
          await whileBusy(RETRY_POLICIES.batchRecords, attempt);
        } catch (error) {
          if (!storageBusy(error)) throw error;
          throw new Error(`DynamoDB left ${requests.length} items unwritten within ${RETRY_POLICIES.batchRecords.budgetMs} ms`, {
            cause: error,
          });
        }
      }),
    );
  }
}
