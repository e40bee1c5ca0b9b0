import { type BulkLoad, type LineError, REPORTED_LINE_ERRORS } from '../domain/bulk-load.ts';
import type { Caller } from '../domain/caller.ts';
import { NotFound } from '../domain/errors.ts';
import type { ActionDependencies } from './dependencies.ts';
import { bulkLoadAccess } from './start-bulk-load.ts';

/** A load of the caller's tenant, with its first line errors in line order (the counts are always complete). */
export async function getBulkLoad(deps: ActionDependencies, caller: Caller, loadId: string): Promise<BulkLoad & { errors: LineError[] }> {
  const { loads } = bulkLoadAccess(deps);
  const load = await loads.get(caller.tenantId, loadId);
  if (!load) throw new NotFound(`Bulk load '${loadId}' was not found`);
  const errors = load.failed > 0 ? await loads.lineErrors(caller.tenantId, loadId, REPORTED_LINE_ERRORS) : [];
  return { ...load, errors };
}
