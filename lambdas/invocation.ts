import type { Context } from 'aws-lambda';
import type { MetricName } from './domain/metric-names.ts';
import { logger } from './logger.ts';
import { count, metrics } from './metrics.ts';

/** What a line tells of a result: identifiers, statuses and counts, never a record. */
const SUMMARY = ['tenantId', 'loadId', 'id', 'status', 'lines', 'loaded', 'failed', 'swept', 'skipped', 'backlogLeft'];

export interface InvocationOptions {
  /** The line a successful invocation writes, with the result's counts; none if unset (the authorizer: its API request has its access line). */
  message?: string;
  /** API Gateway's request id, when the function serves one (the authorizer): its log lines carry it. */
  correlationId?: string | undefined;
  /** A failure is counted by this metric and logged; unless `isAnswer` says the error is the function's answer (the authorizer's Unauthorized). */
  failure?: { metric: MetricName; message: string; isAnswer?: (error: unknown) => boolean };
}

/**
 * One invocation of a function that is not an API operation (the authorizer, a bulk load step, the
 * sweep), also as the local runner runs a step: its log lines carry the Lambda context; it writes the
 * line `message` with the result's counts; what it counted goes out as metrics under the dimension of
 * its operation. The API's functions get the same from their access log middleware (http/middleware/access-log.ts).
 */
export async function invocation<T>(name: string, context: Context, work: () => Promise<T>, options: InvocationOptions = {}): Promise<T> {
  logger.addContext(context);
  if (options.correlationId) logger.setCorrelationId(options.correlationId);
  metrics.addDimension('operation', name);
  try {
    const result = await work();
    if (options.message) logger.info(options.message, { operation: name, ...summaryOf(result) });
    return result;
  } catch (error) {
    const { failure } = options;
    if (failure && !failure.isAnswer?.(error)) {
      count(failure.metric);
      logger.error(failure.message, { operation: name, error: error as Error });
    }
    throw error;
  } finally {
    metrics.flush();
    if (options.correlationId) logger.resetKeys();
  }
}

function summaryOf(result: unknown): Record<string, unknown> {
  if (!result || typeof result !== 'object') return {};
  return Object.fromEntries(SUMMARY.flatMap((key) => (key in result ? [[key, (result as Record<string, unknown>)[key]]] : [])));
}

/** A bulk load step's invocation. */
export const step = <T>(name: string, context: Context, work: () => Promise<T>): Promise<T> =>
  invocation(name, context, work, { message: 'bulk load step' });
