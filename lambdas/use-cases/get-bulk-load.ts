import { type BulkLoad, LINE_ERRORS_PER_PAGE, type LineError } from '../domain/bulk-load.ts';
import type { Caller } from '../domain/caller.ts';
import { NotFound } from '../domain/errors.ts';
import { RESPONSE_BUDGET_BYTES, payloadBytes } from '../domain/response-size.ts';
import type { BulkLoads } from '../ports/bulk-load-store.ts';
import type { With } from './dependencies.ts';

/** A load as a read answers it: its counts (always complete) and one page of its line errors. */
export type BulkLoadReport = BulkLoad & { errors: LineError[]; errors_last_evaluated_key?: string };

/** How many line errors one query reads, so that a page of large errors never reads far past what it can carry. */
const ERRORS_PER_QUERY = 250;

/**
 * A load of the caller's tenant, with a page of its line errors in line order: up to 1,000, after line
 * `errorsAfterLine` (0: from the first). A page ends early when its errors would not fit in a Lambda
 * response; `errors_last_evaluated_key` is then, as whenever more errors follow, where the next page starts.
 */
export async function getBulkLoad(deps: With<'bulkLoads'>, caller: Caller, loadId: string, errorsAfterLine = 0): Promise<BulkLoadReport> {
  const { loads } = deps.bulkLoads;
  const load = await loads.get(caller.tenantId, loadId);
  if (!load) throw new NotFound(`Bulk load '${loadId}' was not found`);
  if (load.failed === 0) return { ...load, errors: [] };
  const { errors, lastLine } = await errorPage(loads, caller.tenantId, loadId, errorsAfterLine, payloadBytes(load));
  return { ...load, errors, ...(lastLine !== undefined && { errors_last_evaluated_key: String(lastLine) }) };
}

/** The page of errors after `afterLine`, and its last line when more errors follow it. */
async function errorPage(
  loads: BulkLoads,
  tenantId: string,
  loadId: string,
  afterLine: number,
  loadBytes: number,
): Promise<{ errors: LineError[]; lastLine?: number }> {
  const errors: LineError[] = [];
  let bytes = loadBytes;
  let after = afterLine;
  for (;;) {
    const slice = await loads.lineErrors(tenantId, loadId, { afterLine: after, limit: ERRORS_PER_QUERY });
    for (const error of slice) {
      bytes += payloadBytes(error) + 1;
      const full = errors.length === LINE_ERRORS_PER_PAGE || (bytes > RESPONSE_BUDGET_BYTES && errors.length > 0);
      if (full) return { errors, lastLine: (errors.at(-1) as LineError).line };
      errors.push(error);
    }
    if (slice.length < ERRORS_PER_QUERY) return { errors };
    after = (slice.at(-1) as LineError).line;
  }
}
