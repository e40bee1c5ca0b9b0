import { PROCESSING } from '../domain/processing.ts';
import type { BillingRunAction, ClientFields } from '../domain/record-schema.ts';
import type { Caller } from '../domain/caller.ts';
import { Conflict, NotFound } from '../domain/errors.ts';
import { nextVersion } from '../domain/record-stamp.ts';
import type { BillingRunActionRepository } from '../ports/billing-run-action-repository.ts';
import type { StuckRecords } from '../ports/stuck-records.ts';

export const SWEEPER_PRINCIPAL = 'billing-run-actions-sweeper';
/** Records read per page; a run reads page after page until the backlog is done or its time is. */
export const RECORDS_PER_PAGE = 500;
/** After its first page, a run starts no page with less than this left of its function's time (a page of 500 writes takes seconds). */
export const PAGE_MARGIN_MS = 60_000;

export interface SweepDependencies {
  repository: BillingRunActionRepository;
  stuck: StuckRecords;
  clock: () => Date;
  /** The processor's timeout plus a margin: a record in processing unchanged for longer is stuck. */
  stuckAfterMs: number;
  requestId: string;
  /** What is left of the run's time (the function's remaining time): a run stops starting pages before its end. */
  remainingMs: () => number;
}

export interface SweepResult {
  /** Records moved to `error`. */
  swept: number;
  /** Records found that changed meanwhile (another writer won), left as they are. */
  skipped: number;
  /** Whether the run stopped for its time with records left (the next run, 15 minutes on, goes on). */
  backlogLeft: boolean;
}

/**
 * Moves records left in `processing` past the processor's timeout (plus a margin) to `error`, each
 * conditionally on the version that was read, so that a record a worker or a client changed meanwhile
 * is left alone.
 */
export async function sweepStuckProcessing(deps: SweepDependencies): Promise<SweepResult> {
  const now = deps.clock();
  const cutoff = new Date(now.getTime() - deps.stuckAfterMs).toISOString();
  const result: SweepResult = { swept: 0, skipped: 0, backlogLeft: false };
  // Page after page: a swept record leaves the processing index, so the next page holds the next ones;
  // a page that moved nothing (only records changed meanwhile) ends the run, as does the clock.
  for (;;) {
    const page = await deps.stuck.changedBefore(cutoff, RECORDS_PER_PAGE);
    const before = result.swept;
    for (const { tenantId, record } of page) await sweepOne(deps, result, tenantId, record, cutoff, now);
    if (page.length < RECORDS_PER_PAGE || result.swept === before) return result;
    if (deps.remainingMs() < PAGE_MARGIN_MS) {
      result.backlogLeft = true;
      return result;
    }
  }
}

/** One record: to `error` conditionally on the version read, or left (counted as skipped) when it changed meanwhile. */
async function sweepOne(
  deps: SweepDependencies,
  result: SweepResult,
  tenantId: string,
  record: BillingRunAction,
  cutoff: string,
  now: Date,
): Promise<void> {
  if (record.status !== PROCESSING || record.sys_last_modified_at >= cutoff) {
    result.skipped++;
    return;
  }
  const caller: Caller = { principal: SWEEPER_PRINCIPAL, tenantId, sourceIp: '-', userAgent: 'scheduled sweep', requestId: deps.requestId };
  const fields = {
    ...record,
    status: 'error',
    error_message: `Processing did not finish: the record stayed in processing since ${record.sys_last_modified_at}, past the processor's timeout`,
  } as unknown as ClientFields;
  try {
    await deps.repository.replace(
      tenantId,
      nextVersion(record, fields, { caller, operation: 'sweepStuckProcessing', at: now.toISOString() }),
      record.sys_version,
    );
    result.swept++;
  } catch (error) {
    if (!(error instanceof Conflict || error instanceof NotFound)) throw error;
    result.skipped++;
  }
}
