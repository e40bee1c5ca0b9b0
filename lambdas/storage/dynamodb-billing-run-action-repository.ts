import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { BillingRunAction, Lookup } from '../domain/billing-run-action.ts';
import { Conflict, VersionConflict, notFound } from '../domain/errors.ts';
import type { BillingRunActionRepository, ListPage, SoftDeletion } from './billing-run-action-repository.ts';
import {
  LOOKUP_INDEXES,
  PARTITION_KEY,
  STORAGE_ATTRIBUTES,
  TTL_ATTRIBUTE,
  lookupKey,
  recordKey,
} from './table-design.ts';

/** Condition clauses, named for what they require of the stored item. */
const condition = {
  isNew: `attribute_not_exists(${PARTITION_KEY})`,
  isLiveAtVersion: 'sys_version = :expectedVersion AND attribute_not_exists(sys_deleted_by_id)',
};

type Item = Record<string, unknown>;

function toRecord(item: Item): BillingRunAction {
  const record: Item = { ...item };
  for (const attribute of STORAGE_ATTRIBUTES) delete record[attribute];
  return record as BillingRunAction;
}

function toItem(tenantId: string, record: BillingRunAction): Item {
  const item: Item = { ...record, [PARTITION_KEY]: recordKey(tenantId, record.id) };
  for (const index of Object.values(LOOKUP_INDEXES)) {
    item[index.partitionKey] = lookupKey(tenantId, record[index.field]);
  }
  return item;
}

export class DynamoDbBillingRunActionRepository implements BillingRunActionRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  async get(tenantId: string, id: string, options: { consistentRead?: boolean } = {}): Promise<BillingRunAction | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [PARTITION_KEY]: recordKey(tenantId, id) },
        ConsistentRead: options.consistentRead ?? false,
      }),
    );
    if (!Item || Item.sys_deleted_by_id !== undefined) return undefined;
    return toRecord(Item);
  }

  async create(tenantId: string, record: BillingRunAction): Promise<void> {
    await this.conditionalPut(toItem(tenantId, record), condition.isNew, undefined, record.id);
  }

  async replace(tenantId: string, record: BillingRunAction, expectedVersion: number): Promise<void> {
    await this.conditionalPut(toItem(tenantId, record), condition.isLiveAtVersion, expectedVersion, record.id);
  }

  async softDelete(tenantId: string, deletion: SoftDeletion, expectedVersion: number): Promise<void> {
    const item: Item = {
      ...deletion.record,
      [PARTITION_KEY]: recordKey(tenantId, deletion.record.id),
      [TTL_ATTRIBUTE]: deletion.expiresAt,
    };
    await this.conditionalPut(item, condition.isLiveAtVersion, expectedVersion, deletion.record.id);
  }

  async list(tenantId: string, lookup: Lookup, value: string, page: { limit: number; afterId?: string }): Promise<ListPage> {
    const index = LOOKUP_INDEXES[lookup];
    const partition = lookupKey(tenantId, value);
    const items: Item[] = [];
    let startKey: Item | undefined = page.afterId
      ? { [PARTITION_KEY]: recordKey(tenantId, page.afterId), [index.partitionKey]: partition, id: page.afterId }
      : undefined;
    // One item past the page tells whether more exist, so a cursor is only handed out when it leads somewhere.
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.indexName,
          KeyConditionExpression: '#partition = :partition',
          ExpressionAttributeNames: { '#partition': index.partitionKey },
          ExpressionAttributeValues: { ':partition': partition },
          ScanIndexForward: true,
          Limit: page.limit + 1 - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey;
    } while (startKey && items.length <= page.limit);

    const pageItems = items.slice(0, page.limit).map(toRecord);
    const more = items.length > page.limit;
    return more ? { items: pageItems, lastId: pageItems.at(-1)?.id } : { items: pageItems };
  }

  private async conditionalPut(item: Item, conditionExpression: string, expectedVersion: number | undefined, id: string): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: conditionExpression,
          ExpressionAttributeValues: expectedVersion === undefined ? undefined : { ':expectedVersion': expectedVersion },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const old = error.Item ? unmarshall(error.Item) : undefined;
      if (expectedVersion === undefined) throw new Conflict(`Billing run action '${id}' already exists`, { cause: error });
      if (!old || old.sys_deleted_by_id !== undefined) throw notFound(id);
      throw new VersionConflict(`Billing run action '${id}' was changed by another request (version ${String(old.sys_version)}); read it again and retry`, { cause: error });
    }
  }
}
