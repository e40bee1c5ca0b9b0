import { createHandler } from '../middleware/handler-factory.ts';
import { stepFunctionsProcessing } from '../processing/step-functions-processing.ts';
import { batchBillingRunActions } from '../use-cases/batch-billing-run-actions.ts';

export const handler = createHandler('batchBillingRunActions', {
  processing: stepFunctionsProcessing,
  run: ({ body }, caller, deps) => batchBillingRunActions(deps, caller, body),
});
