import { processingStarter, resolver } from '../composition/operations.ts';
import * as z from 'zod/mini';
import { createHandler } from '../http/handler-factory.ts';
import { idParameter } from '../http/request-parameters.ts';
import { patchBillingRunAction } from '../use-cases/patch-billing-run-action.ts';

export const handler = createHandler(
  'patchBillingRunAction',
  {
    params: z.object({ id: idParameter }),
    run: ({ params, body }, caller, deps) => patchBillingRunAction(deps, caller, { id: params.id, patch: body }),
  },
  resolver({ processing: processingStarter }),
);
