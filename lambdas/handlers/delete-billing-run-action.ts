import { resolver } from '../composition/operations.ts';
import * as z from 'zod/mini';
import { createHandler } from '../http/handler-factory.ts';
import { idParameter } from '../http/request-parameters.ts';
import { deleteBillingRunAction } from '../use-cases/delete-billing-run-action.ts';

export const handler = createHandler(
  'deleteBillingRunAction',
  {
    params: z.object({ id: idParameter }),
    run: ({ params }, caller, deps) => deleteBillingRunAction(deps, caller, { id: params.id }),
  },
  resolver(),
);
