import pLimit from 'p-limit';
import * as z from 'zod/mini';
import { ID_PATTERN } from '../domain/billing-run-action.ts';
import type { BillingRunAction } from '../domain/record-schema.ts';
import type { Caller } from '../domain/caller.ts';
import { ServiceError, TooManyRequests } from '../domain/errors.ts';
import { parseOrThrow } from '../domain/validation.ts';
import { storageRefusal } from '../storage-busy.ts';
import { deleteBillingRunAction } from './delete-billing-run-action.ts';
import type { Deadline, With } from './dependencies.ts';
import { patchBillingRunAction } from './patch-billing-run-action.ts';

const MAX_BATCH_OPERATIONS = 100;

/**
 * How long before its function's timeout a batch's answer must be ready: the results put together and
 * cut to the response limit, serialised (up to 6 MB), the middlewares run (Middy stops the handler 5 ms
 * before the timeout, and a busy machine runs timers late).
 */
export const ANSWER_MS = 1_000;

/** What an operation the batch had no time left to start answers: too many requests (429), nothing changed. */
const NOT_RUN = 'Not run: the batch ran out of time; nothing was changed; retry it';

const id = z.string().check(z.regex(ID_PATTERN, { error: `must match ${ID_PATTERN.source}` }));
/** The envelope only; each patch document is checked by the patch operation itself, as on its own endpoint. */
export const batchEnvelopeSchema = z.strictObject({
  operations: z
    .array(
      z.discriminatedUnion(
        'op',
        [
          z.strictObject({ op: z.literal('patch'), id, patch: z.array(z.unknown(), { error: 'must be a JSON Patch array' }) }),
          z.strictObject({ op: z.literal('delete'), id }),
        ],
        { error: 'op must be patch or delete' },
      ),
    )
    .check(z.minLength(1), z.maxLength(MAX_BATCH_OPERATIONS)),
});
type BatchOperation = z.infer<typeof batchEnvelopeSchema>['operations'][number];

/**
 * What became of one operation, in the domain's terms: done (a patch with its record), refused (the
 * error its own endpoint would answer), or failed unexpectedly (reported; the batch goes on). The HTTP
 * layer gives each its status (lambdas/http/batch-answer.ts).
 */
export type BatchOutcome = { id: string; op: BatchOperation['op'] } & (
  | { done: true; record?: BillingRunAction }
  | { done: false; error: ServiceError }
  | { done: false; error: 'unexpected' }
);

/**
 * A batch's deadline, from its invocation's time left (`remainingMs`, the Lambda context's): storage
 * calls still in flight are cut off ANSWER_MS before the function's timeout, and nothing new starts
 * later than one storage attempt before that, so that an attempt begun in time can finish.
 */
function batchDeadline(remainingMs: number, storageAttemptMs: number): Deadline {
  const cutInMs = remainingMs - ANSWER_MS;
  const after = (ms: number) => (ms > 0 ? AbortSignal.timeout(ms) : AbortSignal.abort());
  return { stop: after(cutInMs - storageAttemptMs), cut: after(cutInMs) };
}

/**
 * Runs patch and delete operations in parallel, at most `batchConcurrency` at once; operations on the
 * same id run one after another in the order given. Each answers as its own endpoint would. The batch
 * keeps within its invocation's time (`remainingMs`): an operation not started by the deadline's stop
 * answers 429 (not run), one in flight stops retrying there (429, nothing changed) and, at the cut, is
 * abandoned where it is (429 if it had not written, 503 if its write's outcome is unknown).
 */
export async function batchBillingRunActions(
  deps: With<'processing'>,
  caller: Caller,
  body: unknown,
  remainingMs: () => number,
): Promise<BatchOutcome[]> {
  const { operations } = parseOrThrow(batchEnvelopeSchema, body, 'batch');
  const deadline = batchDeadline(remainingMs(), deps.storageAttemptMs);
  const results: BatchOutcome[] = new Array(operations.length);
  const byId = Map.groupBy(
    operations.map((operation, index) => ({ operation, index })),
    ({ operation }) => operation.id,
  );
  const limit = pLimit(deps.batchConcurrency);
  await Promise.all(
    [...byId.values()].map((sequence) =>
      limit(async () => {
        for (const { operation, index } of sequence) {
          results[index] = deadline.stop.aborted ? notRun(operation) : await runOne(deps, caller, operation, deadline);
        }
      }),
    ),
  );
  return results;
}

const notRun = ({ id, op }: BatchOperation): BatchOutcome => ({ id, op, done: false, error: new TooManyRequests(NOT_RUN, 1) });

async function runOne(deps: With<'processing'>, caller: Caller, operation: BatchOperation, deadline: Deadline): Promise<BatchOutcome> {
  const { op, id } = operation;
  try {
    if (op === 'patch') {
      return { id, op, done: true, record: await patchBillingRunAction(deps, caller, { id, patch: operation.patch }, deadline) };
    }
    await deleteBillingRunAction(deps, caller, { id }, deadline);
    return { id, op, done: true };
  } catch (error) {
    // Storage refusing for load or out of reach answers as on the operation's own endpoint (429 or 503).
    const refusal = error instanceof ServiceError ? error : storageRefusal(error);
    if (refusal) return { id, op, done: false, error: refusal };
    deps.reportError(error, { id, op });
    return { id, op, done: false, error: 'unexpected' };
  }
}
