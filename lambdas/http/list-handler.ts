import * as z from 'zod/mini';
import { LOOKUPS } from '../domain/billing-run-action.ts';
import { type NeedsOf, type OperationName, routeOf } from '../routes.ts';
import type { With } from '../use-cases/dependencies.ts';
import { listBillingRunActions } from '../use-cases/list-billing-run-actions.ts';
import { createHandler } from './handler-factory.ts';
import { idParameter, listQuery } from './request-parameters.ts';

/** The four list operations differ only in their lookup (from the route table), whose field is also their path parameter. */
type ListOperation = Extract<OperationName, `list${string}`>;

export function createListHandler(operation: ListOperation, dependencies: () => With<NeedsOf<ListOperation>>) {
  const lookup = routeOf(operation).lookup;
  if (!lookup) throw new Error(`Route ${operation} has no lookup`);
  const parameter = LOOKUPS[lookup];
  return createHandler(
    operation,
    {
      params: z.object({ [parameter]: idParameter }) as z.ZodMiniType<Record<string, string>, Record<string, string | undefined>>,
      query: listQuery,
      run: ({ params, query }, caller, deps) =>
        listBillingRunActions(deps, caller, {
          lookup,
          value: params[parameter] as string,
          ...(query.status !== undefined && { status: query.status }),
          limit: query.limit,
          fields: query.fields,
          exclusiveStartKey: query.exclusiveStartKey,
        }),
    },
    dependencies,
  );
}
