import { BULK_ERROR_INDEX, LOOKUP_INDEXES } from '../../../lambdas/adapters/dynamodb/table-design.ts';
import { LINE_ERRORS_KEPT } from '../../../lambdas/domain/bulk-load.ts';
import { COUNTER_SHARDS } from '../../../lambdas/domain/record-limit.ts';
import { writeUnits } from '../../local/capacity/units.ts';
import type { ModelInput } from './inputs.ts';

/** The lookup indexes every record has an entry in. */
export const LOOKUPS = Object.keys(LOOKUP_INDEXES).length;
/** The shards a billing run's index entries are spread over. */
export const RUN_SHARDS = LOOKUP_INDEXES.billingRun.shards;
/** The key values a load's kept line errors are spread over. */
export const ERROR_SHARDS = BULK_ERROR_INDEX.shards;

/** Write units of a record's item (and of each lookup index entry, which projects all of it). */
export const itemUnits = (input: ModelInput): number => writeUnits(input.recordBytes);

/** Write units of a record's entry in the processing index: its keys alone, whatever the record's size. */
export const processingEntryUnits = (input: ModelInput): number => writeUnits(input.processingEntryBytes);

/** Write units of loading one record: its item and its entry in each lookup index (and in the processing index for its share). */
export const loadUnits = (input: ModelInput, processingShare = input.processingShare): number =>
  itemUnits(input) * (1 + LOOKUPS) + processingEntryUnits(input) * processingShare;

const minutes = (lines: number, perSecond: number): number => lines / perSecond / 60;

/** What the writes of loads and creates take: DynamoDB's limits on a new table, and the loads' pace (a share of them). */
export function writeFigures(input: ModelInput) {
  const recordsPerSecond = input.warmWriteUnits / itemUnits(input);
  // All loads together take the loads' share of the table's (and each index's) warm throughput; the rest is the requests'.
  // The pace charges a line its item's write units alone (adapters/dynamodb/dynamodb-bulk-chunks.ts): the counting
  // of the records it writes is the summaries table's (stream.ts), which the pace does not meter.
  const loadsLinesPerSecond = recordsPerSecond * input.loadsShare;
  const oneKeyLinesPerSecond = input.partitionWriteUnits / itemUnits(input);
  // A billing run's index entries go to its shards, each a key value of its own, up to what loads may take.
  const oneRunCeiling = RUN_SHARDS * oneKeyLinesPerSecond;
  const oneRunLinesPerSecond = Math.min(oneRunCeiling, loadsLinesPerSecond);
  // Tenants loading at once share the loads' pace equally; each load has its own billing run's shards.
  const sharedLinesPerSecond = (tenants: number) => Math.min(oneRunCeiling, loadsLinesPerSecond / tenants);
  const concurrentLoadLinesPerSecond = sharedLinesPerSecond(input.concurrentLoads);
  const raisedLinesPerSecond = (input.raisedWarmWriteUnits / itemUnits(input)) * input.loadsShare;
  return {
    unitsPerRecord: loadUnits(input),
    recordsPerSecond,
    loadsLinesPerSecond,
    requestsWriteUnitsDuringLoads: input.warmWriteUnits * (1 - input.loadsShare),
    oneKeyLinesPerSecond,
    oneRunLinesPerSecond,
    largeOneRunMinutes: minutes(input.largeLoadLines, oneRunLinesPerSecond),
    smallOneRunMinutes: minutes(input.smallLoadLines, oneRunLinesPerSecond),
    largeOneRunRaisedMinutes: minutes(input.largeLoadLines, Math.min(oneRunCeiling, raisedLinesPerSecond)),
    largeSpreadMinutes: minutes(input.largeLoadLines, loadsLinesPerSecond),
    twoTenantsLinesPerSecond: sharedLinesPerSecond(2),
    largeBesideAnotherMinutes: minutes(input.largeLoadLines, sharedLinesPerSecond(2)),
    concurrentLoadLinesPerSecond,
    concurrentLoadsMinutes: minutes(input.smallLoadLines, concurrentLoadLinesPerSecond),
    largeLoadDollars: (input.largeLoadLines * loadUnits(input) * input.prices.dynamoWritesPerMillion) / 1_000_000,
    sdkAttempts: input.sdkAttempts,
    /** Creates a second one tenant's counter takes at most: its shards, each one transaction at a time. */
    tenantCreatesCeiling: (COUNTER_SHARDS * 1000) / input.transactionBusyMs,
    tenantCreateSuccess: createSuccess(input),
    /** A change of a tenant: one transaction over its item and every counter shard (transactional writes count twice). */
    tenantChangeUnits: (COUNTER_SHARDS + 1) * writeUnits(input.counterItemBytes, true),
    ...failedLineFigures(input),
  };
}

/**
 * A load whose lines all fail keeps its first LINE_ERRORS_KEPT line errors, plus at most what the
 * batches running at once store before any of them can know to leave theirs out (domain/bulk-load.ts,
 * lineErrorsToKeep: batches start in line order, `bulkLoadConcurrency` at a time); the rest are counted.
 * What it keeps is spread over the error index's key values, so the index's warm throughput paces it.
 */
function failedLineFigures(input: ModelInput) {
  const errorUnits = writeUnits(input.lineErrorBytes);
  const keptErrors = Math.min(input.largeLoadLines, LINE_ERRORS_KEPT + input.bulkLoadConcurrency * input.batchLines);
  const errorsPerSecond = Math.min(ERROR_SHARDS * input.partitionWriteUnits, input.warmWriteUnits) / errorUnits;
  return {
    keptErrors,
    keptErrorsSeconds: keptErrors / errorsPerSecond,
    // Every error kept, all under one key value of the index: its 1,000 write units a second.
    everyErrorOneKeyMinutes: minutes(input.largeLoadLines, input.partitionWriteUnits / errorUnits),
  };
}

/**
 * Creates arrive at random (Poisson) and spread evenly over the counter's shards: one meets another
 * transaction on its shard when one arrived within a busy time either side, and retries (on another
 * shard when the counter names one, else the same). It fails only when every attempt meets one.
 */
function createSuccess(input: ModelInput): number {
  const perShard = input.tenantCreatesPerSecond / COUNTER_SHARDS;
  const meets = 1 - Math.exp(-perShard * ((2 * input.transactionBusyMs) / 1000));
  return 1 - meets ** input.createAttempts;
}
