import { RETRY_POLICIES } from '../../retry-policies.ts';
import { whileBusy } from './while-busy.ts';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { type BatchLimits, type BulkLoad, type BulkLoadStatus, type LineError, statusesBefore } from '../../domain/bulk-load.ts';
import { Conflict } from '../../domain/errors.ts';
import type { IdempotencyClaim } from '../../ports/billing-run-action-repository.ts';
import type { BulkLoads } from '../../ports/bulk-load-store.ts';
import { lineErrorsBefore, readLineErrors } from './bulk-line-errors.ts';
import { type Item, oldItemOf } from './record-items.ts';
import { PARTITION_KEY, TTL_ATTRIBUTE, bulkLoadKey, idempotencyKey } from './table-design.ts';
import { retentionEnd } from './dynamodb-bulk-chunks.ts';
import { claimPut, liveClaim } from './idempotency-claims.ts';
import { cancellationReasons, cancelledForConflict, concurrentWrites, transactWrite } from './transactions.ts';
import { RetriesExhausted, retrying } from '../../retry.ts';

const LOAD_FIELDS = [
  'id',
  'status',
  'source_file',
  'lines',
  'loaded',
  'failed',
  'created_at',
  'created_by',
  'started_at',
  'finished_at',
  'message',
];

type LoadChange = Pick<
  UpdateCommandInput,
  'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
>;

/**
 * The condition of a change to `to`, built from the load's life (domain/bulk-load.ts): the status is one
 * that may lead to it, with `also` a further condition on a change from a given status. Its values are
 * named `:from0`, `:from1`, ... in the order of the statuses.
 */
function fromStatuses(to: BulkLoadStatus, also: Partial<Record<BulkLoadStatus, string>> = {}): { condition: string; values: Item } {
  const from = statusesBefore(to);
  const condition = from
    .map((status, n) => (also[status] ? `(#status = :from${n} AND ${also[status]})` : `#status = :from${n}`))
    .join(' OR ');
  return { condition, values: Object.fromEntries(from.map((status, n) => [`:from${n}`, status])) };
}

function toLoad(item: Item): BulkLoad {
  const load: Item = {};
  for (const field of LOAD_FIELDS) if (item[field] !== undefined) load[field] = item[field];
  return load as unknown as BulkLoad;
}

/** Loads are items of the records table, beside the records (table-design.ts), kept for BULK_LOAD_RETENTION_DAYS. */
export class DynamoDbBulkLoads implements BulkLoads {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  async create(tenantId: string, load: BulkLoad, idempotency?: IdempotencyClaim): Promise<{ load: BulkLoad; replayed: boolean }> {
    const put = {
      Put: {
        TableName: this.tableName,
        Item: { ...load, [PARTITION_KEY]: bulkLoadKey(tenantId, load.id), [TTL_ATTRIBUTE]: retentionEnd() },
        ConditionExpression: `attribute_not_exists(${PARTITION_KEY})`,
      },
    };
    if (!idempotency) {
      await this.client.send(new PutCommand(put.Put));
      return { load, replayed: false };
    }
    const claimKey = idempotencyKey(tenantId, 'bulkLoad', idempotency.key);
    const claim = claimPut(
      this.tableName,
      { [PARTITION_KEY]: claimKey, body_hash: idempotency.bodyHash, load_id: load.id, [TTL_ATTRIBUTE]: idempotency.expiresAt },
      idempotency.now,
    );
    let existing: Item | undefined;
    try {
      // Starts with one key that race meet on its claim: a loser reads the claim, and tries again only
      // while no start has made it yet (the winner still at work, or cancelled).
      await retrying(
        RETRY_POLICIES.transactionConflict,
        async () => {
          try {
            await transactWrite(this.client, { TransactItems: [put, claim] });
          } catch (error) {
            existing = oldItemOf(cancellationReasons(error)?.[1]);
            if (!existing && cancelledForConflict(error))
              existing = await liveClaim(this.client, this.tableName, claimKey, idempotency.now);
            if (!existing) throw error;
          }
        },
        (error) => cancelledForConflict(error),
      );
    } catch (error) {
      throw error instanceof RetriesExhausted ? concurrentWrites(tenantId, error) : error;
    }
    if (!existing) return { load, replayed: false };
    if (existing.body_hash !== idempotency.bodyHash) {
      throw new Conflict(`Idempotency-Key '${idempotency.key}' was already used with a different body`);
    }
    const first = await this.get(tenantId, existing.load_id as string);
    if (!first) throw new Error(`The load ${String(existing.load_id)} of Idempotency-Key '${idempotency.key}' is not stored`);
    return { load: first, replayed: true };
  }

  async get(tenantId: string, loadId: string): Promise<BulkLoad | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [PARTITION_KEY]: bulkLoadKey(tenantId, loadId) }, ConsistentRead: true }),
    );
    return Item ? toLoad(Item) : undefined;
  }
  lineErrors(tenantId: string, loadId: string, page: { afterLine: number; limit: number }): Promise<LineError[]> {
    return readLineErrors(this.client, this.tableName, tenantId, loadId, page);
  }
  lineErrorsBefore(tenantId: string, loadId: string, line: number): Promise<{ count: number; keptThrough?: number }> {
    return lineErrorsBefore(this.client, this.tableName, tenantId, loadId, line);
  }

  async countLines(tenantId: string, loadId: string, lines: number): Promise<BulkLoad | undefined> {
    return this.update(tenantId, loadId, {
      UpdateExpression: 'SET #lines = :lines',
      ConditionExpression: `attribute_exists(${PARTITION_KEY})`,
      ExpressionAttributeNames: { '#lines': 'lines' },
      ExpressionAttributeValues: { ':lines': lines },
    });
  }

  async beginLoading(
    tenantId: string,
    loadId: string,
    at: string,
    upload: string,
    batch: BatchLimits,
  ): Promise<{ load: BulkLoad; batch: BatchLimits } | undefined> {
    // From a status before loading; from loading itself only for the same upload (a retried prepare).
    const from = fromStatuses('loading', { loading: 'upload_version = :upload' });
    const attributes = await this.updateItem(tenantId, loadId, {
      UpdateExpression:
        'SET #status = :loading, started_at = if_not_exists(started_at, :at), upload_version = :upload, ' +
        'batch_lines = if_not_exists(batch_lines, :lines), batch_bytes = if_not_exists(batch_bytes, :bytes)',
      ConditionExpression: from.condition,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ...from.values,
        ':loading': 'loading',
        ':at': at,
        ':upload': upload,
        ':lines': batch.maxLines,
        ':bytes': batch.maxBytes,
      },
    });
    if (!attributes) return undefined;
    return { load: toLoad(attributes), batch: { maxLines: Number(attributes.batch_lines), maxBytes: Number(attributes.batch_bytes) } };
  }

  async complete(
    tenantId: string,
    loadId: string,
    status: 'completed' | 'completed with errors',
    at: string,
  ): Promise<BulkLoad | undefined> {
    const from = fromStatuses(status);
    return this.update(tenantId, loadId, {
      UpdateExpression: 'SET #status = :status, finished_at = :at',
      ConditionExpression: from.condition,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ...from.values, ':status': status, ':at': at },
    });
  }

  async fail(tenantId: string, loadId: string, message: string, at: string): Promise<void> {
    const from = fromStatuses('failed');
    await this.update(tenantId, loadId, {
      UpdateExpression: 'SET #status = :failed, message = :message, finished_at = :at',
      ConditionExpression: from.condition,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ...from.values, ':failed': 'failed', ':message': message, ':at': at },
    });
  }

  /** A conditional update of the load: the load as it stands after it, or undefined when its condition did not hold. */
  private async update(tenantId: string, loadId: string, change: LoadChange): Promise<BulkLoad | undefined> {
    const attributes = await this.updateItem(tenantId, loadId, change);
    return attributes && toLoad(attributes);
  }

  /** A conditional update of the load's item: the item after it, or undefined when its condition did not hold. */
  private async updateItem(tenantId: string, loadId: string, change: LoadChange): Promise<Item | undefined> {
    try {
      // The load's bookkeeping (its claim, line count, end) waits out a busy table rather than leave the load behind.
      const { Attributes } = await whileBusy(RETRY_POLICIES.loadItem, () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { [PARTITION_KEY]: bulkLoadKey(tenantId, loadId) },
            ...change,
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return Attributes as Item;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }
}
