import * as z from 'zod';
import { createHandler } from '../middleware/handler-factory.ts';
import { idParameter } from '../middleware/request-parameters.ts';
import { updateBillingRunAction } from '../use-cases/update-billing-run-action.ts';

export const handler = createHandler('updateBillingRunAction', {
  params: z.object({ id: idParameter }),
  run: ({ params, body }, caller, deps) => updateBillingRunAction(deps, caller, { id: params.id, body }),
});
