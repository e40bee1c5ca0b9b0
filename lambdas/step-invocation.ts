import type { Context } from 'aws-lambda';
import { logger } from './logger.ts';
import { metrics } from './metrics.ts';

/** What a step's log line tells of its result: the load and its counts, never a record. */
const SUMMARY = ['tenantId', 'loadId', 'id', 'status', 'lines', 'loaded', 'failed'];

/**
 * One invocation of a bulk load step (a function of the state machine, not of the API), also as the
 * local runner runs it: one log line with its Lambda context and the result's counts, and the metrics
 * it counted (the API's functions get the same from their access log middleware).
 */
export async function step<T>(name: string, context: Context, work: () => Promise<T>): Promise<T> {
  logger.addContext(context);
  metrics.addDimension('operation', name);
  try {
    const result = await work();
    const summary = Object.fromEntries(
      SUMMARY.flatMap((key) =>
        result && typeof result === 'object' && key in result ? [[key, (result as Record<string, unknown>)[key]]] : [],
      ),
    );
    logger.info('bulk load step', { operation: name, ...summary });
    return result;
  } finally {
    metrics.flush();
  }
}
