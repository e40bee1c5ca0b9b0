import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type * as z from 'zod/mini';
import type { Caller } from '../domain/caller.ts';
import { type FieldIssue, Unauthenticated, invalid } from '../domain/errors.ts';
import { issuesOf, leaveColdPath, safeParse } from '../domain/validation.ts';
import { type OperationName, routeOf } from '../routes.ts';
import { actionDependencies } from '../composition.ts';
import type { CursorKeys } from '../domain/list-cursor.ts';
import type { ProcessingStarter } from '../processing/processing-starter.ts';
import type { ActionDependencies, BulkLoadAccess } from '../use-cases/dependencies.ts';
import { accessLog } from './middleware/access-log.ts';
import { type CallerContext, authorization } from './middleware/authorization.ts';
import { bodySizeLimit } from './middleware/body-size-limit.ts';
import { errorResponses } from './middleware/error-responses.ts';
import { jsonBody } from './middleware/json-body.ts';
import { type HttpEvent, type HttpResult, Reply, headerOf, jsonResult } from './http-event.ts';

interface OperationInput<P, Q> {
  params: P;
  query: Q;
  body: unknown;
  header: (name: string) => string | undefined;
}

export interface OperationSpec<P, Q> {
  /** Path parameters besides tenantId (which authorization checks). */
  params?: z.ZodMiniType<P, Record<string, string | undefined>>;
  query?: z.ZodMiniType<Q, Record<string, string | undefined>>;
  run: (input: OperationInput<P, Q>, caller: Caller, deps: ActionDependencies) => Promise<unknown>;
  /** The processor, for the operations whose route says they may start it. */
  processing?: () => ProcessingStarter | undefined;
  /** The cursor keys, for the list operations (the routes with a lookup). */
  cursorKeys?: () => CursorKeys;
  /** The bulk loads, for the two bulk load operations. */
  bulkLoads?: () => BulkLoadAccess;
}

function parseParameters<T>(
  schema: z.ZodMiniType<T> | undefined,
  values: Record<string, string | undefined> | null,
  issues: FieldIssue[],
): T {
  if (!schema) return undefined as T;
  const result = safeParse(schema, values ?? {});
  if (result.success) return result.data;
  issues.push(...issuesOf(result.error, 'parameters'));
  return undefined as T;
}

/**
 * Builds the Lambda handler of one operation of the route table. The middleware order is fixed here
 * for every operation: access log (with the Lambda context and the metrics), error mapping, header names
 * lower-cased, body size, authorization, JSON body; then the parameters are validated and the use case
 * runs; its result is the 200 body. Dependencies come from the composition root unless a test hands in others.
 */
export function createHandler<P = undefined, Q = undefined>(
  operation: OperationName,
  spec: OperationSpec<P, Q>,
  options: { dependencies?: () => ActionDependencies } = {},
) {
  const route = routeOf(operation);
  if (route.access.startsProcessing !== (spec.processing !== undefined)) {
    throw new Error(`Handler of ${operation} and its route disagree on whether it starts processing`);
  }
  if ((route.lookup !== undefined) !== (spec.cursorKeys !== undefined)) {
    throw new Error(`Handler of ${operation} and its route disagree on whether it lists (and so needs cursor keys)`);
  }
  if ((route.access.bulkLoads !== undefined) !== (spec.bulkLoads !== undefined)) {
    throw new Error(`Handler of ${operation} and its route disagree on whether it works on bulk loads`);
  }
  let built: ActionDependencies | undefined;
  const { processing, cursorKeys, bulkLoads } = spec;
  const dependencies = options.dependencies ?? (() => (built ??= actionDependencies({ processing, cursorKeys, bulkLoads })));
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
      const params = parseParameters(spec.params, event.pathParameters, issues);
      const query = parseParameters(spec.query, event.queryStringParameters, issues);
      if (issues.length > 0) throw invalid('parameters', issues);
      const header = (name: string) => headerOf(event, name);
      const result = await spec.run({ params, query, body: event.body, header }, context.caller, dependencies());
      return result instanceof Reply ? jsonResult(200, result.body, result.headers) : jsonResult(200, result);
    } finally {
      leaveColdPath();
    }
  });
}
