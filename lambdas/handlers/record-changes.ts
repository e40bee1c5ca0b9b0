import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { changeDependencies, streamedChangeOf } from '../composition/record-changes.ts';
import { invocation } from '../invocation.ts';
import { RECORD_CHANGES } from '../stack-functions.ts';
import { type ChangeDependencies, handleChanges } from '../use-cases/record-changes.ts';

/**
 * The consumer of the records table's stream (a DynamoDB event source with partial batch responses):
 * counts each change in its run's summary and publishes it. The record it answers as failed, and every
 * record after it in the batch, come again (the event source bisects a batch that fails whole, and sends
 * what still fails after its retries to the on-failure destination).
 */
export const handlerOn =
  (dependencies: () => ChangeDependencies) =>
  (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> =>
    invocation(RECORD_CHANGES.operation, context, async () => {
      const { failedFrom } = await handleChanges(dependencies(), event.Records.map(streamedChangeOf));
      return { batchItemFailures: failedFrom === undefined ? [] : [{ itemIdentifier: failedFrom }] };
    });

/** The function's handler; the local service runs `handlerOn` with its own storage endpoint (the capacity emulator's background door). */
export const handler = handlerOn(() => changeDependencies());
