import pLimit from 'p-limit';
import * as z from 'zod/mini';
import { ID_PATTERN } from '../domain/billing-run-action.ts';
import type { BillingRunAction } from '../domain/record-schema.ts';
import type { Caller } from '../domain/caller.ts';
import { type FieldIssue, ServiceError } from '../domain/errors.ts';
import { RESPONSE_BUDGET_BYTES, payloadBytes } from '../domain/response-size.ts';
import { parseOrThrow } from '../domain/validation.ts';
import { deleteBillingRunAction } from './delete-billing-run-action.ts';
import type { With } from './dependencies.ts';
import { patchBillingRunAction } from './patch-billing-run-action.ts';

const MAX_BATCH_OPERATIONS = 100;

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

interface BatchOperationResult {
  id: string;
  op: BatchOperation['op'];
  status: number;
  record?: BillingRunAction;
  /** True when the operation succeeded but its record would not fit in the response (GET it instead). */
  record_omitted?: true;
  error?: { message: string; details?: FieldIssue[] };
}

export interface BatchResult {
  success_count: number;
  error_count: number;
  results: BatchOperationResult[];
}

/**
 * Runs patch and delete operations in parallel, at most `batchConcurrency` at once; operations on the
 * same id run one after another in the order given. Each answers as its own endpoint would.
 */
export async function batchBillingRunActions(deps: With<'processing'>, caller: Caller, body: unknown): Promise<BatchResult> {
  const { operations } = parseOrThrow(batchEnvelopeSchema, body, 'batch');
  const results: BatchOperationResult[] = new Array(operations.length);
  const byId = Map.groupBy(
    operations.map((operation, index) => ({ operation, index })),
    ({ operation }) => operation.id,
  );
  const limit = pLimit(deps.batchConcurrency);
  await Promise.all(
    [...byId.values()].map((sequence) =>
      limit(async () => {
        for (const { operation, index } of sequence) results[index] = await runOne(deps, caller, operation);
      }),
    ),
  );
  const success_count = results.filter((result) => result.status === 200).length;
  return { success_count, error_count: results.length - success_count, results: withinResponseLimit(results) };
}

/** In request order, the records that fit in a Lambda response; the others are left out, and their results say so. */
function withinResponseLimit(results: BatchOperationResult[]): BatchOperationResult[] {
  let bytes = 0;
  return results.map((result) => {
    bytes += payloadBytes(result) + 1;
    if (bytes <= RESPONSE_BUDGET_BYTES || !result.record) return result;
    const { record, ...rest } = result;
    bytes -= payloadBytes(record);
    return { ...rest, record_omitted: true };
  });
}

async function runOne(deps: With<'processing'>, caller: Caller, operation: BatchOperation): Promise<BatchOperationResult> {
  const { op, id } = operation;
  try {
    if (op === 'patch') {
      return { id, op, status: 200, record: await patchBillingRunAction(deps, caller, { id, patch: operation.patch }) };
    }
    await deleteBillingRunAction(deps, caller, { id });
    return { id, op, status: 200 };
  } catch (error) {
    if (error instanceof ServiceError) {
      return { id, op, status: error.statusCode, error: { message: error.message, ...(error.details && { details: error.details }) } };
    }
    deps.reportError(error, { id, op });
    return { id, op, status: 500, error: { message: `Internal server error (request id ${caller.requestId})` } };
  }
}
