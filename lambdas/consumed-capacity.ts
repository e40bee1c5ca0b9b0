/**
 * The read and write units DynamoDB reported for one invocation's storage calls (their
 * `ConsumedCapacity`, which the DynamoDB adapter asks of every data call), summed. The access line of a
 * request and the line of a bulk load step write them, so an operator sees who uses the table from the
 * log (Contributor Insights ranks tenants by them) without a metric per tenant.
 */
export interface ConsumedUnits {
  /** The line's field names, which the stack's Contributor Insights rules read (lib/stack/tenant-usage.ts). */
  consumedReadUnits: number;
  consumedWriteUnits: number;
}

/** The part of Lambda's InvokeStore this needs (`@aws/lambda-invoke-store`, which Lambda and the local gateway install on `globalThis.awslambda`). */
interface InvokeStore {
  hasContext(): boolean;
  get(key: symbol): unknown;
  set(key: symbol, value: unknown): void;
}

const TALLY = Symbol('consumedCapacity');
let shared: ConsumedUnits = { consumedReadUnits: 0, consumedWriteUnits: 0 };

/**
 * Where this invocation's tally lives: in its InvokeStore context where there is one (Lambda's
 * concurrent mode, and the local gateway, which runs many invocations in one process at once), else in
 * the process (one invocation at a time, each starting its own).
 */
function invocationStore(): InvokeStore | undefined {
  const store = (globalThis as { awslambda?: { InvokeStore?: InvokeStore } }).awslambda?.InvokeStore;
  return store?.hasContext() ? store : undefined;
}

function current(): ConsumedUnits {
  const store = invocationStore();
  if (!store) return shared;
  let tally = store.get(TALLY) as ConsumedUnits | undefined;
  if (!tally) {
    tally = { consumedReadUnits: 0, consumedWriteUnits: 0 };
    store.set(TALLY, tally);
  }
  return tally;
}

/** An invocation begins: its tally starts at nothing. */
export function startTally(): void {
  const fresh = { consumedReadUnits: 0, consumedWriteUnits: 0 };
  const store = invocationStore();
  if (store) store.set(TALLY, fresh);
  else shared = fresh;
}

/** Adds one call's consumed units to the invocation's tally. */
export function tallyConsumedCapacity(kind: 'read' | 'write', units: number): void {
  const tally = current();
  if (kind === 'read') tally.consumedReadUnits += units;
  else tally.consumedWriteUnits += units;
}

/** What this invocation's calls consumed so far, as its log line's fields. */
export const consumedUnits = (): ConsumedUnits => ({ ...current() });
