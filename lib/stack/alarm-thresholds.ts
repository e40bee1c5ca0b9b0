import * as z from 'zod';

/** When each alarm fires (at or above); context `alarmThresholds` overrides any of them, e.g. `{"apiLatencyP99Ms":5000}`. */
const thresholdsSchema = z.strictObject({
  /** 5xx answers as a percentage of API requests, in two 5-minute periods running. */
  api5xxRatePercent: z.number().positive(),
  /** API p99 latency in ms, in three 5-minute periods running. */
  apiLatencyP99Ms: z.number().positive(),
  /** Failed invocations of one function (crashes and timeouts: the handlers answer their errors), in 5 minutes. */
  functionErrors: z.number().int().positive(),
  /** Throttled invocations of one function, in 5 minutes. */
  functionThrottles: z.number().int().positive(),
  /** Authorizer failures to decide, in 5 minutes. */
  authorizerFailures: z.number().int().positive(),
  /** DynamoDB throttled requests on one table, in 5 minutes. */
  dynamoDbThrottledRequests: z.number().int().positive(),
  /** DynamoDB system errors on one table, in 5 minutes. */
  dynamoDbSystemErrors: z.number().int().positive(),
  /** Processor executions failed, in 5 minutes. */
  processorFailed: z.number().int().positive(),
  /** Processor executions timed out, in 5 minutes. */
  processorTimedOut: z.number().int().positive(),
  /** Minutes the oldest processing start has waited in the queue of starts (a million starts take 55.5 minutes in the largest regions: docs/capacity.md). */
  processingStartsOldestMinutes: z.number().int().positive(),
  /** Processing starts waiting in the dead-letter queue of the queue of starts (its most in 5 minutes). */
  processingStartsDeadLettered: z.number().int().positive(),
  /** Ended executions whose place among their tenant's open ones could not be given back (their dead-letter queue's most in 5 minutes). */
  executionsUnclosed: z.number().int().positive(),
  /** Minutes the change stream's consumer is behind (its iterator age's most), in two 5-minute periods running. */
  changeStreamLagMinutes: z.number().positive(),
  /** Batches of changes the stream's event source gave up (its on-failure queue's most in 5 minutes). */
  changesGivenUp: z.number().int().positive(),
  /** Records the sweep moved to error, in 15 minutes. */
  recordsSwept: z.number().int().positive(),
  /** Bulk loads that ended failed, and bulk load executions that failed, in 5 minutes. */
  bulkLoadsFailed: z.number().int().positive(),
});
export type AlarmThresholds = z.infer<typeof thresholdsSchema>;

const DEFAULT_ALARM_THRESHOLDS: AlarmThresholds = {
  api5xxRatePercent: 1,
  apiLatencyP99Ms: 3000,
  functionErrors: 1,
  functionThrottles: 1,
  authorizerFailures: 1,
  dynamoDbThrottledRequests: 1,
  dynamoDbSystemErrors: 1,
  processorFailed: 1,
  processorTimedOut: 1,
  processingStartsOldestMinutes: 120,
  processingStartsDeadLettered: 1,
  executionsUnclosed: 1,
  changeStreamLagMinutes: 5,
  changesGivenUp: 1,
  recordsSwept: 1,
  bulkLoadsFailed: 1,
};

export function alarmThresholdsFrom(override: unknown): AlarmThresholds {
  if (override === undefined || override === null || override === '') return DEFAULT_ALARM_THRESHOLDS;
  const parsed = thresholdsSchema.partial().safeParse(typeof override === 'string' ? JSON.parse(override) : override);
  if (!parsed.success) throw new Error(`CDK context 'alarmThresholds' is invalid: ${z.prettifyError(parsed.error)}`);
  return { ...DEFAULT_ALARM_THRESHOLDS, ...parsed.data };
}
