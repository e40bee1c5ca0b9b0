import { LogLevelThreshold } from '@aws-lambda-powertools/logger';
import type middy from '@middy/core';
import type { AuthorizerContext } from '../../auth/authorizer-context.ts';
import { consumedUnits, startTally } from '../../consumed-capacity.ts';
import { TenantLimitReached } from '../../domain/errors.ts';
import { METRIC } from '../../domain/metric-names.ts';
import { logger } from '../../logger.ts';
import { count, metrics } from '../../metrics.ts';
import type { HttpEvent, HttpResult } from '../http-event.ts';
import type { CallerContext } from './authorization.ts';

type Request = middy.Request<HttpEvent, HttpResult, Error, CallerContext>;

/** What the request counts as: every request, and the kind of refusal or failure it ended in. */
function countOutcome(request: Request): void {
  const status = request.response?.statusCode ?? 500;
  count(METRIC.requests);
  if (status >= 500) count(METRIC.errors);
  else if (status >= 400) count(METRIC.clientErrors);
  if (status === 409) count(METRIC.conflicts);
  if (request.error instanceof TenantLimitReached) count(METRIC.limitRefusals);
  if (request.response?.headers?.['Idempotent-Replayed'] === 'true') count(METRIC.idempotentReplays);
}

/**
 * One line per request (who, which tenant, which operation, the status, how long it took, and the read
 * and write units its storage calls consumed: `consumedReadUnits`, `consumedWriteUnits`) and its
 * metrics: the line is also their EMF document (one write per request). Every log line of the request carries the
 * Lambda context (cold start, function name, the function's request id: Powertools' addContext) and
 * API Gateway's request id as `correlation_id`, the id the response returns in `x-amzn-RequestId`.
 * This does the work of Powertools' injectLambdaContext and logMetrics middlewares in one middleware,
 * so a warm request passes through two layers fewer. The first invocation of an environment counts `ColdStart`.
 */
export function accessLog(operation: string): middy.MiddlewareObj<HttpEvent, HttpResult, Error, CallerContext> {
  const started = new WeakMap<object, number>();
  const finish = (request: Request): void => {
    const start = started.get(request) ?? performance.now();
    const tenant = request.context.caller?.tenantId ?? request.event.pathParameters?.tenantId;
    const tier = (request.event.requestContext?.authorizer as Partial<AuthorizerContext> | null)?.tier;
    // One dimension set, service and operation (Powertools warns when a key is in two sets); the tier,
    // the tenant and the request id are properties of the line, for Logs Insights.
    metrics.addDimension('operation', operation);
    countOutcome(request);
    if (logger.level > LogLevelThreshold.INFO) {
      // The log level drops the access line: the metrics go out on a line of their own, with the properties.
      const correlationId = request.event.requestContext?.requestId;
      if (tier) metrics.addMetadata('tier', tier);
      if (tenant) metrics.addMetadata('tenant', tenant);
      if (correlationId) metrics.addMetadata('correlation_id', correlationId);
      metrics.flush();
    } else {
      // The metrics ride in the access line, which carries the properties itself (the request id as the logger's correlation id).
      logger.info('request', {
        ...metrics.take(),
        operation,
        tenant,
        tier,
        principal: request.context.caller?.principal,
        status: request.response?.statusCode,
        durationMs: Math.round((performance.now() - start) * 1000) / 1000,
        ...consumedUnits(),
      });
    }
    logger.resetKeys();
  };
  return {
    before: (request) => {
      started.set(request, performance.now());
      startTally();
      logger.addContext(request.context);
      metrics.countColdStart();
      const correlationId = request.event.requestContext?.requestId;
      if (correlationId) logger.setCorrelationId(correlationId);
    },
    after: finish,
    onError: finish,
  };
}
