import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { queuedStartOf, startDependencies } from '../composition/processing-starts.ts';
import { invocation } from '../invocation.ts';
import { PROCESSING_STARTS } from '../stack-functions.ts';
import { startQueuedBatch } from '../use-cases/start-queued-processing.ts';

/** How long before its timeout the starter gives up the starts still waiting. */
const STOP_BEFORE_END_MS = 5_000;

/**
 * The consumer of the queue of processing starts (an SQS event source with partial batch responses):
 * the messages it answers as failed items are delivered again after the queue's visibility timeout.
 * A start still waiting on Step Functions (or on the client's own pacing) this close to the timeout is
 * given up as busy, so that the function answers in time and only those starts come back.
 */
export const handler = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  invocation(PROCESSING_STARTS.operation, context, async () => {
    const signal = AbortSignal.timeout(Math.max(context.getRemainingTimeInMillis() - STOP_BEFORE_END_MS, 0));
    const messages = event.Records.map((message) => ({ id: message.messageId, start: queuedStartOf(message.body) }));
    const { again } = await startQueuedBatch(startDependencies(), messages, { requestId: context.awsRequestId, signal });
    return { batchItemFailures: again.map((id) => ({ itemIdentifier: id })) };
  });
