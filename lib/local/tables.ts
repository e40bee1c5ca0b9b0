import {
  type AttributeDefinition,
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
  BULK_ERROR_INDEX,
  LEGACY_PROCESSING_INDEX,
  PROCESSING_INDEX,
  STATUS_INDEXES,
  TENANT_PARTITION_KEY,
  TTL_ATTRIBUTE,
} from '../../lambdas/adapters/dynamodb/table-design.ts';

export interface TableNames {
  tableName: string;
  tenantsTableName: string;
  /** The run summaries' table; by default the records table's name and `-summaries`. */
  summariesTableName?: string;
}

/** The run summaries' table of these tables. */
export const summariesTableOf = (names: TableNames): string => names.summariesTableName ?? `${names.tableName}-summaries`;

/**
 * The sparse indexes that came after the first release (the sweep's records in processing, first in
 * shards of all tenants, then keyed by tenant; a bulk load's failed lines): a table made before one
 * existed (an older DATA_DIR) gains it at start. An older DATA_DIR's records in processing stay in the
 * legacy index, as in AWS, where the sweep reads them (table-design.ts, LEGACY_PROCESSING_INDEX).
 */
const sparseIndex = (
  index: { indexName: string; partitionKey: string; sortKey: string; projection?: 'ALL' | 'KEYS_ONLY' },
  sortType: 'S' | 'N',
) => ({
  index: {
    IndexName: index.indexName,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: index.projection ?? 'ALL' },
  },
  attributes: [
    { AttributeName: index.partitionKey, AttributeType: 'S' as const },
    { AttributeName: index.sortKey, AttributeType: sortType },
  ],
});
const LATER_INDEXES: { index: GlobalSecondaryIndex; attributes: AttributeDefinition[] }[] = [
  sparseIndex(LEGACY_PROCESSING_INDEX, 'S'),
  sparseIndex(BULK_ERROR_INDEX, 'N'),
  sparseIndex(PROCESSING_INDEX, 'S'),
  ...Object.values(STATUS_INDEXES).map((index) => sparseIndex(index, 'S')),
];

/** The records table as the CDK stack defines it: the same keys, the four lookup GSIs and the later sparse ones (with their projections), TTL. */
function recordsTableInput(tableName: string): CreateTableCommandInput {
  const indexes = Object.values(LOOKUP_INDEXES);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: PARTITION_KEY, KeyType: 'HASH' }],
    StreamSpecification: RECORDS_STREAM,
    // Each key attribute once, though several indexes share it (a lookup's key is also its status index's).
    AttributeDefinitions: [
      ...new Map(
        [
          { AttributeName: PARTITION_KEY, AttributeType: 'S' as const },
          { AttributeName: INDEX_SORT_KEY, AttributeType: 'S' as const },
          ...indexes.map((index) => ({ AttributeName: index.partitionKey, AttributeType: 'S' as const })),
          ...LATER_INDEXES.flatMap((later) => later.attributes),
        ].map((definition) => [definition.AttributeName, definition]),
      ).values(),
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
      ...LATER_INDEXES.map((later) => later.index),
    ],
  };
}

/** Waits until the table and its indexes are built (DynamoDB builds one new index at a time). */
async function whenActive(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  for (let waited = 0; ; waited += 200) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE' && (Table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE')) return;
    if (waited > 300_000) throw new Error(`The indexes of ${tableName} were not built within 5 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * A records table made before some of the later indexes existed gains them, one after another, and is
 * used once they are built (DynamoDB Local answers a Query of an index it is still building with an
 * InternalFailure).
 */
async function addLaterIndexesIfMissing(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const missing = LATER_INDEXES.filter(
    (later) => !Table?.GlobalSecondaryIndexes?.some((index) => index.IndexName === later.index.IndexName),
  );
  for (const later of missing) {
    await whenActive(client, tableName);
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: later.attributes,
        GlobalSecondaryIndexUpdates: [{ Create: later.index }],
      }),
    );
  }
  if (missing.length > 0) await whenActive(client, tableName);
}

/** The records table's change stream, as the stack's: the item before and after each write (the consumer reads both). */
const RECORDS_STREAM = { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const };

/** A records table made before the change stream (an older DATA_DIR) gains it; the summary backfill counts what it holds already. */
async function enableStreamIfMissing(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (Table?.StreamSpecification?.StreamEnabled) return;
  await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: RECORDS_STREAM }));
  await whenActive(client, tableName);
}

function tenantsTableInput(tenantsTableName: string): CreateTableCommandInput {
  return {
    TableName: tenantsTableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: TENANT_PARTITION_KEY, KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: TENANT_PARTITION_KEY, AttributeType: 'S' }],
  };
}

/** The run summaries' own table: counters and bookkeeping items keyed by `pk`, the bookkeeping of deleted records expiring by TTL. */
function summariesTableInput(summariesTableName: string): CreateTableCommandInput {
  return {
    TableName: summariesTableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: PARTITION_KEY, KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: PARTITION_KEY, AttributeType: 'S' }],
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

/**
 * Creates the tables (records with their indexes, tenants, summaries) when missing; existing tables and
 * their data are kept. With `stream` (a service whose change stream's consumer runs), the records table
 * has its stream, made or turned on; without, none is made (DynamoDB Local then keeps no stream records:
 * the tests that do not read them are spared that work).
 */
export async function ensureTables(client: DynamoDBDocumentClient, names: TableNames, options: { stream?: boolean } = {}): Promise<void> {
  const records = recordsTableInput(names.tableName);
  await createIfMissing(client, options.stream ? records : { ...records, StreamSpecification: undefined });
  await createIfMissing(client, tenantsTableInput(names.tenantsTableName));
  await addLaterIndexesIfMissing(client, names.tableName);
  if (options.stream) await enableStreamIfMissing(client, names.tableName);
  await createIfMissing(client, summariesTableInput(summariesTableOf(names)));
  for (const tableName of [names.tableName, summariesTableOf(names)]) {
    await client
      .send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }))
      .catch((error: Error) => {
        // Enabling TTL twice is refused; it is already on.
        if (!/already enabled/i.test(error.message)) throw error;
      });
  }
}
