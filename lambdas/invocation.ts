import type { Context } from 'aws-lambda';
import { consumedUnits, startTally } from './consumed-capacity.ts';
import type { MetricName } from './domain/metric-names.ts';
import { logger } from './logger.ts';
import { count, metrics } from './metrics.ts';

/** What a line tells of a result: identifiers, statuses and counts, never a record. */
const SUMMARY = ['tenantId', 'loadId', 'id', 'status', 'lines', 'loaded', 'failed', 'swept', 'skipped', 'backlogLeft', 'placesClosed'];

export interface InvocationOptions {
  /** The line a successful invocation writes, with the result's counts; none if unset (the authorizer: its API request has its access line). */
  message?: string;
  /** API Gateway's request id, when the function serves one (the authorizer): its log lines carry it. */
  correlationId?: string | undefined;
  /** A failure is counted by this metric and logged; unless `isAnswer` says the error is the function's answer (the authorizer's Unauthorized). */
  failure?: { metric: MetricName; message: string; isAnswer?: (error: unknown) => boolean };
  /** The tenant the invocation works for, for its line's `tenant` (else the result's `tenantId`, where it has one). */
  tenant?: string | undefined;
}

/**
 * One invocation of a function that is not an API operation (the authorizer, a bulk load step, the
 * sweep), also as the local runner runs a step: its log lines carry the Lambda context; it writes the
 * line `message` with the result's counts, its tenant and the read and write units its storage calls
 * consumed (`consumedReadUnits`, `consumedWriteUnits`, as in a request's access line); what it counted
 * goes out as metrics under the dimension of its operation. The API's functions get the same from their access log middleware (http/middleware/access-log.ts).
 */
export async function invocation<T>(name: string, context: Context, work: () => Promise<T>, options: InvocationOptions = {}): Promise<T> {
  logger.addContext(context);
  if (options.correlationId) logger.setCorrelationId(options.correlationId);
  metrics.addDimension('operation', name);
  startTally();
  try {
    const result = await work();
    if (options.message) {
      const summary = summaryOf(result);
      const tenant = options.tenant ?? (typeof summary.tenantId === 'string' ? summary.tenantId : undefined);
      logger.info(options.message, { operation: name, ...summary, tenant, ...consumedUnits() });
    }
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

/** A bulk load step's invocation, for `tenant` where the step's result does not name it. */
export const step = <T>(name: string, context: Context, work: () => Promise<T>, tenant?: string): Promise<T> =>
  invocation(name, context, work, { message: 'bulk load step', tenant });
