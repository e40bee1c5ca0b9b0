import { PROCESSING } from '../domain/processing.ts';
import type { ClientFields } from '../domain/record-schema.ts';
import type { Caller } from '../domain/caller.ts';
import { Conflict, NotFound } from '../domain/errors.ts';
import { nextVersion } from '../domain/record-stamp.ts';
import type { BillingRunActionRepository } from '../ports/billing-run-action-repository.ts';
import type { StuckRecords } from '../ports/stuck-records.ts';

export const SWEEPER_PRINCIPAL = 'billing-run-actions-sweeper';
/** Records moved per run; a larger backlog is worked off by the next runs. */
const RECORDS_PER_RUN = 500;

export interface SweepDependencies {
  repository: BillingRunActionRepository;
  stuck: StuckRecords;
  clock: () => Date;
  /** The processor's timeout plus a margin: a record in processing unchanged for longer is stuck. */
  stuckAfterMs: number;
  requestId: string;
}

export interface SweepResult {
  /** Records moved to `error`. */
  swept: number;
  /** Records found that changed meanwhile (another writer won), left as they are. */
  skipped: number;
}

/**
 * Moves records left in `processing` past the processor's timeout (plus a margin) to `error`, each
 * conditionally on the version that was read, so that a record a worker or a client changed meanwhile
 * is left alone.
 */
export async function sweepStuckProcessing(deps: SweepDependencies): Promise<SweepResult> {
  const now = deps.clock();
  const cutoff = new Date(now.getTime() - deps.stuckAfterMs).toISOString();
  const result: SweepResult = { swept: 0, skipped: 0 };
  for (const { tenantId, record } of await deps.stuck.changedBefore(cutoff, RECORDS_PER_RUN)) {
    if (record.status !== PROCESSING || record.sys_last_modified_at >= cutoff) {
      result.skipped++;
      continue;
    }
    const caller: Caller = {
      principal: SWEEPER_PRINCIPAL,
      tenantId,
      sourceIp: '-',
      userAgent: 'scheduled sweep',
      requestId: deps.requestId,
    };
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
  return result;
}
