import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import * as z from 'zod/mini';
import { clientFieldsOf, writableRecordSchema } from '../domain/billing-run-action.ts';
import type { Caller } from '../domain/caller.ts';
import { newRecord } from '../domain/record-stamp.ts';
import { assertStorable, parseOrThrow } from '../domain/validation.ts';
import type { CreateResult } from '../storage/billing-run-action-repository.ts';
import type { ActionDependencies } from './dependencies.ts';
import { assignExecution, startAssignedExecution } from './processing.ts';

export const createSchema = z.extend(writableRecordSchema, {
  id: z.optional(z.never({ error: 'is assigned by the service; do not send it on create' })),
});

/** How long an Idempotency-Key holds. */
const IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600;

/** Semantically equal JSON bodies (key order, white space) hash the same (RFC 8785 canonical form). */
const bodyHash = (body: unknown): string =>
  createHash('sha256')
    .update(canonicalize(body) ?? '')
    .digest('base64url');

export async function createBillingRunAction(
  deps: ActionDependencies,
  caller: Caller,
  input: { body: unknown; idempotencyKey?: string },
): Promise<CreateResult> {
  const body = parseOrThrow(createSchema, input.body, 'billing run action');
  assertStorable(body);
  const now = deps.clock();
  const record = assignExecution(
    deps,
    caller.tenantId,
    undefined,
    newRecord(deps.newId(), clientFieldsOf(body), { caller, operation: 'createBillingRunAction', at: now.toISOString() }),
  );
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const claim =
    input.idempotencyKey === undefined
      ? undefined
      : { key: input.idempotencyKey, bodyHash: bodyHash(input.body), now: nowSeconds, expiresAt: nowSeconds + IDEMPOTENCY_WINDOW_SECONDS };
  const created = await deps.repository.create(caller.tenantId, record, claim);
  // Also on a replay: the start is idempotent per attempt, and it covers a first create that stopped before it.
  return { ...created, record: await startAssignedExecution(deps, caller, created.record) };
}
