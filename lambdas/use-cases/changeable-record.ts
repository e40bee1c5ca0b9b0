import { clientFieldsOf } from '../domain/client-fields.ts';
import type { BillingRunAction } from '../domain/record-schema.ts';
import type { Caller } from '../domain/caller.ts';
import { RecordLocked, TooManyRequests, VersionConflict, notFound, outOfTime } from '../domain/errors.ts';
import { nextVersion } from '../domain/record-stamp.ts';
import { RETRY_POLICIES } from '../retry-policies.ts';
import { type ActionDependencies, type Deadline, type With } from './dependencies.ts';
import { assignExecution, startAssignedExecution } from './processing-starts.ts';
import { RetriesExhausted, retrying } from '../retry.ts';

/** The current record, read strongly consistent, which the caller is about to change (abandoned at the deadline's cut). */
export async function readForChange(deps: ActionDependencies, caller: Caller, id: string, deadline?: Deadline): Promise<BillingRunAction> {
  const current = await deps.repository.get(caller.tenantId, id, { consistentRead: true, signal: deadline?.cut });
  if (!current) throw notFound(id);
  if (current.sys_locked === true) throw new RecordLocked(id);
  return current;
}

/**
 * Reads the record, lets `change` write its next version, and starts over when another writer got
 * there first: a race is not a conflict the caller caused, so it is never a 409. Past the retry
 * budget, or the deadline's stop, the caller is asked to come back (429 with Retry-After): every
 * attempt lost its race, so nothing was written. `change` hands the deadline's cut to its write.
 */
export async function changeWithRetries<T>(
  deps: ActionDependencies,
  caller: Caller,
  id: string,
  deadline: Deadline | undefined,
  change: (current: BillingRunAction) => Promise<T>,
): Promise<T> {
  try {
    return await retrying(
      RETRY_POLICIES.writeRace,
      async () => change(await readForChange(deps, caller, id, deadline)),
      (error) => error instanceof VersionConflict,
      deadline?.stop,
    );
  } catch (error) {
    if (!(error instanceof RetriesExhausted)) throw error;
    if (error.stopped) throw outOfTime(id);
    throw new TooManyRequests(`Billing run action '${id}' is being changed by many writers at once; retry shortly`, 1);
  }
}

/**
 * Writes `fields` as the next version of `current`, conditional on `current` still being the stored
 * version (abandoned at the deadline's cut, if given), and starts processing when the write leaves the
 * record in `processing`.
 */
export async function replaceFields(
  deps: With<'processing'>,
  caller: Caller,
  operation: string,
  current: BillingRunAction,
  fields: Record<string, unknown>,
  deadline?: Deadline,
): Promise<BillingRunAction> {
  const record = assignExecution(
    deps,
    caller.tenantId,
    current,
    nextVersion(current, clientFieldsOf(fields), { caller, operation, at: deps.clock().toISOString() }),
  );
  await deps.repository.replace(caller.tenantId, record, current.sys_version, { signal: deadline?.cut });
  return startAssignedExecution(deps, caller, record);
}
