import { ServiceUnavailable, TooManyRequests } from './domain/errors.ts';

/**
 * DynamoDB refusing a call because it is busy rather than for what it asked: its throughput (a throttled call, an
 * item of a transaction cancelled with `ThrottlingError`, or items of a batch call left unprocessed), or
 * another transaction on an item (a plain write's TransactionConflictException, a `TransactionConflict`
 * cancellation). One reading, for the adapters that count and wait these out and for the HTTP layer
 * and the batch that answer them 429.
 */
export type CapacityEvent = 'throttled' | 'conflict';

/**
 * A batch call (BatchWriteItem, BatchGetItem) whose items DynamoDB left unprocessed: it does that to
 * the items whose throughput it refuses, so it is throttling, waited out and answered as any other.
 */
export class LeftUnprocessed extends Error {
  constructor(what: string, count: number) {
    super(`DynamoDB left ${count} ${what} unprocessed (throttled)`);
    this.name = 'LeftUnprocessed';
  }
}

const THROTTLING = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);

/** What the error says DynamoDB refused for: none, throttling, a transaction conflict, or both (a transaction's items). */
export function busyEventsOf(error: unknown): CapacityEvent[] {
  if (!(error instanceof Error)) return [];
  if (THROTTLING.has(error.name) || error instanceof LeftUnprocessed) return ['throttled'];
  if (error.name === 'TransactionConflictException') return ['conflict'];
  if (error.name !== 'TransactionCanceledException') return [];
  const codes = new Set(((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((reason) => reason.Code));
  return [
    ...(codes.has('ThrottlingError') ? ['throttled' as const] : []),
    ...(codes.has('TransactionConflict') ? ['conflict' as const] : []),
  ];
}

/** Whether DynamoDB refused this because it is busy: worth trying again later (or answering 429). */
export const storageBusy = (error: unknown): boolean => busyEventsOf(error).length > 0;

/** Connections broken after the request may have reached storage (a refused one never did). */
const BROKEN_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

/**
 * A call that may or may not have been applied: the SDK's attempt timed out, the connection broke, or a
 * transaction is still in progress (only its ClientRequestToken can tell: adapters/dynamodb/transactions.ts).
 */
export function outcomeUnknown(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'TimeoutError' ||
    error.name === 'TransactionInProgressException' ||
    BROKEN_CODES.has((error as { code?: string }).code ?? '')
  );
}

/** Whether storage could not be reached in time: an outcome not known, or a connection refused. */
const storageUnreachable = (error: unknown): boolean =>
  outcomeUnknown(error) || (error as { code?: string } | undefined)?.code === 'ECONNREFUSED';

/**
 * What the service answers when storage refused because it is busy (429) or could not be reached (503), both
 * with Retry-After; undefined for any other error. The HTTP layer answers a request with it, the batch
 * one operation.
 */
export function storageRefusal(error: unknown): TooManyRequests | ServiceUnavailable | undefined {
  if (storageBusy(error)) return new TooManyRequests('Too Many Requests: storage is throttling; retry after a pause', 1);
  if (storageUnreachable(error)) {
    return new ServiceUnavailable('Service Unavailable: storage did not answer in time; retry after a pause', { cause: error });
  }
  return undefined;
}
