import { RETRY_POLICIES } from '../../retry-policies.ts';
import { type DynamoDBDocumentClient, GetCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { RetriesExhausted, retrying } from '../../retry.ts';
import type { OpenExecutions } from '../../ports/open-executions.ts';
import { PARTITION_KEY, PROCESSING_INDEX, openExecutionKey, openExecutionsCountKey, openExecutionsPartition } from './table-design.ts';
import { cancellationReasons, cancelledForConflict, concurrentWrites, transactWrite } from './transactions.ts';

const COUNT = 'open_count';

/**
 * A tenant's open executions as items of the records table: a count, and one item per open execution.
 * Opening writes both in one transaction, on condition that the execution holds no place yet and the
 * count is under the cap; closing deletes the execution's item and takes one off the count, on
 * condition that the item is there. So each execution counts once, whichever of its starts and ends
 * are delivered twice, and the count is the number of items.
 *
 * The count is one item a tenant's starts and ends all write: 1,000 write units a second, 500
 * transactional writes of an item under 1 KB, so a tenant opens and closes up to 250 executions a second
 * (docs/capacity.md), near Step Functions' refill of 300 starts a second for the whole account. A start
 * first reads the count (eventually consistent, half a read unit): a tenant at its cap is told so
 * without a write.
 */
export class DynamoDbOpenExecutions implements OpenExecutions {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  async count(tenantId: string): Promise<number> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [PARTITION_KEY]: openExecutionsCountKey(tenantId) } }),
    );
    return Number(Item?.[COUNT] ?? 0);
  }

  async open(tenantId: string, name: string, cap: number): Promise<boolean> {
    if ((await this.count(tenantId)) >= cap && !(await this.holds(tenantId, name))) return false;
    return this.changing(tenantId, async () => {
      try {
        await transactWrite(this.client, {
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  [PARTITION_KEY]: openExecutionKey(tenantId, name),
                  // In the processing index, under the tenant, by when it opened: the sweep closes what an end left open.
                  [PROCESSING_INDEX.partitionKey]: openExecutionsPartition(tenantId),
                  [PROCESSING_INDEX.sortKey]: new Date().toISOString(),
                },
                ConditionExpression: `attribute_not_exists(${PARTITION_KEY})`,
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: { [PARTITION_KEY]: openExecutionsCountKey(tenantId) },
                UpdateExpression: 'ADD #count :one',
                ConditionExpression: 'attribute_not_exists(#count) OR #count < :cap',
                ExpressionAttributeNames: { '#count': COUNT },
                ExpressionAttributeValues: { ':one': 1, ':cap': cap },
              },
            },
          ],
        });
        return true;
      } catch (error) {
        const [held, full] = (cancellationReasons(error) ?? []).map((reason) => reason.Code === 'ConditionalCheckFailed');
        // The execution has its place already (an earlier delivery of its start took it); or the tenant is at its cap.
        if (held) return true;
        if (full) return false;
        throw error;
      }
    });
  }

  async close(tenantId: string, name: string): Promise<void> {
    await this.changing(tenantId, async () => {
      try {
        await transactWrite(this.client, {
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: { [PARTITION_KEY]: openExecutionKey(tenantId, name) },
                ConditionExpression: `attribute_exists(${PARTITION_KEY})`,
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: { [PARTITION_KEY]: openExecutionsCountKey(tenantId) },
                UpdateExpression: 'ADD #count :minusOne',
                ExpressionAttributeNames: { '#count': COUNT },
                ExpressionAttributeValues: { ':minusOne': -1 },
              },
            },
          ],
        });
      } catch (error) {
        // No place to give back: the execution was closed already, or never opened.
        if (cancellationReasons(error)?.[0]?.Code !== 'ConditionalCheckFailed') throw error;
      }
    });
  }

  async openedBefore(tenantId: string, before: string): Promise<string[]> {
    const names: string[] = [];
    const prefix = openExecutionKey(tenantId, '');
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        IndexName: PROCESSING_INDEX.indexName,
        KeyConditionExpression: '#key = :key AND #since < :before',
        ExpressionAttributeNames: { '#key': PROCESSING_INDEX.partitionKey, '#since': PROCESSING_INDEX.sortKey },
        ExpressionAttributeValues: { ':key': openExecutionsPartition(tenantId), ':before': before },
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) names.push(String(item[PARTITION_KEY]).slice(prefix.length));
    return names;
  }

  private async holds(tenantId: string, name: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [PARTITION_KEY]: openExecutionKey(tenantId, name) }, ConsistentRead: true }),
    );
    return Item !== undefined;
  }

  /** A change of the tenant's count, tried again while other starts and ends of the tenant hold the count (TransactionConflict). */
  private async changing<T>(tenantId: string, change: () => Promise<T>): Promise<T> {
    try {
      return await retrying(RETRY_POLICIES.transactionConflict, change, cancelledForConflict);
    } catch (error) {
      throw error instanceof RetriesExhausted ? concurrentWrites(tenantId, error.last) : error;
    }
  }
}
