import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { INDEX_SORT_KEY, LOOKUP_INDEXES, PARTITION_KEY, TENANT_PARTITION_KEY, TTL_ATTRIBUTE } from '../../lambdas/storage/table-design.ts';

export interface TableNames {
  tableName: string;
  tenantsTableName: string;
}

/** The records table as the CDK stack defines it: the same keys, the same four GSIs, TTL. */
function recordsTableInput(tableName: string): CreateTableCommandInput {
  const indexes = Object.values(LOOKUP_INDEXES);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: PARTITION_KEY, KeyType: 'HASH' }],
    AttributeDefinitions: [
      { AttributeName: PARTITION_KEY, AttributeType: 'S' },
      { AttributeName: INDEX_SORT_KEY, AttributeType: 'S' },
      ...indexes.map((index) => ({ AttributeName: index.partitionKey, AttributeType: 'S' as const })),
    ],
    GlobalSecondaryIndexes: indexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: INDEX_SORT_KEY, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}

function tenantsTableInput(tenantsTableName: string): CreateTableCommandInput {
  return {
    TableName: tenantsTableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: TENANT_PARTITION_KEY, KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: TENANT_PARTITION_KEY, AttributeType: 'S' }],
  };
}

async function exists(client: DynamoDBDocumentClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return false;
    throw error;
  }
}

async function createIfMissing(client: DynamoDBDocumentClient, input: CreateTableCommandInput): Promise<void> {
  if (await exists(client, input.TableName as string)) return;
  try {
    await client.send(new CreateTableCommand(input));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

/** Creates both tables with their indexes when missing; existing tables and their data are kept. */
export async function ensureTables(client: DynamoDBDocumentClient, names: TableNames): Promise<void> {
  await createIfMissing(client, recordsTableInput(names.tableName));
  await createIfMissing(client, tenantsTableInput(names.tenantsTableName));
  await client
    .send(
      new UpdateTimeToLiveCommand({
        TableName: names.tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    )
    .catch((error: Error) => {
      // Enabling TTL twice is refused; it is already on.
      if (!/already enabled/i.test(error.message)) throw error;
    });
}
