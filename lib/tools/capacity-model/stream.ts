import { CHANGES_PER_TRANSACTION } from '../../../lambdas/adapters/dynamodb/dynamodb-run-summaries.ts';
import { RUN_SUMMARY_SHARDS } from '../../../lambdas/adapters/dynamodb/table-design.ts';
import { MAX_ENTRIES_PER_PUT, MAX_ENTRY_BYTES } from '../../../lambdas/domain/change-events.ts';
import { RECORD_CHANGES } from '../../../lambdas/stack-functions.ts';
import { writeUnits } from '../../local/capacity/units.ts';
import type { ModelInput } from './inputs.ts';
import { startFigures } from './processing.ts';
import { itemUnits, writeFigures } from './writes.ts';

/**
 * The records table's change stream and its consumer (RECORD_CHANGES, adapters/dynamodb/dynamodb-run-summaries.ts,
 * adapters/eventbridge/eventbridge-change-events.ts), for changes of one billing run that each move a
 * counter (a bulk load's creates, a processed record's write-back), in full batches (a backlog). The
 * consumer counts in the summaries table, a table of its own (on demand, key `pk`, no index): it writes
 * nothing of the records table.
 *
 * A batch is counted in transactions of CHANGES_PER_TRANSACTION changes at most (the code's): each
 * change's bookkeeping item and one of its run's counter items, one transaction after another; then
 * published with PutEvents, 10 entries a call, one call after another. Every write of a transaction is
 * charged twice, 1 KB begun each ("Managing capacity for transactions", DynamoDB developer guide).
 */
export function batchFigures(input: ModelInput) {
  const { stream } = input;
  const changes = RECORD_CHANGES.batchSize;
  const transactions = Math.ceil(changes / Math.min(CHANGES_PER_TRANSACTION, stream.transactionItems - 1));
  const eventBytes = input.recordBytes + stream.eventEnvelopeBytes;
  const entriesPerCall = Math.min(MAX_ENTRIES_PER_PUT, Math.floor(MAX_ENTRY_BYTES / eventBytes));
  const calls = Math.ceil(changes / entriesPerCall);
  const countingUnits = changes * writeUnits(stream.bookkeepingItemBytes, true) + transactions * writeUnits(input.counterItemBytes, true);
  return {
    changes,
    transactions,
    calls,
    entriesPerCall,
    seconds: (stream.invocationMs + transactions * stream.transactionMs + calls * stream.putEventsMs) / 1000,
    /** Write units of counting one change: its bookkeeping item, and its share of the counter items. */
    countingUnitsPerChange: countingUnits / changes,
    /** Stream records, and their bytes, a change brings: the record's own alone (the counting writes the summaries table, which has no stream). */
    streamRecordsPerChange: 1,
    streamBytesPerChange: input.recordBytes,
    eventChunks: Math.ceil(eventBytes / stream.eventChunkBytes),
  };
}

/**
 * PutEvents calls a second the default processor's dispatches take of the account's quota while
 * executions start at Step Functions' rate (a dispatch is one PutEvents of one entry): the largest
 * regions' rate in the largest, the rate elsewhere in the smallest.
 */
export function processorDispatches(input: ModelInput) {
  const starts = startFigures(input);
  return { largest: starts.largestPerSecond, smallest: starts.elsewherePerSecond };
}

/**
 * What the stream and its consumer take, changes a second. A stream has about one shard a table partition
 * (an assumption: AWS's Streams guide says only that shards are made and split as needed), and a partition
 * takes 1,000 write units a second, so a new records table's warm throughput makes 4. Lambda runs up to
 * `parallelizationFactor` batches of a shard at once, and reads each shard `pollsPerSecond` times a second.
 * The summaries table is a new on-demand table too, pre-warmed with the records table (lib/stack/service-tables.ts):
 * `warmWriteUnits` is its warm throughput as well. Each record's bookkeeping item is a key of its own, so
 * they spread over its partitions; one run's counter items are its hot keys (`counters`).
 */
export function streamCeilings(input: ModelInput) {
  const batch = batchFigures(input);
  const { stream } = input;
  const shards = Math.ceil(input.warmWriteUnits / input.partitionWriteUnits);
  const concurrentBatches = shards * RECORD_CHANGES.parallelizationFactor;
  const perRead = Math.min(stream.getRecords.records / batch.streamRecordsPerChange, stream.getRecords.bytes / batch.streamBytesPerChange);
  const dispatches = processorDispatches(input);
  // One run's counter items each take one transaction at a time, and at most a partition's write units.
  const counterTransactions = Math.min(1000 / stream.transactionMs, input.partitionWriteUnits / writeUnits(input.counterItemBytes, true));
  return {
    shards,
    concurrentBatches,
    consumer: (concurrentBatches * batch.changes) / batch.seconds,
    reading: shards * stream.pollsPerSecond * perRead,
    counters: RUN_SUMMARY_SHARDS * counterTransactions * (batch.changes / batch.transactions),
    putEventsLargest: (stream.putEventsPerSecond.largest - dispatches.largest) * batch.entriesPerCall,
    putEventsSmallest: (stream.putEventsPerSecond.smallest - dispatches.smallest) * batch.entriesPerCall,
    /** The summaries table's partitions (as the stream's shards: its warm throughput over a partition's). */
    summariesPartitions: Math.ceil(input.warmWriteUnits / input.partitionWriteUnits),
    /** The summaries table's warm throughput, all the counting's. */
    summariesTable: input.warmWriteUnits / batch.countingUnitsPerChange,
  };
}

/**
 * The summary of the large load of one billing run, behind the load. The load keeps the loads' pace (a
 * share of the records table's write throughput, charged its own writes); the counting has the summaries
 * table to itself, during the load and after. Changes are counted at the slowest of the load, the consumer,
 * Lambda's reading, the run's counter items, PutEvents and the summaries table; those left at the load's
 * end at the slowest of the same but the load; the last ones then wait for the stream's next read, the
 * batching window and one batch. `eventsPerSecond` is PutEvents' ceiling, while the processor dispatches
 * at its most (the load's lines left in processing).
 */
function summaryLag(input: ModelInput, loadLinesPerSecond: number, eventsPerSecond: number) {
  const batch = batchFigures(input);
  const ceilings = streamCeilings(input);
  const after = Math.min(ceilings.consumer, ceilings.reading, ceilings.counters, eventsPerSecond, ceilings.summariesTable);
  const countedDuring = Math.min(loadLinesPerSecond, after);
  const backlog = input.largeLoadLines * (1 - countedDuring / loadLinesPerSecond);
  const lastChange = 1 / input.stream.pollsPerSecond + RECORD_CHANGES.maxBatchingWindowSeconds + batch.seconds;
  return { countedDuring, seconds: backlog / after + lastChange };
}

/** The change stream's figures: its ceilings, what counting a load takes of the summaries table, what the records table keeps, and the summary's lag. */
export function streamFigures(input: ModelInput) {
  const batch = batchFigures(input);
  const ceilings = streamCeilings(input);
  const loadLinesPerSecond = writeFigures(input).oneRunLinesPerSecond;
  const loadSeconds = input.largeLoadLines / loadLinesPerSecond;
  const largest = summaryLag(input, loadLinesPerSecond, ceilings.putEventsLargest);
  const countingUnitsDuringLoad = loadLinesPerSecond * batch.countingUnitsPerChange;
  return {
    batch,
    ceilings,
    /** The summaries table's write units a second the load's counting takes, and the share of its warm throughput. */
    countingUnitsDuringLoad,
    countingShareOfSummaries: countingUnitsDuringLoad / input.warmWriteUnits,
    /** The records table's write units a second left to other tenants' requests: less the load's items alone (the counting writes none). */
    requestsLeftDuringLoad: Math.max(0, input.warmWriteUnits - loadLinesPerSecond * itemUnits(input)),
    countedDuringLoad: largest.countedDuring,
    lagLargest: largest.seconds,
    lagSmallest: summaryLag(input, loadLinesPerSecond, ceilings.putEventsSmallest).seconds,
    // Were the quota one of entries: the smallest regions' calls a second, less the dispatches, an entry each.
    lagSmallestByEntries: summaryLag(
      input,
      loadLinesPerSecond,
      input.stream.putEventsPerSecond.smallest - processorDispatches(input).smallest,
    ).seconds,
    exactAfterMinutes: (loadSeconds + largest.seconds) / 60,
  };
}

/**
 * Dollars of `changes` changes counted and published, at us-east-1 list prices: the events (a 64 KB
 * chunk each), the counting's write units, the consumer's invocations and their time. Lambda's reads
 * of the stream are free ("Read requests made by AWS Lambda-based consumers of DynamoDB Streams are
 * free", DynamoDB developer guide, "Evaluate your Streams usage").
 */
export function streamDollars(input: ModelInput, changes: number) {
  const batch = batchFigures(input);
  const { prices } = input;
  const invocations = changes / batch.changes;
  const parts = {
    events: (changes * batch.eventChunks * prices.eventsPerMillion) / 1_000_000,
    counting: (changes * batch.countingUnitsPerChange * prices.dynamoWritesPerMillion) / 1_000_000,
    lambda:
      (invocations * prices.lambdaRequestsPerMillion) / 1_000_000 +
      invocations * batch.seconds * (input.stream.consumerMemoryMb / 1024) * prices.lambdaGbSecond,
  };
  return { total: parts.events + parts.counting + parts.lambda, parts };
}
