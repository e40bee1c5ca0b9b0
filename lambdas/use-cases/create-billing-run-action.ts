import type { Caller } from '../domain/caller.ts';
import { newRecord } from '../domain/record-stamp.ts';
import type { CreateResult } from '../ports/billing-run-action-repository.ts';
import type { With } from './dependencies.ts';
import { assignExecution, startAssignedExecution } from './processing-starts.ts';
import { createBodyFields } from './shared/create-body.ts';
import { idempotencyClaim } from './shared/idempotency.ts';

export async function createBillingRunAction(
  deps: With<'processing'>,
  caller: Caller,
  input: { body: unknown; idempotencyKey?: string },
): Promise<CreateResult> {
  const fields = createBodyFields(input.body);
  const now = deps.clock();
  const record = assignExecution(
    deps,
    caller.tenantId,
    undefined,
    newRecord(deps.newId(), fields, { caller, operation: 'createBillingRunAction', at: now.toISOString() }),
  );
  const created = await deps.repository.create(caller.tenantId, record, idempotencyClaim(input.idempotencyKey, input.body, now));
  // Also on a replay: the start is idempotent per attempt, and it covers a first create that stopped before it.
  return { ...created, record: await startAssignedExecution(deps, caller, created.record) };
}
