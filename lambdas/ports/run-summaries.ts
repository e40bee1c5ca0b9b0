import type { RecordChange, RunSummary } from '../domain/record-changes.ts';

/** A change as the summaries count it: with, for a deleted record, when its item expires (its bookkeeping goes with it). */
export type CountableChange = Pick<RecordChange, 'tenantId' | 'id' | 'version' | 'before' | 'after' | 'time'> & { expiresAt?: number };

/**
 * Each billing run's live records counted by status and by type, kept from the stream of changes: each
 * change counted once, whatever the stream's redeliveries and the consumer's retries.
 */
export interface RunSummaries {
  /**
   * Counts the changes, in their order. Answers the position of the first change it could not count
   * (DynamoDB kept refusing: the stream delivers it and those after it again), or undefined when all
   * are counted (or were before: a redelivered change counts nothing).
   */
  count(changes: CountableChange[]): Promise<number | undefined>;
  /** The run's summary; undefined when no record of the tenant was ever counted in it. */
  read(tenantId: string, billingRunId: string): Promise<RunSummary | undefined>;
}
