import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type GlobalSecondaryIndex,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  INDEX_SORT_KEY,
  LOOKUP_INDEXES,
  PARTITION_KEY,
  PROCESSING_INDEX,
  TENANT_PARTITION_KEY,
  TTL_ATTRIBUTE,
} from '../../lambdas/storage/table-design.ts';

export interface TableNames {
  tableName: string;
  tenantsTableName: string;
}

/** The sweep's sparse index of records in processing (added to a table made before it existed). */
const processingIndex: GlobalSecondaryIndex = {
  IndexName: PROCESSING_INDEX.indexName,
  KeySchema: [
    { AttributeName: PROCESSING_INDEX.partitionKey, KeyType: 'HASH' },
    { AttributeName: PROCESSING_INDEX.sortKey, KeyType: 'RANGE' },
  ],
  Projection: { ProjectionType: 'ALL' },
};
const processingIndexAttributes = [
  { AttributeName: PROCESSING_INDEX.partitionKey, AttributeType: 'S' as const },
  { AttributeName: PROCESSING_INDEX.sortKey, AttributeType: 'S' as const },
];

/** The records table as the CDK stack defines it: the same keys, the four lookup GSIs and the processing one, TTL. */
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
      ...processingIndexAttributes,
    ],
    GlobalSecondaryIndexes: [
      ...indexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: INDEX_SORT_KEY, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'ALL' as const },
      })),
      processingIndex,
    ],
  };
}

/** A records table made before the processing index existed (an older DATA_DIR) gains it. */
async function addProcessingIndexIfMissing(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (Table?.GlobalSecondaryIndexes?.some((index) => index.IndexName === PROCESSING_INDEX.indexName)) return;
  await client.send(
    new UpdateTableCommand({
      TableName: tableName,
      AttributeDefinitions: processingIndexAttributes,
      GlobalSecondaryIndexUpdates: [{ Create: processingIndex }],
    }),
  );
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
  await addProcessingIndexIfMissing(client, names.tableName);
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
