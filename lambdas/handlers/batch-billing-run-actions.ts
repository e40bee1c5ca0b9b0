import { processingStarter, resolver } from '../composition/operations.ts';
import { batchAnswer } from '../http/batch-answer.ts';
import { createHandler } from '../http/handler-factory.ts';
import { batchBillingRunActions } from '../use-cases/batch-billing-run-actions.ts';

export const handler = createHandler(
  'batchBillingRunActions',
  {
    run: async ({ body, remainingMs }, caller, deps) =>
      batchAnswer(await batchBillingRunActions(deps, caller, body, remainingMs), caller.requestId),
  },
  resolver({ processing: processingStarter }),
);
