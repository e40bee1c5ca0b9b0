import {
  type CapacityLedger,
  type Charge,
  type Plan,
  answers,
  indexWriteCharges,
  tableWriteCharges,
  withConsumedCapacity,
} from './ledger.ts';
import { type IndexSchema, type Schemas, type TableSchema, indexKeyOf, itemKeyOf, keyValue, primaryKeyOf } from './table-schemas.ts';
import { type AttributeValue, type Item, attributeValueSize, itemSize, projectedSize, writeUnits } from './units.ts';
import { type UpdateEffect, itemAfterUpdate, updateEffect } from './update-expressions.ts';

type Request = Record<string, unknown>;
type Kind = 'Put' | 'Update' | 'Delete' | 'ConditionCheck';

/** The items as they are before a write, read from the DynamoDB behind (consistently), in the order of the keys; undefined where there is none. */
export type ItemsBefore = (keys: { schema: TableSchema; key: Item }[]) => Promise<(Item | undefined)[]>;

/** What the plans of writes work with: the ledger, the tables' schemas, and a way to read the items before a write. */
export interface WriteContext {
  ledger: CapacityLedger;
  schemas: Schemas;
  itemsBefore: ItemsBefore;
}

/** One write action of a request: its kind, its table, its part of the request (item or key, expressions), its primary key. */
interface Action {
  kind: Kind;
  schema: TableSchema;
  body: Request;
  key: Item;
  itemKey: string;
  transactional: boolean;
}

/** The item before an action, where the emulator knows it (`item` undefined: there was none). */
type Before = { item: Item | undefined } | undefined;

async function actionOf(schemas: Schemas, kind: Kind, body: Request, transactional: boolean): Promise<Action> {
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
const dependsOnBefore = (action: Action): boolean =>
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
function chargesOf(ledger: CapacityLedger, action: Action, before: Before): Charge[] {
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
function beyond(paid: Charge[], full: Charge[]): Charge[] {
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
async function beforeEach(context: WriteContext, actions: Action[], skipped: boolean[] = []): Promise<Before[]> {
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
function refusedOnArrival(ledger: CapacityLedger, action: Action): { conflict?: true; throttled?: Charge } | undefined {
  if (ledger.isHeld(action.itemKey)) {
    ledger.conflicted();
    return { conflict: true };
  }
  const refused = ledger.refusal(chargesOf(ledger, action, undefined));
  if (!refused) return undefined;
  ledger.throttled(refused);
  return { throttled: refused };
}

const asksConsumedCapacity = (request: Request): boolean =>
  request.ReturnConsumedCapacity === 'TOTAL' || request.ReturnConsumedCapacity === 'INDEXES';

/**
 * PutItem, UpdateItem, DeleteItem: refused while the item is in a transaction, throttled past a
 * partition's or table's rate, its index keys' (new and old) included. On a table with indexes the
 * emulator needs the item before the write, and gets it in the cheapest way that still throttles as
 * DynamoDB does: a bucket refuses only while in debt, so while none of the table's index buckets is,
 * no key the write leaves could refuse it, and the old item comes with the write's own answer
 * (`ReturnValues: ALL_OLD`, added where the request asked for no values and taken out again), its
 * further units paid then; while one is (or the request asks for other values), the item is read
 * before the write (a consistent read of the DynamoDB behind) and the write admitted on all its keys.
 */
export async function planWrite(context: WriteContext, operation: 'Put' | 'Update' | 'Delete', request: Request): Promise<Plan> {
  const { ledger } = context;
  const action = await actionOf(context.schemas, operation, request, false);
  const depends = dependsOnBefore(action);
  const values = request.ReturnValues;
  const answerHasOld = values === undefined || values === 'NONE' || values === 'ALL_OLD';
  const readFirst = depends && (!answerHasOld || ledger.indexesInDebt(action.schema));
  let before: Before;
  if (readFirst) {
    // What is refused on the keys known without the old item is refused at once, as it arrives.
    const early = refusedOnArrival(ledger, action);
    if (early) return early.conflict ? { answer: answers.conflict() } : { answer: answers.throttled(early.throttled as Charge) };
    before = (await beforeEach(context, [action]))[0];
  }
  if (ledger.isHeld(action.itemKey)) {
    ledger.conflicted();
    return { answer: answers.conflict() };
  }
  const charges = chargesOf(ledger, action, before);
  const refused = ledger.admit(charges);
  if (refused) return { answer: answers.throttled(refused) };
  if (!depends || readFirst) {
    if (!asksConsumedCapacity(request)) return { forward: request };
    return { forward: request, settle: (status, body) => (status === 200 ? withConsumedCapacity(request, body, charges, false) : body) };
  }
  return {
    ...(values === 'NONE' ? { forward: { ...request, ReturnValues: 'ALL_OLD' } } : { forward: request, askOldItem: values === undefined }),
    settle: (status, body) => {
      if (status !== 200) return body;
      const full = chargesOf(ledger, action, { item: body.Attributes as Item | undefined });
      ledger.pay(beyond(charges, full));
      const { Attributes: _old, ...withoutOld } = body;
      return withConsumedCapacity(request, values === 'ALL_OLD' ? body : withoutOld, full, false);
    },
  };
}

/**
 * BatchWriteItem: each put or delete is admitted on its own (its item read before, on a table with
 * indexes: a batch has no ReturnValues); those refused (throttled, or their item in a transaction) come
 * back in UnprocessedItems, and when none could be written for throughput the whole call is a
 * ProvisionedThroughputExceededException, as DynamoDB answers (BatchWriteItem, API reference).
 */
export async function planBatchWrite(context: WriteContext, request: Request): Promise<Plan> {
  const { ledger } = context;
  const writes: { table: string; write: Request; action: Action }[] = [];
  for (const [table, list] of Object.entries(request.RequestItems as Record<string, Request[]>)) {
    for (const write of list) {
      const put = write.PutRequest as Request | undefined;
      const body = { TableName: table, ...(put ?? (write.DeleteRequest as Request)) };
      writes.push({ table, write, action: await actionOf(context.schemas, put ? 'Put' : 'Delete', body, false) });
    }
  }
  let firstRefusal: Charge | undefined;
  // Refused as they arrive where they can be; the old items of the others are read, in one call.
  const refused = writes.map(({ action }) => {
    const early = refusedOnArrival(ledger, action);
    firstRefusal ??= early?.throttled;
    return early !== undefined;
  });
  const before = await beforeEach(
    context,
    writes.map(({ action }) => action),
    refused,
  );
  const admitted: Record<string, unknown[]> = {};
  const unprocessed: Record<string, unknown[]> = {};
  const paid: Charge[] = [];
  let admittedCount = 0;
  for (const [position, { table, write, action }] of writes.entries()) {
    let refusedNow = refused[position] as boolean;
    if (!refusedNow && ledger.isHeld(action.itemKey)) {
      ledger.conflicted();
      refusedNow = true;
    } else if (!refusedNow) {
      const charges = chargesOf(ledger, action, before[position]);
      const charge = ledger.admit(charges);
      firstRefusal ??= charge;
      refusedNow = charge !== undefined;
      if (!refusedNow) paid.push(...charges);
    }
    const into = refusedNow ? unprocessed : admitted;
    (into[table] ??= []).push(write);
    if (!refusedNow) admittedCount++;
  }
  if (admittedCount === 0 && firstRefusal) return { answer: answers.throttled(firstRefusal) };
  if (admittedCount === 0) return { answer: { status: 200, body: { UnprocessedItems: unprocessed } } };
  return {
    forward: { ...request, RequestItems: admitted },
    settle: (status, body) => {
      const merged = { ...((body.UnprocessedItems ?? {}) as Record<string, unknown[]>) };
      for (const [table, writes] of Object.entries(unprocessed)) merged[table] = [...(merged[table] ?? []), ...writes];
      const answered = { ...body, UnprocessedItems: merged };
      return status === 200 ? withConsumedCapacity(request, answered, paid, true) : answered;
    },
  };
}

const KINDS = ['Put', 'Update', 'Delete', 'ConditionCheck'] as const;

/**
 * TransactWriteItems: answered by its ClientRequestToken when that token's transaction runs or landed
 * (in progress, or as it was); cancelled (TransactionConflict for the held items, None for the others)
 * while any of its items is in another transaction; cancelled (ThrottlingError) when one of them is
 * throttled, each unit counting twice; else its items are held from now until its answer, and for the
 * hold time after it when it landed. A transaction has no ReturnValues: the items before its writes on
 * tables with indexes are read first, in one call, so that a soft delete (a put of the deleted item,
 * without index keys, over the live one) pays a delete on every index the record leaves.
 */
export async function planTransactWrite(context: WriteContext, request: Request): Promise<Plan> {
  const { ledger } = context;
  const actions: Action[] = [];
  for (const entry of request.TransactItems as Request[]) {
    const kind = KINDS.find((candidate) => candidate in entry) as Kind;
    actions.push(await actionOf(context.schemas, kind, entry[kind] as Request, true));
  }
  const token = request.ClientRequestToken as string | undefined;
  const asked = JSON.stringify(request.TransactItems);
  let early = answeredByToken(ledger, token, asked);
  if (early) return early;
  let before: Before[] = actions.map(() => undefined);
  if (actions.some(dependsOnBefore)) {
    // Refused as it arrives where it can be; else its old items are read, and the token looked at again
    // (a retry of it may have begun meanwhile).
    early = refusedTransaction(
      ledger,
      actions,
      actions.map((action) => chargesOf(ledger, action, undefined)),
    );
    if (early) return early;
    before = await beforeEach(context, actions);
    early = answeredByToken(ledger, token, asked);
    if (early) return early;
  }
  // From here on nothing waits: the holds and the buckets are read and changed in one go.
  const charges = actions.map((action, position) => chargesOf(ledger, action, before[position]));
  early = refusedTransaction(ledger, actions, charges);
  if (early) return early;
  ledger.pay(charges.flat());
  const keys = actions.map((action) => action.itemKey);
  ledger.hold(keys);
  if (token !== undefined) ledger.transactionStarted(token, asked);
  return {
    forward: request,
    settle: (status, body) => {
      ledger.release(keys, status === 200);
      if (token !== undefined) ledger.transactionEnded(token, status === 200);
      return status === 200 ? withConsumedCapacity(request, body, charges.flat(), true) : body;
    },
  };
}

/** The answer a transaction gets by its ClientRequestToken, if its token's transaction runs or ran: in progress, a mismatch, or DynamoDB's own answer. */
function answeredByToken(ledger: CapacityLedger, token: string | undefined, asked: string): Plan | undefined {
  const byToken = token === undefined ? 'new' : ledger.transactionToken(token, asked);
  if (byToken === 'in progress') return { answer: answers.inProgress() };
  if (byToken === 'mismatch') return { answer: answers.parameterMismatch() };
  // DynamoDB answers a landed transaction's retry itself, as it answered the transaction (DynamoDB Local keeps tokens too).
  if (byToken === 'landed') return {};
  return undefined;
}

/** A transaction's refusal, if any: cancelled for its items held by another (TransactionConflict), or for the first bucket in debt (ThrottlingError). */
function refusedTransaction(ledger: CapacityLedger, actions: Action[], charges: Charge[][]): Plan | undefined {
  const held = actions.map((action) => ledger.isHeld(action.itemKey));
  if (held.some(Boolean)) {
    ledger.conflicted();
    return { answer: answers.heldItems(held) };
  }
  const throttled = charges.map((each) => ledger.refusal(each));
  const first = throttled.find((charge) => charge !== undefined);
  if (!first) return undefined;
  ledger.throttled(first);
  return {
    answer: answers.cancelled(
      throttled.map((charge) =>
        charge ? { Code: 'ThrottlingError', Message: `Throughput exceeds the current capacity (${charge.reason})` } : { Code: 'None' },
      ),
    ),
  };
}
