import { TokenBuckets } from './buckets.ts';
import { type Charge, INDEX_WRITE } from './charges.ts';
import type { EffectiveCapacity } from './settings.ts';
import type { TableSchema } from './table-schemas.ts';

const PREFIX = 'com.amazonaws.dynamodb.v20120810#';
/** How long DynamoDB keeps a transaction's ClientRequestToken after its answer. */
const TOKEN_LIFETIME_MS = 10 * 60 * 1000;
/** Past this many tokens kept, those expired are dropped when the next transaction ends. */
const TOKENS_KEPT = 10_000;
const IN_TRANSACTION = 'Transaction is ongoing for the item';

/** DynamoDB's error answers, as its JSON protocol writes them (the SDK reads `__type` into its exception classes). */
export const answers = {
  throttled: (charge: Charge) => ({
    status: 400,
    body: {
      __type: `${PREFIX}ProvisionedThroughputExceededException`,
      message: `Throughput exceeds the current capacity for one or more partitions (${charge.reason}); the capacity emulator of the local run refused it`,
      ThrottlingReasons: [{ reason: charge.reason, resource: charge.resource }],
    },
  }),
  conflict: () => ({
    status: 400,
    body: { __type: `${PREFIX}TransactionConflictException`, message: IN_TRANSACTION },
  }),
  /** A transaction cancelled because some of its items (`held`, in its order) are in another: TransactionConflict for those, None for the rest. */
  heldItems: (held: boolean[]) =>
    answers.cancelled(held.map((isHeld) => (isHeld ? { Code: 'TransactionConflict', Message: IN_TRANSACTION } : { Code: 'None' }))),
  /** A TransactWriteItems whose ClientRequestToken belongs to one that is still running. */
  inProgress: () => ({
    status: 400,
    body: {
      __type: `${PREFIX}TransactionInProgressException`,
      message: 'The transaction with the given request token is already in progress',
    },
  }),
  /** A TransactWriteItems whose ClientRequestToken belongs to one that asked something else. */
  parameterMismatch: () => ({
    status: 400,
    body: {
      __type: `${PREFIX}IdempotentParameterMismatchException`,
      message: 'The request uses the same client token as a previous, but non-identical request',
    },
  }),
  cancelled: (reasons: { Code: string; Message?: string }[]) => ({
    status: 400,
    body: {
      __type: `${PREFIX}TransactionCanceledException`,
      message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((reason) => reason.Code).join(', ')}]`,
      CancellationReasons: reasons,
    },
  }),
};

/**
 * The emulator's state: its token buckets, the items held by ongoing transactions, and its counters.
 * The operations (writes.ts, reads.ts) say what a request draws on; the ledger admits or refuses it.
 */
export class CapacityLedger {
  readonly rates: EffectiveCapacity;
  private readonly buckets: TokenBuckets;
  private readonly holds = new Map<string, number>();
  private readonly throttles = new Map<string, number>();
  /** ClientRequestTokens of transactions that run (until: infinity) or landed (until: 10 minutes after their answer), with what they asked. */
  private readonly tokens = new Map<string, { request: string; until: number }>();
  /** By index ARN: until when one of its write buckets is in debt. */
  private readonly indexDebts = new Map<string, number>();
  private calls = 0;
  private conflicts = 0;
  private answeredByToken = 0;

  private readonly now: () => number;

  constructor(rates: EffectiveCapacity, now: () => number = () => performance.now()) {
    this.rates = rates;
    this.now = now;
    this.buckets = new TokenBuckets(now);
  }

  /** Counts a call that reached the emulator. */
  called(): void {
    this.calls++;
  }

  /** The first of the charges whose bucket is in debt, if any; nothing is taken. */
  refusal(charges: Charge[]): Charge | undefined {
    return charges.find((charge) => !this.buckets.available(charge.bucket, charge.rate));
  }

  /** Counts a refusal for throughput, by its reason and resource. */
  throttled(charge: Charge): void {
    const name = `${charge.reason} ${charge.resource.replace(/^.*:table\//, '')}`;
    this.throttles.set(name, (this.throttles.get(name) ?? 0) + 1);
  }

  /** Takes every charge and answers undefined, or takes none and answers the first bucket in debt (counted). */
  admit(charges: Charge[]): Charge | undefined {
    const refused = this.refusal(charges);
    if (refused) this.throttled(refused);
    else this.pay(charges);
    return refused;
  }

  /** Takes the charges (a read pays once its answer says what it read: reads are admitted on the buckets' state, then charged). */
  pay(charges: Charge[]): void {
    for (const charge of charges) {
      const left = this.buckets.take(charge.bucket, charge.rate, charge.units);
      // An index write bucket in debt refuses writes until it has refilled, at its rate.
      if (left < 0 && charge.reason === INDEX_WRITE) {
        const until = this.now() + (-left / charge.rate) * 1000;
        if (until > (this.indexDebts.get(charge.resource) ?? 0)) this.indexDebts.set(charge.resource, until);
      }
    }
  }

  /**
   * Whether a write to this table might be refused for an index key it leaves: only while one of its
   * indexes has a bucket in debt (a bucket refuses only then). Otherwise what such a write costs on the
   * keys it leaves can be paid once its answer names them (buckets.ts).
   */
  indexesInDebt(schema: TableSchema): boolean {
    const now = this.now();
    return schema.indexes.some((index) => (this.indexDebts.get(index.arn) ?? 0) > now);
  }

  isHeld(itemKey: string): boolean {
    const until = this.holds.get(itemKey);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.holds.delete(itemKey);
    return false;
  }

  conflicted(): void {
    this.conflicts++;
  }

  /** Holds the items of a transaction from its arrival on (until `release`). */
  hold(itemKeys: string[]): void {
    for (const key of itemKeys) this.holds.set(key, Number.POSITIVE_INFINITY);
  }

  /**
   * The transaction answered: the items of one that landed stay held for the hold time, then are free;
   * those of one that was cancelled (it changed nothing) are free at once.
   */
  release(itemKeys: string[], landed: boolean): void {
    const until = this.now() + this.rates.holdMs;
    for (const key of itemKeys) {
      if (landed) this.holds.set(key, until);
      else this.holds.delete(key);
    }
  }

  /**
   * What DynamoDB makes of a transaction's ClientRequestToken (TransactWriteItems, API reference): a
   * token seen with other parameters is a mismatch; one of a transaction still running is answered in
   * progress; one of a transaction that landed within the last 10 minutes is answered as it was, by
   * DynamoDB itself, without running again. A cancelled transaction's token is forgotten: it did nothing.
   */
  transactionToken(token: string, request: string): 'new' | 'in progress' | 'landed' | 'mismatch' {
    const known = this.tokens.get(token);
    if (!known || known.until <= this.now()) return 'new';
    this.answeredByToken++;
    if (known.request !== request) return 'mismatch';
    return known.until === Number.POSITIVE_INFINITY ? 'in progress' : 'landed';
  }

  /** A transaction with this token runs from now on. */
  transactionStarted(token: string, request: string): void {
    this.tokens.set(token, { request, until: Number.POSITIVE_INFINITY });
  }

  /** The transaction of this token answered: kept 10 minutes when it landed, forgotten when it did not. */
  transactionEnded(token: string, landed: boolean): void {
    const known = this.tokens.get(token);
    if (!known) return;
    if (landed) this.tokens.set(token, { ...known, until: this.now() + TOKEN_LIFETIME_MS });
    else this.tokens.delete(token);
    if (this.tokens.size > TOKENS_KEPT) for (const [key, entry] of this.tokens) if (entry.until <= this.now()) this.tokens.delete(key);
  }

  /** One line of what the emulator did, for the local service's stop and for tests. */
  report(): { calls: number; throttled: number; conflicts: number; answeredByToken: number; line: string } {
    const throttled = [...this.throttles.values()].reduce((sum, count) => sum + count, 0);
    const detail = [...this.throttles.entries()].map(([name, count]) => `${count} ${name}`).join(', ');
    return {
      calls: this.calls,
      throttled,
      conflicts: this.conflicts,
      answeredByToken: this.answeredByToken,
      line:
        `capacity emulator: ${this.calls} calls, ${throttled} throttled${detail ? ` (${detail})` : ''}, ${this.conflicts} refused for transaction conflicts` +
        (this.answeredByToken > 0 ? `, ${this.answeredByToken} transaction retries answered by their token` : ''),
    };
  }
}
