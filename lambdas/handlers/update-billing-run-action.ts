import * as z from 'zod/mini';
import { createHandler } from '../middleware/handler-factory.ts';
import { stepFunctionsProcessing } from '../processing/step-functions-processing.ts';
import { idParameter } from '../middleware/request-parameters.ts';
import { updateBillingRunAction } from '../use-cases/update-billing-run-action.ts';

export const handler = createHandler('updateBillingRunAction', {
  processing: stepFunctionsProcessing,
  params: z.object({ id: idParameter }),
  run: ({ params, body }, caller, deps) => updateBillingRunAction(deps, caller, { id: params.id, body }),
});
