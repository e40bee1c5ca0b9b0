import type { Context } from 'aws-lambda';
import { sweepDependencies } from '../composition.ts';
import { logger } from '../logger.ts';
import { type SweepResult, sweepStuckProcessing } from '../use-cases/sweep-stuck-processing.ts';

/** Run on a schedule (not an API operation): moves records stuck in processing to error, and says how many. */
export async function handler(_event: unknown, context: Context): Promise<SweepResult> {
  const result = await sweepStuckProcessing(sweepDependencies(context.awsRequestId));
  logger.info('stuck processing swept', { ...result, requestId: context.awsRequestId });
  return result;
}
