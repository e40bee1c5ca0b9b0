/**
 * DynamoDB refusing a call for load rather than for what it asked: its throughput (a throttled call, an
 * item of a transaction cancelled with `ThrottlingError`, or items of a batch call left unprocessed), or
 * another transaction on an item (a plain write's TransactionConflictException, a `TransactionConflict`
 * cancellation). One reading, for the adapters that count and wait these out and for the HTTP layer
 * that answers them 429.
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
export function loadEventsOf(error: unknown): CapacityEvent[] {
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

/** Whether DynamoDB refused this for load: worth trying again later (or answering 429). */
export const storageBusy = (error: unknown): boolean => loadEventsOf(error).length > 0;
