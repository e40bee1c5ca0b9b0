import { resolver } from '../composition/operations.ts';
import * as z from 'zod/mini';
import { createHandler } from '../http/handler-factory.ts';
import { consistentReadParameter, fieldsParameter, idParameter } from '../http/request-parameters.ts';
import { getBillingRunAction } from '../use-cases/get-billing-run-action.ts';

export const handler = createHandler(
  'getBillingRunAction',
  {
    params: z.object({ id: idParameter }),
    query: z.strictObject({ fields: z.optional(fieldsParameter), consistentRead: consistentReadParameter }),
    run: ({ params, query }, caller, deps) =>
      getBillingRunAction(deps, caller, { id: params.id, fields: query.fields, consistentRead: query.consistentRead }),
  },
  resolver(),
);
