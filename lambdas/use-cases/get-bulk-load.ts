import { type BulkLoad, LINE_ERRORS_KEPT, type LineError } from '../domain/bulk-load.ts';
import type { Caller } from '../domain/caller.ts';
import { NotFound } from '../domain/errors.ts';
import { RESPONSE_BUDGET_BYTES, payloadBytes } from '../domain/response-size.ts';
import type { BulkLoads } from '../ports/bulk-load-store.ts';
import type { With } from './dependencies.ts';

/** A load as a read answers it: its counts (always complete) and one page of its first line errors. */
export type BulkLoadReport = BulkLoad & { errors: LineError[]; errors_last_evaluated_key?: string };

/** How many line errors one query reads, so that a page of large errors never reads far past what it can carry. */
const ERRORS_PER_QUERY = 250;

/**
 * A load of the caller's tenant, with its first LINE_ERRORS_KEPT line errors in line order (the others
 * are only counted in `failed`), after line `errorsAfterLine` (0: from the first). A page ends early
 * when its errors would not fit in a Lambda response; `errors_last_evaluated_key` is then where the
 * next page of those first errors starts.
 */
export async function getBulkLoad(deps: With<'bulkLoads'>, caller: Caller, loadId: string, errorsAfterLine = 0): Promise<BulkLoadReport> {
  const { loads } = deps.bulkLoads;
  const load = await loads.get(caller.tenantId, loadId);
  if (!load) throw new NotFound(`Bulk load '${loadId}' was not found`);
  if (load.failed === 0) return { ...load, errors: [] };
  const { errors, lastLine } = await errorPage(loads, caller.tenantId, loadId, errorsAfterLine, payloadBytes(load));
  return { ...load, errors, ...(lastLine !== undefined && { errors_last_evaluated_key: String(lastLine) }) };
}

/** The page of the first errors after `afterLine`, and its last line when more of them follow it. */
async function errorPage(
  loads: BulkLoads,
  tenantId: string,
  loadId: string,
  afterLine: number,
  loadBytes: number,
): Promise<{ errors: LineError[]; lastLine?: number }> {
  // Of the first LINE_ERRORS_KEPT, those up to `afterLine` were on earlier pages. A load keeps more
  // than the first (domain/bulk-load.ts), never fewer, so the first are read as they are.
  const earlier = afterLine === 0 ? 0 : (await loads.lineErrorsBefore(tenantId, loadId, afterLine + 1)).count;
  const room = LINE_ERRORS_KEPT - earlier;
  const errors: LineError[] = [];
  let bytes = loadBytes;
  let after = afterLine;
  while (errors.length < room) {
    const limit = Math.min(ERRORS_PER_QUERY, room - errors.length);
    const slice = await loads.lineErrors(tenantId, loadId, { afterLine: after, limit });
    for (const error of slice) {
      bytes += payloadBytes(error) + 1;
      if (bytes > RESPONSE_BUDGET_BYTES && errors.length > 0) return { errors, lastLine: (errors.at(-1) as LineError).line };
      errors.push(error);
    }
    if (slice.length < limit) break;
    after = (slice.at(-1) as LineError).line;
  }
  return { errors };
}
