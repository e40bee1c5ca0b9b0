import type { BillingRunAction } from '../domain/record-schema.ts';
import type { FieldIssue } from '../domain/errors.ts';
import { RESPONSE_BUDGET_BYTES, payloadBytes } from '../domain/response-size.ts';
import type { BatchOutcome } from '../use-cases/batch-billing-run-actions.ts';
import { errorAnswer } from './error-statuses.ts';

interface BatchOperationResult {
  id: string;
  op: BatchOutcome['op'];
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
 * A batch's answer: each operation with the status its own endpoint would answer (error-statuses.ts, the
 * one map), an unexpected failure as a 500 naming the request id only; in request order, with the records
 * that fit in a Lambda response (the others left out, and their results say so).
 */
export function batchAnswer(outcomes: BatchOutcome[], requestId: string): BatchResult {
  const results = outcomes.map((outcome): BatchOperationResult => {
    const { id, op } = outcome;
    if (outcome.done) return { id, op, status: 200, ...(outcome.record && { record: outcome.record }) };
    if (outcome.error === 'unexpected')
      return { id, op, status: 500, error: { message: `Internal server error (request id ${requestId})` } };
    const { status, body } = errorAnswer(outcome.error);
    return { id, op, status, error: body };
  });
  const success_count = results.filter((result) => result.status === 200).length;
  return { success_count, error_count: results.length - success_count, results: withinResponseLimit(results) };
}

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
