import { clientFieldsOf } from '../domain/client-fields.ts';
import type { BillingRunAction } from '../domain/record-schema.ts';
import type { Caller } from '../domain/caller.ts';
import { RecordLocked, TooManyRequests, VersionConflict, notFound } from '../domain/errors.ts';
import { nextVersion } from '../domain/record-stamp.ts';
import { WRITE_RETRY, type ActionDependencies, type With } from './dependencies.ts';
import { assignExecution, startAssignedExecution } from './processing-starts.ts';
import { RetriesExhausted, retrying } from '../retry.ts';

/** The current record, read strongly consistent, which the caller is about to change. */
export async function readForChange(deps: ActionDependencies, caller: Caller, id: string): Promise<BillingRunAction> {
  const current = await deps.repository.get(caller.tenantId, id, { consistentRead: true });
  if (!current) throw notFound(id);
  if (current.sys_locked === true) throw new RecordLocked(id);
  return current;
}

/**
 * Reads the record, lets `change` write its next version, and starts over when another writer got
 * there first: a race is not a conflict the caller caused, so it is never a 409. Past the retry
 * budget the caller is asked to come back (429 with Retry-After).
 */
export async function changeWithRetries<T>(
  deps: ActionDependencies,
  caller: Caller,
  id: string,
  change: (current: BillingRunAction) => Promise<T>,
): Promise<T> {
  try {
    return await retrying(
      WRITE_RETRY,
      async () => change(await readForChange(deps, caller, id)),
      (error) => error instanceof VersionConflict,
    );
  } catch (error) {
    if (!(error instanceof RetriesExhausted)) throw error;
    throw new TooManyRequests(`Billing run action '${id}' is being changed by many writers at once; retry shortly`, 1);
  }
}

/**
 * Writes `fields` as the next version of `current`, conditional on `current` still being the stored
 * version, and starts processing when the write leaves the record in `processing`.
 */
export async function replaceFields(
  deps: With<'processing'>,
  caller: Caller,
  operation: string,
  current: BillingRunAction,
  fields: Record<string, unknown>,
): Promise<BillingRunAction> {
  const record = assignExecution(
    deps,
    caller.tenantId,
    current,
    nextVersion(current, clientFieldsOf(fields), { caller, operation, at: deps.clock().toISOString() }),
  );
  await deps.repository.replace(caller.tenantId, record, current.sys_version);
  return startAssignedExecution(deps, caller, record);
}
