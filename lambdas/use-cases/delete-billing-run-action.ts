import type { BillingRunAction } from '../domain/record-schema.ts';
import type { Caller } from '../domain/caller.ts';
import { nextVersion } from '../domain/record-stamp.ts';
import { clientFieldsOf } from '../domain/client-fields.ts';
import { changeWithRetries } from './changeable-record.ts';
import type { ActionDependencies, Deadline } from './dependencies.ts';

const SECONDS_PER_DAY = 86_400;

/**
 * Soft delete: the record leaves every read and index but is kept, with its deleter, until its TTL.
 * With a deadline (in a batch), its retries and storage calls keep to it.
 */
export async function deleteBillingRunAction(
  deps: ActionDependencies,
  caller: Caller,
  input: { id: string },
  deadline?: Deadline,
): Promise<string> {
  return changeWithRetries(deps, caller, input.id, deadline, async (current) => {
    const now = deps.clock();
    const record: BillingRunAction = {
      ...nextVersion(current, clientFieldsOf(current), { caller, operation: 'deleteBillingRunAction', at: now.toISOString() }),
      sys_deleted_by_id: caller.principal,
    };
    const expiresAt = Math.floor(now.getTime() / 1000) + deps.deletedRetentionDays * SECONDS_PER_DAY;
    await deps.repository.softDelete(caller.tenantId, { record, expiresAt }, current.sys_version, { signal: deadline?.cut });
    return current.id;
  });
}
