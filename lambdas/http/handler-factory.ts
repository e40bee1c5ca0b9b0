import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type * as z from 'zod/mini';
import type { Caller } from '../domain/caller.ts';
import { type FieldIssue, Unauthenticated, invalid } from '../domain/errors.ts';
import { issuesOf, leaveColdPath, safeParse } from '../domain/validation.ts';
import { type NeedsOf, type OperationName, routeOf } from '../routes.ts';
import type { With } from '../use-cases/dependencies.ts';
import { accessLog } from './middleware/access-log.ts';
import { type CallerContext, authorization } from './middleware/authorization.ts';
import { bodySizeLimit } from './middleware/body-size-limit.ts';
import { errorResponses } from './middleware/error-responses.ts';
import { jsonBody } from './middleware/json-body.ts';
import { type HttpEvent, type HttpResult, Reply, headerOf, jsonResult } from './http-event.ts';

/** What a 400 says of a path or query parameter the operation does not take. */
const UNKNOWN_PARAMETER = 'is not a parameter of this operation';

interface OperationInput<P, Q> {
  params: P;
  query: Q;
  body: unknown;
  header: (name: string) => string | undefined;
  /** Milliseconds left before the function's timeout (the Lambda context's), for an operation that keeps a deadline. */
  remainingMs: () => number;
}

export interface OperationSpec<P, Q, D> {
  /** Path parameters besides tenantId (which authorization checks). */
  params?: z.ZodMiniType<P, Record<string, string | undefined>>;
  query?: z.ZodMiniType<Q, Record<string, string | undefined>>;
  run: (input: OperationInput<P, Q>, caller: Caller, deps: D) => Promise<unknown>;
}

/**
 * The path or query parameters, as the operation's schema reads them. A parameter the operation does
 * not know is an error naming it, never ignored (a misspelt `?staus=error` must not list every record):
 * the query schemas are strict objects, and an operation without one takes none.
 */
function parseParameters<T>(
  schema: z.ZodMiniType<T> | undefined,
  values: Record<string, string | undefined> | null,
  issues: FieldIssue[],
  kind: 'path' | 'query',
): T {
  if (!schema) {
    // The path's parameters are the route's (the tenant's is read by the authorization); a query is the client's.
    if (kind === 'query') for (const name of Object.keys(values ?? {})) issues.push({ path: name, message: UNKNOWN_PARAMETER });
    return undefined as T;
  }
  const result = safeParse(schema, values ?? {});
  if (result.success) return result.data;
  issues.push(...issuesOf(result.error, 'parameters', UNKNOWN_PARAMETER));
  return undefined as T;
}

/**
 * Builds the Lambda handler of one operation of the route table. The middleware order is fixed here
 * for every operation: access log (with the Lambda context and the metrics), error mapping, header names
 * lower-cased, body size, authorization, JSON body; then the parameters are validated and the use case
 * runs; its result is the 200 body. The handler hands in its dependencies' resolver (the composition
 * root's `resolver`, or a test's): what it must give is typed by the operation's route entry (`NeedsOf`).
 */
export function createHandler<O extends OperationName, P = undefined, Q = undefined>(
  operation: O,
  spec: OperationSpec<P, Q, With<NeedsOf<O>>>,
  dependencies: () => With<NeedsOf<O>>,
) {
  const route = routeOf(operation);
  const handler = middy<HttpEvent, HttpResult, Error, CallerContext>()
    .use(accessLog(operation))
    .use(errorResponses())
    .use(httpHeaderNormalizer())
    .use(bodySizeLimit())
    .use(authorization(route.scope));
  if (route.hasBody) handler.use(jsonBody());
  return handler.handler(async (event, context) => {
    if (!context.caller) throw new Unauthenticated();
    try {
      const issues: FieldIssue[] = [];
      const params = parseParameters(spec.params, event.pathParameters, issues, 'path');
      const query = parseParameters(spec.query, event.queryStringParameters, issues, 'query');
      if (issues.length > 0) throw invalid('parameters', issues);
      const header = (name: string) => headerOf(event, name);
      const remainingMs = () => context.getRemainingTimeInMillis();
      const result = await spec.run({ params, query, body: event.body, header, remainingMs }, context.caller, dependencies());
      return result instanceof Reply ? jsonResult(200, result.body, result.headers) : jsonResult(200, result);
    } finally {
      leaveColdPath();
    }
  });
}
