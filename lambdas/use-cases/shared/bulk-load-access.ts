import type { ActionDependencies, BulkLoadAccess } from '../dependencies.ts';

/** A bulk load's stores and upload targets: only the functions of the bulk load are built with them. */
export function bulkLoadAccess(deps: ActionDependencies): BulkLoadAccess {
  if (!deps.bulkLoads) throw new Error('This function was built without bulk load access');
  return deps.bulkLoads;
}
