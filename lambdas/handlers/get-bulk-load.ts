import * as z from 'zod/mini';
import { bulkLoads } from '../composition.ts';
import { createHandler } from '../http/handler-factory.ts';
import { idParameter } from '../http/request-parameters.ts';
import { getBulkLoad } from '../use-cases/get-bulk-load.ts';

export const handler = createHandler('getBulkLoad', {
  bulkLoads,
  params: z.object({ loadId: idParameter }),
  run: ({ params }, caller, deps) => getBulkLoad(deps, caller, params.loadId),
});
