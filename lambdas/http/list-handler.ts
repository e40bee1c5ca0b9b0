import * as z from 'zod/mini';
import { LOOKUPS, STATUSES } from '../domain/billing-run-action.ts';
import { type NeedsOf, type OperationName, routeOf } from '../routes.ts';
import type { With } from '../use-cases/dependencies.ts';
import { listBillingRunActions } from '../use-cases/list-billing-run-actions.ts';
import { createHandler } from './handler-factory.ts';
import { LIST_LIMITS, fieldsParameter, idParameter } from './request-parameters.ts';

// The lists' own query schema, built only in the list functions' bundles.
const LIMIT = `must be an integer from 1 to ${LIST_LIMITS.max}`;
const limitParameter = z.pipe(
  z.optional(
    z.pipe(
      z.string().check(z.regex(/^\d{1,4}$/, { error: LIMIT })),
      z.pipe(z.transform(Number), z.int().check(z.minimum(1, { error: LIMIT }), z.maximum(LIST_LIMITS.max, { error: LIMIT }))),
    ),
  ),
  z.transform((value) => value ?? LIST_LIMITS.default),
);

const listQuery = z.strictObject({
  fields: z.optional(fieldsParameter),
  status: z.optional(z.enum(STATUSES, { error: `must be one of: ${STATUSES.join(', ')}` })),
  limit: limitParameter,
  exclusiveStartKey: z.optional(z.string().check(z.minLength(1, { error: 'must not be empty' }))),
});

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
