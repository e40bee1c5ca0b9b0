import { bulkLoads, resolver } from '../composition/operations.ts';
import * as z from 'zod/mini';
import { createHandler } from '../http/handler-factory.ts';
import { bulkLoadQuery, idParameter } from '../http/request-parameters.ts';
import { getBulkLoad } from '../use-cases/get-bulk-load.ts';

export const handler = createHandler(
  'getBulkLoad',
  {
    params: z.object({ loadId: idParameter }),
    query: bulkLoadQuery,
    run: ({ params, query }, caller, deps) => getBulkLoad(deps, caller, params.loadId, query.errorsExclusiveStartKey),
  },
  resolver({ bulkLoads }),
);
