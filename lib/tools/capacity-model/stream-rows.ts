import { RUN_SUMMARY_SHARDS } from '../../../lambdas/adapters/dynamodb/table-design.ts';
import { RECORD_CHANGES } from '../../../lambdas/stack-functions.ts';
import type { ModelInput } from './inputs.ts';
import { shown } from './shown.ts';
import { processorDispatches, streamDollars, streamFigures } from './stream.ts';
import { writeFigures } from './writes.ts';

/** The change stream rows of docs/capacity.md's table: the stream and its consumer, a one-run load's summary, the cost of a million changes. */
export function streamRows(input: ModelInput): [string, string][] {
  const figures = streamFigures(input);
  const { batch, ceilings } = figures;
  const { stream } = input;
  const large = shown(input.largeLoadLines);
  const million = 1_000_000;
  const dollars = streamDollars(input, million);
  const w = writeFigures(input);
  const perBatch = `${batch.changes} changes`;
  const dispatches = processorDispatches(input);
  return [
    [
      `shards of the change stream of a new records table (about one a partition: its warm throughput over a partition's ${shown(input.partitionWriteUnits)} write units, an assumption)`,
      shown(ceilings.shards),
    ],
    [
      `batches the change stream's consumer runs at once (${ceilings.shards} shards, ${RECORD_CHANGES.parallelizationFactor} batches of a shard at once)`,
      shown(ceilings.concurrentBatches),
    ],
    [
      `seconds the consumer takes for a batch of ${perBatch} of one billing run (${batch.transactions} transactions of up to ${stream.transactionItems} items, ${stream.transactionMs} ms each; ${batch.calls} PutEvents calls of ${batch.entriesPerCall} entries one after another, ${stream.putEventsMs} ms each; ${stream.invocationMs} ms the rest)`,
      shown(batch.seconds, 2),
    ],
    [`changes a second the consumer counts and publishes (batches of ${batch.changes})`, shown(ceilings.consumer)],
    [
      `changes a second Lambda's reading of the stream takes (${stream.pollsPerSecond} GetRecords a shard a second, each at most ${shown(stream.getRecords.records)} stream records or 1 MB; a change is ${batch.streamRecordsPerChange} stream record of ${shown(batch.streamBytesPerChange)} bytes, the record's: the counting writes the summaries table, which has no stream)`,
      shown(ceilings.reading),
    ],
    [
      `changes a second one billing run's ${RUN_SUMMARY_SHARDS} counter items take (one transaction at a time each, ${batch.changes / batch.transactions} changes a transaction)`,
      shown(ceilings.counters),
    ],
    [
      `changes a second PutEvents takes in the largest regions (the account's ${shown(stream.putEventsPerSecond.largest)} calls a second, less the processor's ${dispatches.largest} dispatches at Step Functions' starts; ${batch.entriesPerCall} entries a call)`,
      shown(ceilings.putEventsLargest),
    ],
    [
      `the same in the smallest regions (${shown(stream.putEventsPerSecond.smallest)} calls a second, less ${dispatches.smallest})`,
      shown(ceilings.putEventsSmallest),
    ],
    [
      `changes a second the summaries table takes for counting (a table of its own, on demand: a new table's warm throughput, ${shown(input.warmWriteUnits)} write units a second, pre-warmed with the records table; ${shown(batch.countingUnitsPerChange, 2)} write units a change: its bookkeeping item in a transaction, a key of its own, the keys spread over the table's ${ceilings.summariesPartitions} partitions, and a share of a counter item)`,
      shown(ceilings.summariesTable),
    ],
    [
      `write units a second the counting of a one-run load at the loads' pace (${shown(w.oneRunLinesPerSecond)} lines a second) takes of the summaries table`,
      shown(figures.countingUnitsDuringLoad),
    ],
    ["the same, percent of the summaries table's warm throughput", `${shown(figures.countingShareOfSummaries * 100, 1)}%`],
    [
      `write units a second of the records table left meanwhile to other tenants' requests (the loads' pace keeps them; the counting writes none of the records table)`,
      shown(figures.requestsLeftDuringLoad),
    ],
    [
      `changes a second counted while that load keeps its pace (the slowest of the load, the consumer, Lambda's reading, the run's counter items, PutEvents and the summaries table: the counting ${figures.countedDuringLoad < w.oneRunLinesPerSecond ? 'falls behind' : 'keeps up'})`,
      shown(figures.countedDuringLoad),
    ],
    [
      `seconds the run summary of a ${large}-line load of one billing run lags behind the load's end, largest regions (the changes left, if any, at the slowest of the same but the load, then the stream's next read, the ${RECORD_CHANGES.maxBatchingWindowSeconds} s batching window and a batch)`,
      shown(figures.lagLargest, 1),
    ],
    ['the same in the smallest regions', shown(figures.lagSmallest, 1)],
    [
      'the same in the smallest regions were the PutEvents quota one of entries (the quotas page gives calls)',
      shown(figures.lagSmallestByEntries),
    ],
    ["minutes from that load's start until its summary is exact", shown(figures.exactAfterMinutes, 1)],
    [
      `dollars for ${shown(million)} changes of records counted in their summaries and published as events (us-east-1 list prices, full batches)`,
      shown(dollars.total, 2),
    ],
    [
      `of which the events (an event of a ${shown(input.recordBytes)}-byte record is ${batch.eventChunks} chunk of ${stream.eventChunkBytes / 1024} KB, each billed as an event)`,
      shown(dollars.parts.events, 2),
    ],
    [`of which the counting (${shown(batch.countingUnitsPerChange * million)} write units, on demand)`, shown(dollars.parts.counting, 2)],
    [
      `of which the consumer's Lambda (${shown(million / batch.changes)} invocations of ${shown(batch.seconds, 2)} s at ${shown(stream.consumerMemoryMb)} MB; its reads of the stream are free)`,
      shown(dollars.parts.lambda, 2),
    ],
  ];
}
