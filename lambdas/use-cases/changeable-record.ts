import { type BillingRunAction, clientFieldsOf } from '../domain/billing-run-action.ts';
import type { Caller } from '../domain/caller.ts';
import { RecordLocked, VersionConflict, notFound } from '../domain/errors.ts';
import { nextVersion } from '../domain/record-stamp.ts';
import { WRITE_ATTEMPTS, type ActionDependencies } from './dependencies.ts';
import { assignExecution, startAssignedExecution } from './processing.ts';

/** The current record, read strongly consistent, which the caller is about to change. */
export async function readForChange(deps: ActionDependencies, caller: Caller, id: string): Promise<BillingRunAction> {
  const current = await deps.repository.get(caller.tenantId, id, { consistentRead: true });
  if (!current) throw notFound(id);
  if (current.sys_locked === true) throw new RecordLocked(id);
  return current;
}

/**
 * Reads the record, lets `change` write its next version, and starts over when another writer got
 * there first. After the last attempt the VersionConflict reaches the caller as a 409.
 */
export async function changeWithRetries<T>(
  deps: ActionDependencies,
  caller: Caller,
  id: string,
  change: (current: BillingRunAction) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const current = await readForChange(deps, caller, id);
    try {
      return await change(current);
    } catch (error) {
      if (!(error instanceof VersionConflict) || attempt >= WRITE_ATTEMPTS) throw error;
    }
  }
}

/**
 * Writes `fields` as the next version of `current`, conditional on `current` still being the stored
 * version, and starts processing when the write leaves the record in `processing`.
 */
export async function replaceFields(
  deps: ActionDependencies,
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
