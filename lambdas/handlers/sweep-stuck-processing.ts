import type { Context } from 'aws-lambda';
import { sweepDependencies } from '../composition.ts';
import { METRIC } from '../domain/metric-names.ts';
import { logger } from '../logger.ts';
import { count, metrics } from '../metrics.ts';
import { type SweepResult, sweepStuckProcessing } from '../use-cases/sweep-stuck-processing.ts';

/** Run on a schedule (not an API operation): moves records stuck in processing to error, and counts them. */
export async function handler(_event: unknown, context: Context): Promise<SweepResult> {
  logger.addContext(context);
  try {
    const result = await sweepStuckProcessing(sweepDependencies(context.awsRequestId));
    metrics.addDimension('operation', 'sweepStuckProcessing');
    count(METRIC.recordsSwept, result.swept);
    logger.info('stuck processing swept', { ...result });
    return result;
  } finally {
    metrics.flush();
  }
}
