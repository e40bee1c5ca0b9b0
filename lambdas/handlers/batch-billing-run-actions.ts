import { processingStarter, resolver } from '../composition/operations.ts';
import { createHandler } from '../http/handler-factory.ts';
import { batchBillingRunActions } from '../use-cases/batch-billing-run-actions.ts';

export const handler = createHandler(
  'batchBillingRunActions',
  {
    run: ({ body, remainingMs }, caller, deps) => batchBillingRunActions(deps, caller, body, remainingMs),
  },
  resolver({ processing: processingStarter }),
);
