import type middy from '@middy/core';
import type { HttpEvent, HttpResult } from '../http-event.ts';
import type { CallerContext } from './authorization.ts';
import { logger } from '../../logger.ts';

/** One line per request: who, which tenant, which operation, the status and how long it took. */
export function accessLog(operation: string): middy.MiddlewareObj<HttpEvent, HttpResult, Error, CallerContext> {
  const started = new WeakMap<object, number>();
  const log = (request: middy.Request<HttpEvent, HttpResult, Error, CallerContext>): void => {
    const start = started.get(request) ?? performance.now();
    logger.info('request', {
      operation,
      requestId: request.context.awsRequestId,
      apiRequestId: request.event.requestContext?.requestId,
      tenant: request.context.caller?.tenantId ?? request.event.pathParameters?.tenantId,
      principal: request.context.caller?.principal,
      status: request.response?.statusCode,
      durationMs: Math.round((performance.now() - start) * 1000) / 1000,
    });
  };
  return {
    before: (request) => {
      started.set(request, performance.now());
    },
    after: log,
    onError: log,
  };
}
