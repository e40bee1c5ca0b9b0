import { type CapacityLedger, answers } from './ledger.ts';
import { type Charge, type Plan, readCharges, withConsumedCapacity } from './charges.ts';
import { type Schemas, type TableSchema, itemKeyOf, keyValue } from './table-schemas.ts';
import type { AttributeValue, Item } from './units.ts';
import { itemSize } from './units.ts';

type Request = Record<string, unknown>;
type Mode = 'eventual' | 'strong' | 'transactional';

const modeOf = (request: Request): Mode => (request.ConsistentRead === true ? 'strong' : 'eventual');
const tableTarget = (schema: TableSchema) => ({ name: schema.name, arn: schema.arn, index: false });

/**
 * A read is admitted while its partition and its table (or index) are not in debt, and pays once its
 * answer says how many bytes it read: one item's for a get; a query's or a scan's items together. What
 * it paid is its answer's `ConsumedCapacity`, where it asked for one.
 */
function admitThenPay(
  ledger: CapacityLedger,
  request: Request,
  before: Charge[],
  charged: (body: Record<string, unknown>) => Charge[],
  perTable = false,
): Plan {
  const refused = ledger.refusal(before);
  if (refused) {
    ledger.throttled(refused);
    return { answer: answers.throttled(refused) };
  }
  return {
    settle: (status, body) => {
      if (status !== 200) return body;
      const charges = charged(body);
      ledger.pay(charges);
      return withConsumedCapacity(request, body, charges, perTable);
    },
  };
}

export async function planGet(ledger: CapacityLedger, schemas: Schemas, request: Request): Promise<Plan> {
  const schema = await schemas(request.TableName as string);
  const partition = keyValue((request.Key as Item)[schema.partitionKey]);
  const charges = (bytes: number) => readCharges(ledger.rates, tableTarget(schema), partition, bytes, modeOf(request));
  return admitThenPay(ledger, request, charges(0), (body) => charges(body.Item ? itemSize(body.Item as Item) : 0));
}

/** The value a query's key condition sets its partition key to (`#pk = :v`, names and values resolved). */
function queriedPartition(request: Request, partitionKey: string): string | undefined {
  const names = (request.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (request.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
  for (const clause of String(request.KeyConditionExpression ?? '').split(/\s+AND\s+/i)) {
    const match = /^\s*\(?\s*([#\w.]+)\s*=\s*(:\w+)\s*\)?\s*$/.exec(clause);
    if (match && (names[match[1] as string] ?? match[1]) === partitionKey) return keyValue(values[match[2] as string]);
  }
  return undefined;
}

/** Query and Scan: on the table or a GSI; a query draws on its partition key value, a scan on the table (or index) alone. */
export async function planQuery(ledger: CapacityLedger, schemas: Schemas, request: Request, scan: boolean): Promise<Plan> {
  const schema = await schemas(request.TableName as string);
  const index = schema.indexes.find((candidate) => candidate.name === request.IndexName);
  const target = index ? { name: `${schema.name}/${index.name}`, arn: index.arn, index: true } : tableTarget(schema);
  const partition = scan ? undefined : queriedPartition(request, index ? index.partitionKey : schema.partitionKey);
  const charges = (bytes: number) => readCharges(ledger.rates, target, partition, bytes, modeOf(request));
  const read = (body: Record<string, unknown>) => ((body.Items ?? []) as Item[]).reduce((sum, item) => sum + itemSize(item), 0);
  const plan = admitThenPay(ledger, request, charges(0), (body) => charges(read(body)));
  if (request.Select !== 'COUNT' || plan.answer) return plan;
  // One that only counts is charged as DynamoDB charges it, by the items it read, not by what it answers
  // (nothing): the emulator asks for the items, pays for them and answers the count alone.
  const { Select: _count, ...asked } = request;
  return {
    forward: asked,
    settle: (status, body) => {
      const { Items: _items, ...counted } = plan.settle?.(status, body) ?? body;
      return counted;
    },
  };
}

/** BatchGetItem: the keys whose partition is in debt come back in UnprocessedKeys; the others are read and paid for. */
export async function planBatchGet(ledger: CapacityLedger, schemas: Schemas, request: Request): Promise<Plan> {
  const admitted: Record<string, Request> = {};
  const unprocessed: Record<string, Request> = {};
  const tables = new Map<string, TableSchema>();
  for (const [table, read] of Object.entries(request.RequestItems as Record<string, Request>)) {
    const schema = await schemas(table);
    tables.set(table, schema);
    for (const key of read.Keys as Item[]) {
      const charges = readCharges(ledger.rates, tableTarget(schema), keyValue(key[schema.partitionKey]), 0, modeOf(read));
      const refused = ledger.refusal(charges);
      if (refused) ledger.throttled(refused);
      const into = refused ? unprocessed : admitted;
      into[table] ??= { ...read, Keys: [] };
      (into[table].Keys as Item[]).push(key);
    }
  }
  if (Object.keys(admitted).length === 0) {
    const first = Object.keys(unprocessed)[0] as string;
    return {
      answer: answers.throttled(
        readCharges(ledger.rates, tableTarget(tables.get(first) as TableSchema), undefined, 0, 'eventual')[0] as Charge,
      ),
    };
  }
  return {
    forward: { ...request, RequestItems: admitted },
    settle: (status, body) => {
      if (status !== 200) return body;
      const paid: Charge[] = [];
      for (const [table, items] of Object.entries((body.Responses ?? {}) as Record<string, Item[]>)) {
        const schema = tables.get(table) as TableSchema;
        for (const item of items) {
          paid.push(
            ...readCharges(
              ledger.rates,
              tableTarget(schema),
              keyValue(item[schema.partitionKey]),
              itemSize(item),
              modeOf(admitted[table] ?? {}),
            ),
          );
        }
      }
      ledger.pay(paid);
      const merged = { ...((body.UnprocessedKeys ?? {}) as Record<string, Request>) };
      for (const [table, read] of Object.entries(unprocessed)) {
        merged[table] = { ...read, Keys: [...((merged[table]?.Keys as Item[]) ?? []), ...(read.Keys as Item[])] };
      }
      return withConsumedCapacity(request, { ...body, UnprocessedKeys: merged }, paid, true);
    },
  };
}

/** TransactGetItems: cancelled while one of its items is in an ongoing TransactWriteItems; reads count twice. */
export async function planTransactGet(ledger: CapacityLedger, schemas: Schemas, request: Request): Promise<Plan> {
  const gets = await Promise.all(
    (request.TransactItems as { Get: Request }[]).map(async ({ Get }) => ({
      schema: await schemas(Get.TableName as string),
      key: Get.Key as Item,
    })),
  );
  const held = gets.map(({ schema, key }) => ledger.isHeld(itemKeyOf(schema, key)));
  if (held.some(Boolean)) {
    ledger.conflicted();
    return { answer: answers.heldItems(held) };
  }
  const charges = (sizes: number[]) =>
    gets.flatMap(({ schema, key }, index) =>
      readCharges(ledger.rates, tableTarget(schema), keyValue(key[schema.partitionKey]), sizes[index] ?? 0, 'transactional'),
    );
  return admitThenPay(
    ledger,
    request,
    charges([]),
    (body) => charges(((body.Responses ?? []) as { Item?: Item }[]).map((response) => (response.Item ? itemSize(response.Item) : 0))),
    true,
  );
}
