import { processingStarter, resolver } from '../composition/operations.ts';
import * as z from 'zod/mini';
import { createHandler } from '../http/handler-factory.ts';
import { idParameter } from '../http/request-parameters.ts';
import { updateBillingRunAction } from '../use-cases/update-billing-run-action.ts';

export const handler = createHandler(
  'updateBillingRunAction',
  {
    params: z.object({ id: idParameter }),
    run: ({ params, body }, caller, deps) => updateBillingRunAction(deps, caller, { id: params.id, body }),
  },
  resolver({ processing: processingStarter }),
);
