import { bulkLoads, resolver } from '../composition/operations.ts';
import { createHandler } from '../http/handler-factory.ts';
import { Reply } from '../http/http-event.ts';
import { idempotencyKeyOf } from '../http/request-parameters.ts';
import { startBulkLoad } from '../use-cases/start-bulk-load.ts';

export const handler = createHandler(
  'startBulkLoad',
  {
    run: async ({ body, header }, caller, deps) => {
      const { load, replayed } = await startBulkLoad(deps, caller, { body, idempotencyKey: idempotencyKeyOf(header) });
      return replayed ? new Reply(load, { 'Idempotent-Replayed': 'true' }) : load;
    },
  },
  resolver({ bulkLoads }),
);
