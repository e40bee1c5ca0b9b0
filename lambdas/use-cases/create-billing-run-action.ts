import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import * as z from 'zod/mini';
import { type ClientFields, clientFieldsOf, writableRecordSchema } from '../domain/billing-run-action.ts';
import type { Caller } from '../domain/caller.ts';
import { newRecord } from '../domain/record-stamp.ts';
import { assertStorable, parseOrThrow } from '../domain/validation.ts';
import type { CreateResult, IdempotencyClaim } from '../storage/billing-run-action-repository.ts';
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

/** A write's claim on its Idempotency-Key, if it sent one: held for a day, by the hash of its body. */
export function idempotencyClaim(key: string | undefined, body: unknown, now: Date): IdempotencyClaim | undefined {
  if (key === undefined) return undefined;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  return { key, bodyHash: bodyHash(body), now: nowSeconds, expiresAt: nowSeconds + IDEMPOTENCY_WINDOW_SECONDS };
}

/** The client fields of a create body, or a 400 naming every offending field: what a create and each line of a bulk load accept. */
export function createBodyFields(body: unknown): ClientFields {
  const parsed = parseOrThrow(createSchema, body, 'billing run action');
  assertStorable(parsed);
  return clientFieldsOf(parsed);
}

export async function createBillingRunAction(
  deps: ActionDependencies,
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
