import * as z from 'zod/mini';
import { createHandler } from '../http/handler-factory.ts';
import { processingStarter } from '../composition.ts';
import { idParameter } from '../http/request-parameters.ts';
import { patchBillingRunAction } from '../use-cases/patch-billing-run-action.ts';

export const handler = createHandler('patchBillingRunAction', {
  processing: processingStarter,
  params: z.object({ id: idParameter }),
  run: ({ params, body }, caller, deps) => patchBillingRunAction(deps, caller, { id: params.id, patch: body }),
});
