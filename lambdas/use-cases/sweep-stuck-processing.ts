import { PROCESSING } from '../domain/processing.ts';
import type { ClientFields } from '../domain/record-schema.ts';
import type { Caller } from '../domain/caller.ts';
import { Conflict, NotFound } from '../domain/errors.ts';
import { nextVersion } from '../domain/record-stamp.ts';
import { spreadOf } from '../domain/spread.ts';
import type { BillingRunActionRepository } from '../ports/billing-run-action-repository.ts';
import type { OpenExecutions } from '../ports/open-executions.ts';
import type { StuckRecordKey, StuckRecords } from '../ports/stuck-records.ts';
import type { TenantRegistry } from '../ports/tenant-registry.ts';

export const SWEEPER_PRINCIPAL = 'billing-run-actions-sweeper';
/** Records read per page at most (one tenant's); a run reads page after page until the backlog is done or its time is. */
export const RECORDS_PER_PAGE = 500;
/** After its first page, a run starts no page with less than this left of its function's time (a page of 500 writes takes seconds). */
export const PAGE_MARGIN_MS = 60_000;

export interface SweepDependencies {
  repository: BillingRunActionRepository;
  stuck: StuckRecords;
  /** The tenants' open executions: a place still open past the cut-off belongs to an execution that has ended. */
  executions: Pick<OpenExecutions, 'openedBefore' | 'close'>;
  /** Whose records are swept: every tenant ever added, removed ones too (their records are kept). */
  tenants: Pick<TenantRegistry, 'everAdded'>;
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
  /** Records found that had changed, or left processing, when read (another writer won, or the index lagged), left as they are. */
  skipped: number;
  /** Whether the run stopped for its time before the end of its walk (records may be left: the next run, 15 minutes on, goes on). */
  backlogLeft: boolean;
  /** Places of ended executions closed (their "ended" event was lost). */
  placesClosed: number;
}

/** The tenants from the one `requestId` falls on: each run begins with another, so that none is always last in a short run. */
const rotated = (tenantIds: string[], requestId: string): string[] => {
  const first = tenantIds.length === 0 ? 0 : spreadOf(requestId, tenantIds.length);
  return [...tenantIds.slice(first), ...tenantIds.slice(0, first)];
};

/**
 * Moves records left in `processing` past the processor's timeout (plus a margin) to `error`, each
 * conditionally on the version that was read, so that a record a worker or a client changed meanwhile
 * is left alone. The index yields keys alone (an entry costs one write unit, where an entry holding the
 * whole record cost a 400 KB record 400 units on entering processing and 400 on leaving it), so each
 * record found is read here, strongly consistent, before its replace: the index is eventually
 * consistent and holds no status. Stuck records are rare, so that read (a read unit per 4 KB of the
 * record) is cheap beside what whole entries cost every record that passes through processing. Then
 * it closes the tenants' places of executions that must have ended (closeEndedPlaces).
 */
export async function sweepStuckProcessing(deps: SweepDependencies): Promise<SweepResult> {
  const now = deps.clock();
  const cutoff = new Date(now.getTime() - deps.stuckAfterMs).toISOString();
  const result: SweepResult = { swept: 0, skipped: 0, backlogLeft: false, placesClosed: 0 };
  const tenants = rotated(await deps.tenants.everAdded(), deps.requestId);
  // The first page that holds records is always worked, so that every run moves on; after it, and
  // while pages are empty (tenants with nothing stuck), no page is begun with less than the margin left.
  let worked = false;
  for await (const page of deps.stuck.changedBefore(tenants, cutoff, RECORDS_PER_PAGE)) {
    if ((worked || page.length === 0) && deps.remainingMs() < PAGE_MARGIN_MS) {
      result.backlogLeft = true;
      break;
    }
    for (const key of page) await sweepOne(deps, result, key, cutoff, now);
    worked ||= page.length > 0;
  }
  if (!result.backlogLeft) await closeEndedPlaces(deps, result, tenants, cutoff);
  return result;
}

/**
 * Each tenant's places among its open executions taken before the cut-off: no execution lasts that long
 * (the processor's timeout and margin are inside it), so each belongs to one that ended and whose
 * "ended" event never closed it (Step Functions sends those on a best-effort basis). Closing is
 * idempotent, so a place its event closes meanwhile costs nothing.
 */
async function closeEndedPlaces(deps: SweepDependencies, result: SweepResult, tenants: string[], cutoff: string): Promise<void> {
  for (const tenantId of tenants) {
    if (deps.remainingMs() < PAGE_MARGIN_MS) {
      result.backlogLeft = true;
      return;
    }
    for (const name of await deps.executions.openedBefore(tenantId, cutoff)) {
      await deps.executions.close(tenantId, name);
      result.placesClosed++;
    }
  }
}

/** One record: read, then to `error` conditionally on the version read, or left (counted as skipped) when it is no longer stuck. */
async function sweepOne(deps: SweepDependencies, result: SweepResult, key: StuckRecordKey, cutoff: string, now: Date): Promise<void> {
  const { tenantId, id } = key;
  const record = await deps.repository.get(tenantId, id, { consistentRead: true });
  if (!record || record.status !== PROCESSING || record.sys_last_modified_at >= cutoff) {
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
