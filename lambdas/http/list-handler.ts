import * as z from 'zod/mini';
import { LOOKUPS } from '../domain/billing-run-action.ts';
import { cursorKeys } from '../composition.ts';
import { type OperationName, routeOf } from '../routes.ts';
import { listBillingRunActions } from '../use-cases/list-billing-run-actions.ts';
import { createHandler } from './handler-factory.ts';
import { idParameter, listQuery } from './request-parameters.ts';

/** The four list operations differ only in their lookup (from the route table), whose field is also their path parameter. */
export function createListHandler(operation: OperationName) {
  const lookup = routeOf(operation).lookup;
  if (!lookup) throw new Error(`Route ${operation} has no lookup`);
  const parameter = LOOKUPS[lookup];
  return createHandler(operation, {
    cursorKeys,
    params: z.object({ [parameter]: idParameter }) as z.ZodMiniType<Record<string, string>, Record<string, string | undefined>>,
    query: listQuery,
    run: ({ params, query }, caller, deps) =>
      listBillingRunActions(deps, caller, {
        lookup,
        value: params[parameter] as string,
        limit: query.limit,
        fields: query.fields,
        exclusiveStartKey: query.exclusiveStartKey,
      }),
  });
}
