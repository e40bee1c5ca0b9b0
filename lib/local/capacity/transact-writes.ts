import { type CapacityLedger, answers } from './ledger.ts';
import { type Charge, type Plan, withConsumedCapacity } from './charges.ts';
import {
  type Request,
  type Kind,
  type WriteContext,
  type Action,
  type Before,
  actionOf,
  dependsOnBefore,
  chargesOf,
  beforeEach,
} from './write-actions.ts';

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
