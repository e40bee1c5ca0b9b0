import type { EffectiveCapacity } from './settings.ts';
import type { IndexSchema, TableSchema } from './table-schemas.ts';
import { readUnits } from './units.ts';

/*
 * What a call draws on (its charges: a bucket, its rate, the units), what the emulator does with a call
 * (its plan), and the ConsumedCapacity it answers from the charges. The ledger (ledger.ts) admits and pays.
 */
/** What one request draws on: a bucket (a partition key value's, or a table's or index's as a whole), its rate, the units it uses. */
export interface Charge {
  bucket: string;
  rate: number;
  units: number;
  /** DynamoDB's throttling reason if this bucket is the one that throttles, and the resource it names. */
  reason: string;
  resource: string;
  /**
   * On the charge of a table's or an index's bucket as a whole (one per table or index a request
   * uses): the table, and the index, whose consumed capacity it is, for the answer's `ConsumedCapacity`.
   */
  meters?: { table: string; index?: string };
}

export const INDEX_WRITE = 'IndexWriteKeyRangeThroughputExceeded';

const indexName = (schema: TableSchema, index: IndexSchema): string => `${schema.name}/${index.name}`;

/** What writing `units` of the item whose partition key value is `partition` draws on: its partition and the table. */
export function tableWriteCharges(rates: EffectiveCapacity, schema: TableSchema, partition: string | undefined, units: number): Charge[] {
  const reason = 'TableWriteKeyRangeThroughputExceeded';
  return [
    { bucket: `w ${schema.name} ${partition}`, rate: rates.partitionWrite, units, reason, resource: schema.arn },
    { bucket: `w ${schema.name}`, rate: rates.tableWrite, units, reason, resource: schema.arn, meters: { table: schema.name } },
  ];
}

/** What one write of an index entry (a put or a delete) of `units` draws on: the index key value's partition and the index. */
export function indexWriteCharges(rates: EffectiveCapacity, schema: TableSchema, index: IndexSchema, key: string, units: number): Charge[] {
  const name = indexName(schema, index);
  const partition = key.split('\u0000')[0];
  return [
    { bucket: `w ${name} ${partition}`, rate: rates.partitionWrite, units, reason: INDEX_WRITE, resource: index.arn },
    {
      bucket: `w ${name}`,
      rate: rates.tableWrite,
      units,
      reason: INDEX_WRITE,
      resource: index.arn,
      meters: { table: schema.name, index: index.name },
    },
  ];
}

/** What reading `bytes` of one partition key value (of the table, or of a GSI) draws on; `partition` undefined for a scan. */
export function readCharges(
  rates: EffectiveCapacity,
  target: { name: string; arn: string; index: boolean },
  partition: string | undefined,
  bytes: number,
  mode: 'eventual' | 'strong' | 'transactional',
): Charge[] {
  const units = readUnits(bytes, mode);
  const reason = target.index ? 'IndexReadKeyRangeThroughputExceeded' : 'TableReadKeyRangeThroughputExceeded';
  const [table, index] = target.name.split('/') as [string, string | undefined];
  const meters = index === undefined ? { table } : { table, index };
  const whole: Charge = { bucket: `r ${target.name}`, rate: rates.tableRead, units, reason, resource: target.arn, meters };
  if (partition === undefined) return [whole];
  return [{ bucket: `r ${target.name} ${partition}`, rate: rates.partitionRead, units, reason, resource: target.arn }, whole];
}

/** What the emulator does with one request: answer it itself, or send it (or its admitted part) on and settle the answer. */
export interface Plan {
  answer?: { status: number; body: unknown };
  forward?: unknown;
  /** Send the request on asking for the item as it was (`ReturnValues: ALL_OLD`, which the request did not set). */
  askOldItem?: boolean;
  /** With upstream's answer: pays for reads, releases holds, adds what the emulator left unprocessed; the body to answer. */
  settle?: (status: number, body: Record<string, unknown>) => Record<string, unknown>;
}

interface Consumed {
  TableName: string;
  CapacityUnits: number;
  Table?: { CapacityUnits: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits: number }>;
}

/**
 * The answer's `ConsumedCapacity`, when the request asked for it (`ReturnConsumedCapacity` TOTAL or
 * INDEXES), from what the emulator charged: the units of each table's and index's bucket as a whole, per
 * table; INDEXES adds the table's and each index's own share (DynamoDB API reference, `ConsumedCapacity`).
 * A call on one table answers one object, a batch or a transaction one per table. DynamoDB Local answers
 * figures of its own, which the emulator's replace.
 */
export function withConsumedCapacity(
  request: Record<string, unknown>,
  body: Record<string, unknown>,
  charges: Charge[],
  perTable: boolean,
): Record<string, unknown> {
  const mode = request.ReturnConsumedCapacity;
  if (mode !== 'TOTAL' && mode !== 'INDEXES') return body;
  const tables = new Map<string, Consumed>();
  for (const { meters, units } of charges) {
    if (!meters) continue;
    let table = tables.get(meters.table);
    if (!table) {
      table = { TableName: meters.table, CapacityUnits: 0, ...(mode === 'INDEXES' && { Table: { CapacityUnits: 0 } }) };
      tables.set(meters.table, table);
    }
    table.CapacityUnits += units;
    if (mode !== 'INDEXES') continue;
    if (meters.index === undefined) (table.Table as { CapacityUnits: number }).CapacityUnits += units;
    else {
      table.GlobalSecondaryIndexes ??= {};
      const index = (table.GlobalSecondaryIndexes[meters.index] ??= { CapacityUnits: 0 });
      index.CapacityUnits += units;
    }
  }
  const consumed = [...tables.values()];
  return { ...body, ConsumedCapacity: perTable ? consumed : consumed[0] };
}
