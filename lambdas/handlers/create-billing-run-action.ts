import { processingStarter, resolver } from '../composition/operations.ts';
import { createHandler } from '../http/handler-factory.ts';
import { Reply } from '../http/http-event.ts';
import { idempotencyKeyOf } from '../http/request-parameters.ts';
import { createBillingRunAction } from '../use-cases/create-billing-run-action.ts';

export const handler = createHandler(
  'createBillingRunAction',
  {
    run: async ({ body, header }, caller, deps) => {
      const { record, replayed } = await createBillingRunAction(deps, caller, { body, idempotencyKey: idempotencyKeyOf(header) });
      return replayed ? new Reply(record, { 'Idempotent-Replayed': 'true' }) : record;
    },
  },
  resolver({ processing: processingStarter }),
);
