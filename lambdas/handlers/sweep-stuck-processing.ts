import type { Context } from 'aws-lambda';
import { sweepDependencies } from '../composition/operations.ts';
import { METRIC } from '../domain/metric-names.ts';
import { count } from '../metrics.ts';
import { invocation } from '../invocation.ts';
import { type SweepResult, sweepStuckProcessing } from '../use-cases/sweep-stuck-processing.ts';

/** Run on a schedule (not an API operation): moves records stuck in processing to error, and counts them. */
export const handler = (_event: unknown, context: Context): Promise<SweepResult> =>
  invocation(
    'sweepStuckProcessing',
    context,
    async () => {
      const result = await sweepStuckProcessing(sweepDependencies(context.awsRequestId, () => context.getRemainingTimeInMillis()));
      count(METRIC.recordsSwept, result.swept);
      return result;
    },
    { message: 'stuck processing swept' },
  );
