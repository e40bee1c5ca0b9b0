import { type CapacityLedger } from './ledger.ts';
import { type Charge, indexWriteCharges, tableWriteCharges } from './charges.ts';
import { type IndexSchema, type Schemas, type TableSchema, indexKeyOf, itemKeyOf, keyValue, primaryKeyOf } from './table-schemas.ts';
import { type AttributeValue, type Item, attributeValueSize, itemSize, projectedSize, writeUnits } from './units.ts';
import { type UpdateEffect, itemAfterUpdate, updateEffect } from './update-expressions.ts';

/*
 * The write actions of a request as the capacity emulator sees them: what each draws on, given the item
 * before it where its cost depends on it (writes.ts plans single and batch writes, transact-writes.ts
 * transactions, from these).
 */
export type Request = Record<string, unknown>;
export type Kind = 'Put' | 'Update' | 'Delete' | 'ConditionCheck';

/** The items as they are before a write, read from the DynamoDB behind (consistently), in the order of the keys; undefined where there is none. */
export type ItemsBefore = (keys: { schema: TableSchema; key: Item }[]) => Promise<(Item | undefined)[]>;

/** What the plans of writes work with: the ledger, the tables' schemas, and a way to read the items before a write. */
export interface WriteContext {
  ledger: CapacityLedger;
  schemas: Schemas;
  itemsBefore: ItemsBefore;
}

/** One write action of a request: its kind, its table, its part of the request (item or key, expressions), its primary key. */
export interface Action {
  kind: Kind;
  schema: TableSchema;
  body: Request;
  key: Item;
  itemKey: string;
  transactional: boolean;
}

/** The item before an action, where the emulator knows it (`item` undefined: there was none). */
export type Before = { item: Item | undefined } | undefined;

export async function actionOf(schemas: Schemas, kind: Kind, body: Request, transactional: boolean): Promise<Action> {
  const schema = await schemas(body.TableName as string);
  const key = primaryKeyOf(schema, (kind === 'Put' ? body.Item : body.Key) as Item);
  return { kind, schema, body, key, itemKey: itemKeyOf(schema, key), transactional };
}

/** A put conditioned on its item not existing (`attribute_not_exists` of a key attribute, alone): if it lands, there was no item before. */
function createsOnly(action: Action): boolean {
  if (action.kind !== 'Put') return false;
  const match = /^\s*attribute_not_exists\s*\(\s*([#\w]+)\s*\)\s*$/.exec(String(action.body.ConditionExpression ?? ''));
  if (!match) return false;
  const name = ((action.body.ExpressionAttributeNames ?? {}) as Record<string, string>)[match[1] as string] ?? match[1];
  return name === action.schema.partitionKey || name === action.schema.sortKey;
}

/**
 * Whether what an action costs depends on the item before it: a write to a table with indexes (it may
 * leave or move the item's index entries), unless it only creates; a table without indexes is charged
 * by the request, as an update's size is (the key and the values it sets).
 */
export const dependsOnBefore = (action: Action): boolean =>
  action.schema.indexes.length > 0 && action.kind !== 'ConditionCheck' && !createsOnly(action);

/** An update's size when the item before is unknown: its key and the values it sets, at least one unit. */
function updateBytes(request: Request): number {
  const values = Object.values((request.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>);
  return itemSize(request.Key as Item) + values.reduce((sum, value) => sum + attributeValueSize(value), 0);
}

/** Whether an update changes an attribute the index holds (ALL: any). */
function touchesProjection(index: IndexSchema, effect: UpdateEffect): boolean {
  if (index.projection.type === 'ALL') return effect.touched.size > 0;
  const held = [...index.projection.keys, ...(index.projection.include ?? [])];
  return held.some((name) => effect.touched.has(name));
}

/**
 * What an action draws on, by DynamoDB's rules. The table: the larger of the item's sizes before and
 * after (PutItem, UpdateItem), the deleted item's (DeleteItem) (developer guide, "Capacity unit
 * consumption for write operations"). Each index ("Provisioned throughput considerations for Global
 * Secondary Indexes", write capacity units): an item that enters it costs a put of its new entry, on the
 * new key; one that leaves it (its key attribute removed, or the item deleted) a delete of its old entry,
 * on the old key; one whose key changes both, each on its own key; one whose key stays one write (for an
 * update, only when it changes an attribute the index holds); an item in it neither before nor after,
 * nothing. Each entry is charged by its projected size (the larger of the two where it is rewritten). With the item before unknown (`before`
 * undefined), a put is charged as if it created its item and an update on the table alone: the rest is
 * paid when the answer names the old item.
 */
export function chargesOf(ledger: CapacityLedger, action: Action, before: Before): Charge[] {
  const { kind, schema, body, key, transactional } = action;
  const old = before?.item;
  const effect = kind === 'Update' ? updateEffect(body) : undefined;
  const after = kind === 'Put' ? (body.Item as Item) : effect && before ? itemAfterUpdate(old, key, effect) : undefined;
  const oldBytes = old ? itemSize(old) : 0;
  const bytes =
    kind === 'Put' || (kind === 'Update' && before)
      ? Math.max(itemSize(after as Item), oldBytes)
      : kind === 'Update'
        ? updateBytes(body)
        : Math.max(oldBytes, itemSize(key));
  const charges = tableWriteCharges(ledger.rates, schema, keyValue(key[schema.partitionKey]), writeUnits(bytes, transactional));
  if (kind === 'ConditionCheck' || (kind === 'Update' && !before)) return charges;
  for (const index of schema.indexes) {
    const from = indexKeyOf(index, old);
    const to = indexKeyOf(index, after);
    // Not doubled in a transaction: its changes reach the indexes after it completes ("Amazon DynamoDB
    // Transactions: How it works"), as ordinary index writes; the two-phase cost is the items' own.
    const units = (item: Item | undefined) => (item ? writeUnits(projectedSize(item, index.projection)) : 0);
    if (from !== undefined && from === to) {
      if (effect && !touchesProjection(index, effect)) continue;
      charges.push(...indexWriteCharges(ledger.rates, schema, index, from, Math.max(units(old), units(after))));
      continue;
    }
    if (from !== undefined) charges.push(...indexWriteCharges(ledger.rates, schema, index, from, units(old)));
    if (to !== undefined) charges.push(...indexWriteCharges(ledger.rates, schema, index, to, units(after)));
  }
  return charges;
}

/** What `full` charges beyond `paid`, bucket by bucket (the units an answer showed a write to cost over what it was admitted on). */
export function beyond(paid: Charge[], full: Charge[]): Charge[] {
  const credit = new Map<string, number>();
  for (const charge of paid) credit.set(charge.bucket, (credit.get(charge.bucket) ?? 0) + charge.units);
  const rest: Charge[] = [];
  for (const charge of full) {
    const left = credit.get(charge.bucket) ?? 0;
    credit.set(charge.bucket, Math.max(0, left - charge.units));
    if (charge.units > left) rest.push({ ...charge, units: charge.units - left });
  }
  return rest;
}

/** The items before the actions whose cost depends on them (and that are not `skipped`), read in one call; the others' are not needed. */
export async function beforeEach(context: WriteContext, actions: Action[], skipped: boolean[] = []): Promise<Before[]> {
  const needed = actions.flatMap((action, position) => (dependsOnBefore(action) && !skipped[position] ? [position] : []));
  if (needed.length === 0) return actions.map(() => undefined);
  const items = await context.itemsBefore(needed.map((position) => actions[position] as Action));
  const before: Before[] = actions.map(() => undefined);
  needed.forEach((position, read) => {
    before[position] = { item: items[read] };
  });
  return before;
}

/**
 * Whether an action is refused as it arrives, before the emulator reads the item before it: its item
 * is in a transaction, or a bucket it draws on whatever that item (its partition, the table, the index
 * keys it writes) is in debt. Counted as a conflict or a throttle.
 */
export function refusedOnArrival(ledger: CapacityLedger, action: Action): { conflict?: true; throttled?: Charge } | undefined {
  if (ledger.isHeld(action.itemKey)) {
    ledger.conflicted();
    return { conflict: true };
  }
  const refused = ledger.refusal(chargesOf(ledger, action, undefined));
  if (!refused) return undefined;
  ledger.throttled(refused);
  return { throttled: refused };
}

export const asksConsumedCapacity = (request: Request): boolean =>
  request.ReturnConsumedCapacity === 'TOTAL' || request.ReturnConsumedCapacity === 'INDEXES';
