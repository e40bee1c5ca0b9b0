import type { AttributeValue, Item } from './units.ts';

/** How the plans find a table's schema (TableSchemas.of). */
export type Schemas = (tableName: string) => Promise<TableSchema>;

/** What the emulator needs to know of a table: its key attributes and, for each GSI, its key and projection. */
export interface TableSchema {
  name: string;
  arn: string;
  partitionKey: string;
  sortKey?: string;
  indexes: IndexSchema[];
}

export interface IndexSchema {
  name: string;
  arn: string;
  partitionKey: string;
  sortKey?: string;
  /** The attributes its items hold besides the table's and its own keys (ALL: every one). */
  projection: { type: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; keys: string[]; include?: string[] };
}

interface KeySchemaElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}

interface DescribedTable {
  TableName: string;
  TableArn?: string;
  KeySchema: KeySchemaElement[];
  GlobalSecondaryIndexes?: {
    IndexName: string;
    IndexArn?: string;
    KeySchema: KeySchemaElement[];
    Projection?: { ProjectionType?: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] };
  }[];
}

const hash = (keys: KeySchemaElement[]): string => (keys.find((key) => key.KeyType === 'HASH') as KeySchemaElement).AttributeName;
const range = (keys: KeySchemaElement[]): string | undefined => keys.find((key) => key.KeyType === 'RANGE')?.AttributeName;

/** A table's schema from its DescribeTable answer. */
function schemaOf(table: DescribedTable): TableSchema {
  const arn = table.TableArn ?? `arn:aws:dynamodb:local:000000000000:table/${table.TableName}`;
  const tableKeys = table.KeySchema.map((key) => key.AttributeName);
  return {
    name: table.TableName,
    arn,
    partitionKey: hash(table.KeySchema),
    ...(range(table.KeySchema) && { sortKey: range(table.KeySchema) }),
    indexes: (table.GlobalSecondaryIndexes ?? []).map((index) => ({
      name: index.IndexName,
      arn: index.IndexArn ?? `${arn}/index/${index.IndexName}`,
      partitionKey: hash(index.KeySchema),
      ...(range(index.KeySchema) && { sortKey: range(index.KeySchema) }),
      projection: {
        type: index.Projection?.ProjectionType ?? 'ALL',
        keys: [...tableKeys, ...index.KeySchema.map((key) => key.AttributeName)],
        ...(index.Projection?.NonKeyAttributes && { include: index.Projection.NonKeyAttributes }),
      },
    })),
  };
}

/** A key value as one string (its type and value): the name of its partition's buckets. */
export const keyValue = (value: AttributeValue | undefined): string | undefined => {
  if (!value) return undefined;
  const [type, raw] = Object.entries(value)[0] as [string, unknown];
  return `${type}:${String(raw)}`;
};

/** The item's primary key attributes alone. */
export const primaryKeyOf = (schema: TableSchema, keyOrItem: Item): Item => ({
  [schema.partitionKey]: keyOrItem[schema.partitionKey] as AttributeValue,
  ...(schema.sortKey && { [schema.sortKey]: keyOrItem[schema.sortKey] as AttributeValue }),
});

/**
 * The item's key in an index (its partition and sort key values as one string), or undefined when the
 * item is not in it: DynamoDB writes no index entry for an item that lacks one of the index's key
 * attributes (developer guide, "Storage considerations for Global Secondary Indexes").
 */
export function indexKeyOf(index: IndexSchema, item: Item | undefined): string | undefined {
  const partition = keyValue(item?.[index.partitionKey]);
  if (partition === undefined) return undefined;
  if (!index.sortKey) return partition;
  const sort = keyValue(item?.[index.sortKey]);
  return sort === undefined ? undefined : `${partition}\u0000${sort}`;
}

/** The item's primary key as one string, for the transaction holds. */
export const itemKeyOf = (schema: TableSchema, keyOrItem: Item): string =>
  `${schema.name}\u0000${keyValue(keyOrItem[schema.partitionKey])}\u0000${schema.sortKey ? keyValue(keyOrItem[schema.sortKey]) : ''}`;

/** The schemas of the tables the emulator has met, asked of DynamoDB once each (and again after a change to the table). */
export class TableSchemas {
  private readonly known = new Map<string, Promise<TableSchema>>();

  private readonly describe: (tableName: string) => Promise<DescribedTable>;

  constructor(describe: (tableName: string) => Promise<DescribedTable>) {
    this.describe = describe;
  }

  of(tableName: string): Promise<TableSchema> {
    let schema = this.known.get(tableName);
    if (!schema) {
      schema = this.describe(tableName).then(schemaOf);
      schema.catch(() => this.known.delete(tableName));
      this.known.set(tableName, schema);
    }
    return schema;
  }

  forget(tableName: string): void {
    this.known.delete(tableName);
  }
}
