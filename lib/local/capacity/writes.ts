import { answers } from './ledger.ts';
import { type Charge, type Plan, withConsumedCapacity } from './charges.ts';
import { type Item } from './units.ts';
import {
  type Request,
  type WriteContext,
  type Action,
  type Before,
  actionOf,
  dependsOnBefore,
  chargesOf,
  beyond,
  beforeEach,
  refusedOnArrival,
  asksConsumedCapacity,
} from './write-actions.ts';

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
