import type { Context } from 'aws-lambda';
import { logger } from './logger.ts';
import { metrics } from './metrics.ts';

/** What a line tells of a result: identifiers, statuses and counts, never a record. */
const SUMMARY = ['tenantId', 'loadId', 'id', 'status', 'lines', 'loaded', 'failed', 'swept', 'skipped'];

/**
 * One invocation of a function that is not an API operation (a bulk load step, the sweep), also as
 * the local runner runs a step: one log line (`message`) with its Lambda context, its operation and the
 * result's counts, and the metrics it counted, under the dimension of its operation (the API's
 * functions get the same from their access log middleware).
 */
export async function invocation<T>(name: string, context: Context, work: () => Promise<T>, message = 'bulk load step'): Promise<T> {
  logger.addContext(context);
  metrics.addDimension('operation', name);
  try {
    const result = await work();
    const summary = Object.fromEntries(
      SUMMARY.flatMap((key) =>
        result && typeof result === 'object' && key in result ? [[key, (result as Record<string, unknown>)[key]]] : [],
      ),
    );
    logger.info(message, { operation: name, ...summary });
    return result;
  } finally {
    metrics.flush();
  }
}

/** A bulk load step's invocation. */
export const step = <T>(name: string, context: Context, work: () => Promise<T>): Promise<T> => invocation(name, context, work);
