import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { queuedStartOf, startDependencies } from '../composition/processing-starts.ts';
import { logger } from '../logger.ts';
import { invocation } from '../invocation.ts';
import { PROCESSING_STARTS } from '../routes.ts';
import { startQueuedProcessing } from '../use-cases/start-queued-processing.ts';

/** How long before its timeout the starter gives up the starts still waiting. */
const STOP_BEFORE_END_MS = 5_000;

/**
 * The consumer of the queue of processing starts (an SQS event source with partial batch responses):
 * it starts each message's execution; a start the processor was too busy for is answered as a failed
 * item, which the queue delivers again after its visibility timeout. A message that is not a start
 * (nothing of this service sends one) is logged and dropped: no delivery could ever start it.
 */
export const handler = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  invocation(
    PROCESSING_STARTS.operation,
    context,
    async () => {
      const deps = startDependencies();
      // A start still waiting on Step Functions (or on the client's own pacing) this close to the timeout
      // is given up as busy: the function answers in time, and only those starts come back.
      const signal = AbortSignal.timeout(Math.max(context.getRemainingTimeInMillis() - STOP_BEFORE_END_MS, 0));
      const outcomes = await Promise.all(
        event.Records.map(async (message) => {
          const start = queuedStartOf(message.body);
          if (!start) {
            logger.error('not a processing start: dropped', { messageId: message.messageId });
            return { message, outcome: 'dropped' as const };
          }
          return { message, outcome: await startQueuedProcessing(deps, start, { requestId: context.awsRequestId, signal }) };
        }),
      );
      const later = outcomes.filter(({ outcome }) => outcome === 'later');
      return {
        batchItemFailures: later.map(({ message }) => ({ itemIdentifier: message.messageId })),
        started: outcomes.filter(({ outcome }) => outcome === 'started').length,
        deferred: later.length,
      };
    },
    { message: 'processing starts' },
  );
