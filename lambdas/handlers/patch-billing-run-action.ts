import * as z from 'zod/mini';
import { createHandler } from '../middleware/handler-factory.ts';
import { stepFunctionsProcessing } from '../processing/step-functions-processing.ts';
import { idParameter } from '../middleware/request-parameters.ts';
import { patchBillingRunAction } from '../use-cases/patch-billing-run-action.ts';

export const handler = createHandler('patchBillingRunAction', {
  processing: stepFunctionsProcessing,
  params: z.object({ id: idParameter }),
  run: ({ params, body }, caller, deps) => patchBillingRunAction(deps, caller, { id: params.id, patch: body }),
});
