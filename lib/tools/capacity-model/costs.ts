import { PROCESSING_STARTS } from '../../../lambdas/stack-functions.ts';
import { readUnits } from '../../local/capacity/units.ts';
import type { ModelInput } from './inputs.ts';
import { streamDollars } from './stream.ts';
import { LOOKUPS, itemUnits, loadUnits, processingEntryUnits } from './writes.ts';

/**
 * Write units of the default processor's write-back (one UpdateItem of the record): the item, every
 * lookup index's entry written again (the lookup indexes project all attributes, and the write-back
 * changes some), and the record's entry in the processing index removed (its keys alone).
 */
export const writeBackUnits = (input: ModelInput): number => itemUnits(input) * (1 + LOOKUPS) + processingEntryUnits(input);

/** Read units of the starter's read of a record before it starts its execution (consistent). */
export const starterReadUnits = (input: ModelInput): number => readUnits(input.recordBytes, 'strong');

/** Changes of a record the change stream counts and publishes: its create, and when processed its write-back. */
export const CHANGES_PER_LINE = { loaded: 1, processed: 2 };

/**
 * Dollars for the large load at us-east-1 list prices, without processing (its write requests, and
 * its creates' way through the change stream) and with every line left in processing: the processing
 * index entry at load, the write-back, the execution's state transitions, its event, the queue's
 * requests, the starter's invocations and both changes' way through the change stream. The load's own
 * S3 requests, step functions and Distributed Map are in neither.
 */

export function costFigures(input: ModelInput) {
  const lines = input.largeLoadLines;
  const { prices } = input;
  const perMillion = (count: number, price: number) => (count * price) / 1_000_000;
  const invocations = lines / PROCESSING_STARTS.batchSize;
  // A start is one SendMessage; the starter's source receives and deletes a batch at a time.
  const queueRequests = lines * (1 + 2 / PROCESSING_STARTS.batchSize);
  const parts = {
    // The writes, and the starter's consistent read of each record before its start.
    dynamoDb:
      perMillion(lines * (loadUnits(input, 1) + writeBackUnits(input)), prices.dynamoWritesPerMillion) +
      perMillion(lines * starterReadUnits(input), prices.dynamoReadsPerMillion),
    stepFunctions: (lines * input.processorTransitions * prices.stateTransitionsPerThousand) / 1000,
    eventBridge: perMillion(lines, prices.eventsPerMillion),
    sqs: perMillion(queueRequests, prices.queueRequestsPerMillion),
    lambda:
      perMillion(invocations, prices.lambdaRequestsPerMillion) +
      invocations * (input.starterInvocationMs / 1000) * (input.starterMemoryMb / 1024) * prices.lambdaGbSecond,
    changeStream: streamDollars(input, lines * CHANGES_PER_LINE.processed).total,
  };
  return {
    withoutProcessing:
      perMillion(lines * loadUnits(input, 0), prices.dynamoWritesPerMillion) + streamDollars(input, lines * CHANGES_PER_LINE.loaded).total,
    withProcessing: Object.values(parts).reduce((sum, part) => sum + part, 0),
    parts,
  };
}
