import { type CapacityLedger, type Charge, type Plan, answers, writeCharges } from './ledger.ts';
import { type Schemas, type TableSchema, itemKeyOf } from './table-schemas.ts';
import { type AttributeValue, type Item, attributeValueSize, itemSize } from './units.ts';

type Request = Record<string, unknown>;

/**
 * An update's size is the item's after it, which only DynamoDB knows: the emulator charges the key
 * and the values the update sets (at least one unit), on the table alone (the service writes every
 * item that has index keys with a Put, whose size and index keys the emulator reads from the request).
 */
function updateBytes(request: Request): number {
  const values = Object.values((request.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>);
  return itemSize(request.Key as Item) + values.reduce((sum, value) => sum + attributeValueSize(value), 0);
}

/** One write action as it draws on capacity: its item (or key), the bytes charged, its item key for the holds. */
interface Action {
  schema: TableSchema;
  itemKey: string;
  charges: Charge[];
}

async function actionOf(ledger: CapacityLedger, schemas: Schemas, kind: string, body: Request, transactional: boolean): Promise<Action> {
  const schema = await schemas(body.TableName as string);
  const item = (kind === 'Put' ? body.Item : body.Key) as Item;
  const bytes = kind === 'Put' ? itemSize(item) : kind === 'Update' ? updateBytes(body) : itemSize(item);
  // A delete's size is the deleted item's, unknown before it runs: its key's, at least one unit.
  const charges = writeCharges(
    ledger.rates,
    schema,
    kind === 'Update' ? { [schema.partitionKey]: item[schema.partitionKey] as AttributeValue } : item,
    bytes,
    transactional,
  );
  return { schema, itemKey: itemKeyOf(schema, item), charges };
}

/** PutItem, UpdateItem, DeleteItem: refused while the item is in a transaction, throttled past its partition's or table's rate. */
export async function planWrite(
  ledger: CapacityLedger,
  schemas: Schemas,
  operation: 'Put' | 'Update' | 'Delete',
  request: Request,
): Promise<Plan> {
  const action = await actionOf(ledger, schemas, operation, request, false);
  if (ledger.isHeld(action.itemKey)) {
    ledger.conflicted();
    return { answer: answers.conflict() };
  }
  const refused = ledger.admit(action.charges);
  return refused ? { answer: answers.throttled(refused) } : { forward: request };
}

/**
 * BatchWriteItem: each put or delete is admitted on its own; those refused (throttled, or their item in
 * a transaction) come back in UnprocessedItems, and when none could be written for throughput the whole
 * call is a ProvisionedThroughputExceededException, as DynamoDB answers (BatchWriteItem, API reference).
 */
export async function planBatchWrite(ledger: CapacityLedger, schemas: Schemas, request: Request): Promise<Plan> {
  const admitted: Record<string, unknown[]> = {};
  const unprocessed: Record<string, unknown[]> = {};
  let firstRefusal: Charge | undefined;
  let admittedCount = 0;
  for (const [table, writes] of Object.entries(request.RequestItems as Record<string, Request[]>)) {
    for (const write of writes) {
      const put = write.PutRequest as Request | undefined;
      const action = await actionOf(
        ledger,
        schemas,
        put ? 'Put' : 'Delete',
        { TableName: table, ...(put ?? (write.DeleteRequest as Request)) },
        false,
      );
      let refused = ledger.isHeld(action.itemKey);
      if (refused) ledger.conflicted();
      else {
        const charge = ledger.admit(action.charges);
        firstRefusal ??= charge;
        refused = charge !== undefined;
      }
      const into = refused ? unprocessed : admitted;
      (into[table] ??= []).push(write);
      if (!refused) admittedCount++;
    }
  }
  if (admittedCount === 0 && firstRefusal) return { answer: answers.throttled(firstRefusal) };
  if (admittedCount === 0) return { answer: { status: 200, body: { UnprocessedItems: unprocessed } } };
  return {
    forward: { ...request, RequestItems: admitted },
    settle: (_status, body) => {
      const merged = { ...((body.UnprocessedItems ?? {}) as Record<string, unknown[]>) };
      for (const [table, writes] of Object.entries(unprocessed)) merged[table] = [...(merged[table] ?? []), ...writes];
      return { ...body, UnprocessedItems: merged };
    },
  };
}

const KINDS = ['Put', 'Update', 'Delete', 'ConditionCheck'] as const;

/**
 * TransactWriteItems: answered by its ClientRequestToken when that token's transaction runs or landed
 * (in progress, or as it was); cancelled (TransactionConflict for the held items, None for the others)
 * while any of its items is in another transaction; cancelled (ThrottlingError) when one of them is
 * throttled, each unit counting twice; else its items are held from now until its answer, and for the
 * hold time after it when it landed.
 */
export async function planTransactWrite(ledger: CapacityLedger, schemas: Schemas, request: Request): Promise<Plan> {
  const token = request.ClientRequestToken as string | undefined;
  const asked = JSON.stringify(request.TransactItems);
  const byToken = token === undefined ? 'new' : ledger.transactionToken(token, asked);
  if (byToken === 'in progress') return { answer: answers.inProgress() };
  if (byToken === 'mismatch') return { answer: answers.parameterMismatch() };
  // DynamoDB answers a landed transaction's retry itself, as it answered the transaction (DynamoDB Local keeps tokens too).
  if (byToken === 'landed') return { forward: request };
  const actions: Action[] = [];
  for (const entry of request.TransactItems as Request[]) {
    const kind = KINDS.find((candidate) => candidate in entry) as (typeof KINDS)[number];
    actions.push(await actionOf(ledger, schemas, kind === 'ConditionCheck' ? 'Delete' : kind, entry[kind] as Request, true));
  }
  const held = actions.map((action) => ledger.isHeld(action.itemKey));
  if (held.some(Boolean)) {
    ledger.conflicted();
    return { answer: answers.heldItems(held) };
  }
  const throttled = actions.map((action) => ledger.refusal(action.charges));
  const first = throttled.find((charge) => charge !== undefined);
  if (first) {
    ledger.throttled(first);
    return {
      answer: answers.cancelled(
        throttled.map((charge) =>
          charge ? { Code: 'ThrottlingError', Message: `Throughput exceeds the current capacity (${charge.reason})` } : { Code: 'None' },
        ),
      ),
    };
  }
  ledger.pay(actions.flatMap((action) => action.charges));
  const keys = actions.map((action) => action.itemKey);
  ledger.hold(keys);
  if (token !== undefined) ledger.transactionStarted(token, asked);
  return {
    forward: request,
    settle: (status, body) => {
      ledger.release(keys, status === 200);
      if (token !== undefined) ledger.transactionEnded(token, status === 200);
      return body;
    },
  };
}
