import canonicalize from 'canonicalize';
import { RECORD_FIELDS } from './billing-run-action.ts';
import type { BillingRunAction } from './record-schema.ts';

/**
 * A change of a record, as the table's change stream tells it (the item before and after one write):
 * what the run summaries count and what the change events say. Only a write that made a new version of
 * a record is a change; a write that kept the version (a storage key backfilled, a lookup key moved to
 * its shard) and the purge of a deleted record at its TTL are not, nor is a write of any item that is
 * not a record (idempotency claims, counters, bulk load bookkeeping).
 */
export const CHANGE_OPERATIONS = ['created', 'replaced', 'patched', 'deleted'] as const;
type ChangeOperation = (typeof CHANGE_OPERATIONS)[number];

/** What a live record counts in its run's summary. */
interface CountedState {
  billingRunId: string;
  status: string;
  type: string;
}

export interface RecordChange {
  tenantId: string;
  id: string;
  version: number;
  operation: ChangeOperation;
  /** The record as it was counted before the change (absent: it did not exist, or was deleted). */
  before?: CountedState;
  /** The record as it counts after the change (absent: it is deleted). */
  after?: CountedState;
  oldStatus?: string;
  newStatus?: string;
  changedFields: string[];
  /** When the change was made: the record's last modification. */
  time: string;
  /** The record as stored after the change (a deleted one with its deleter). */
  record: BillingRunAction;
}

type Item = Record<string, unknown>;

/** The operation that replaces a record whole; every other change of a live record is a patch (a client's, a batch's, processing's). */
const REPLACING_OPERATION = 'updateBillingRunAction';

const isRecordItem = (item: Item | undefined): item is Item =>
  item !== undefined && typeof item.id === 'string' && typeof item.sys_version === 'number';
const isLive = (item: Item): boolean => item.sys_deleted_by_id === undefined;

function countedState(item: Item | undefined): CountedState | undefined {
  if (!isRecordItem(item) || !isLive(item)) return undefined;
  return { billingRunId: String(item.billing_run_id), status: String(item.status), type: String(item.type) };
}

function recordOf(item: Item): BillingRunAction {
  const record: Item = {};
  for (const field of RECORD_FIELDS) if (item[field] !== undefined) record[field] = item[field];
  return record as BillingRunAction;
}

/** The record fields whose values differ (compared as canonical JSON), in the schema's order. */
function changedFields(before: Item | undefined, after: Item): string[] {
  return RECORD_FIELDS.filter((field) => canonicalize(before?.[field]) !== canonicalize(after[field]));
}

/**
 * The change one stream record tells, from the item before and after the write (NEW_AND_OLD_IMAGES),
 * or undefined when the write made no new version of a record.
 */
export function changeOf(tenantId: string, before: Item | undefined, after: Item | undefined): RecordChange | undefined {
  if (!isRecordItem(after)) return undefined;
  const version = after.sys_version as number;
  if (isRecordItem(before) && (before.sys_version as number) >= version) return undefined;
  if (isRecordItem(before) && !isLive(before)) return undefined;
  const record = recordOf(after);
  const created = !isRecordItem(before);
  const operation: ChangeOperation = created
    ? 'created'
    : !isLive(after)
      ? 'deleted'
      : record.sys_last_security_context.operation === REPLACING_OPERATION
        ? 'replaced'
        : 'patched';
  const beforeState = countedState(before);
  const afterState = countedState(after);
  return {
    tenantId,
    id: record.id,
    version,
    operation,
    ...(beforeState && { before: beforeState }),
    ...(afterState && { after: afterState }),
    ...(isRecordItem(before) && { oldStatus: String(before.status) }),
    ...(afterState && { newStatus: afterState.status }),
    changedFields: changedFields(created ? undefined : before, after),
    time: record.sys_last_modified_at,
    record,
  };
}

/** The summary's counters one state adds (or, negated, takes away): the run's total, its status's and its type's. */
const STATUS_COUNTER = (status: string) => `status:${status}`;
const TYPE_COUNTER = (type: string) => `type:${type}`;
const TOTAL_COUNTER = 'total';

/** Counter → amount, per billing run. */
export type RunCounts = Map<string, Map<string, number>>;

function add(counts: RunCounts, state: CountedState, amount: number): void {
  const run = counts.get(state.billingRunId) ?? new Map<string, number>();
  for (const counter of [TOTAL_COUNTER, STATUS_COUNTER(state.status), TYPE_COUNTER(state.type)]) {
    run.set(counter, (run.get(counter) ?? 0) + amount);
  }
  counts.set(state.billingRunId, run);
}

/**
 * What a change moves in its runs' summaries: its old state taken away, its new one added, the
 * counters left at zero dropped. `countBefore` false counts the new state alone: for a record whose
 * earlier state no summary ever counted (run-summaries.ts says when).
 */
export function countsOf(change: Pick<RecordChange, 'before' | 'after'>, countBefore = true): RunCounts {
  const counts: RunCounts = new Map();
  if (countBefore && change.before) add(counts, change.before, -1);
  if (change.after) add(counts, change.after, 1);
  for (const [run, counters] of counts) {
    for (const [counter, amount] of counters) if (amount === 0) counters.delete(counter);
    if (counters.size === 0) counts.delete(run);
  }
  return counts;
}

export interface RunSummary {
  billing_run_id: string;
  total: number;
  by_status: Record<string, number>;
  by_type: Record<string, number>;
  last_change_at?: string;
}

/** A run's summary from its counters' parts (any number of shards, each a map of counter → amount), zeros left out. */
export function summaryOf(billingRunId: string, parts: { counters: Record<string, number>; lastChangeAt?: string }[]): RunSummary {
  const sums = new Map<string, number>();
  for (const part of parts)
    for (const [counter, amount] of Object.entries(part.counters)) sums.set(counter, (sums.get(counter) ?? 0) + amount);
  const named = (prefix: string) =>
    Object.fromEntries(
      [...sums]
        .filter(([counter, amount]) => counter.startsWith(prefix) && amount !== 0)
        .map(([counter, amount]) => [counter.slice(prefix.length), amount])
        .sort(([a], [b]) => (a as string).localeCompare(b as string)),
    );
  const lastChangeAt = parts
    .map((part) => part.lastChangeAt)
    .filter((at): at is string => at !== undefined)
    .sort()
    .at(-1);
  return {
    billing_run_id: billingRunId,
    total: sums.get(TOTAL_COUNTER) ?? 0,
    by_status: named(STATUS_COUNTER('')),
    by_type: named(TYPE_COUNTER('')),
    ...(lastChangeAt && { last_change_at: lastChangeAt }),
  };
}
