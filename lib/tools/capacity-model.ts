import { LOOKUP_INDEXES } from '../../lambdas/adapters/dynamodb/table-design.ts';
import { COUNTER_SHARDS } from '../../lambdas/domain/record-limit.ts';
import { AWS_CAPACITY } from '../local/capacity/settings.ts';
import { writeUnits } from '../local/capacity/units.ts';

/**
 * The capacity model: what DynamoDB's documented limits (the emulator's numbers) allow this design,
 * computed, never estimated. docs/capacity.md's figures come from `capacityFigures()` (a test holds
 * the two together); the operations guide quotes them.
 */
export interface ModelInput {
  /** A record's item size in bytes (its index entries project all of it). */
  recordBytes: number;
  /** Write units a second the table, and each GSI, take at once (a new on-demand table: 4,000). */
  warmWriteUnits: number;
  /** Write units a second one partition key value takes (1,000). */
  partitionWriteUnits: number;
  /** The share of loaded lines left in `processing` (they are also written to the sparse processing index). */
  processingShare: number;
  /** The SDK's attempts of a call (its default). */
  sdkAttempts: number;
  /** DynamoDB's on-demand price per million write request units (us-east-1 list price). */
  dollarsPerMillionWrites: number;
  /** How long a transaction holds its items: its own time (an assumption: DynamoDB does not publish it) plus the hold after it (the emulator's 10 ms). */
  transactionBusyMs: number;
  /** The warm throughput raised through context (`-c warmWriteUnits=<n>`) for the fastest loads. */
  raisedWarmWriteUnits: number;
  /** The tenant's creates a second (the premium tier's rate). */
  tenantCreatesPerSecond: number;
  /** Attempts a create's transaction makes when it meets another on its counter shard (the repository's schedule). */
  createAttempts: number;
}

const MODEL_DEFAULTS: ModelInput = {
  recordBytes: 1_500,
  warmWriteUnits: AWS_CAPACITY.tableWriteUnits,
  partitionWriteUnits: AWS_CAPACITY.partitionWriteUnits,
  processingShare: 0,
  sdkAttempts: 3,
  dollarsPerMillionWrites: 0.625,
  transactionBusyMs: 25,
  raisedWarmWriteUnits: 12_000,
  tenantCreatesPerSecond: 200,
  createAttempts: 8,
};

const LOOKUPS = Object.keys(LOOKUP_INDEXES).length;

export interface CapacityFigures {
  /** Write units of one record: its item and its entry in each lookup index (and the processing index for its share). */
  unitsPerRecord: number;
  /** Records a second the table takes at its warm throughput (each index has as much of its own). */
  recordsPerSecond: number;
  /** Lines a second one index key value takes (a lookup value's entries, were they on one key). */
  oneKeyLinesPerSecond: number;
  /** Lines a second of a load of one billing run: its index entries over the lookup's shards, up to the table's (and each index's) warm throughput. */
  oneRunLinesPerSecond: number;
  /** Minutes for a million lines of one billing run. */
  millionOneRunMinutes: number;
  /** The same with the table's warm throughput raised. */
  millionOneRunRaisedMinutes: number;
  /** Minutes for a million lines spread over many lookup values, at the table's warm throughput. */
  millionSpreadMinutes: number;
  /** Dollars of write request units for a million lines. */
  millionLinesDollars: number;
  sdkAttempts: number;
  /** Creates a second one tenant's counter takes at most: its shards, each one transaction at a time. */
  tenantCreatesCeiling: number;
  /** The share of creates at the tenant's rate that succeed within their attempts (the rest answer 429). */
  tenantCreateSuccess: number;
}

export function capacityFigures(input: ModelInput = MODEL_DEFAULTS): CapacityFigures {
  const itemUnits = writeUnits(input.recordBytes);
  const unitsPerRecord = itemUnits * (1 + LOOKUPS + input.processingShare);
  const recordsPerSecond = input.warmWriteUnits / itemUnits;
  const oneKeyLinesPerSecond = input.partitionWriteUnits / itemUnits;
  const oneRunLinesPerSecond = Math.min(LOOKUP_INDEXES.billingRun.shards * oneKeyLinesPerSecond, recordsPerSecond);
  return {
    unitsPerRecord,
    recordsPerSecond,
    oneKeyLinesPerSecond,
    oneRunLinesPerSecond,
    millionOneRunMinutes: 1_000_000 / oneRunLinesPerSecond / 60,
    millionOneRunRaisedMinutes:
      1_000_000 / Math.min(LOOKUP_INDEXES.billingRun.shards * oneKeyLinesPerSecond, input.raisedWarmWriteUnits / itemUnits) / 60,
    millionSpreadMinutes: 1_000_000 / recordsPerSecond / 60,
    millionLinesDollars: unitsPerRecord * input.dollarsPerMillionWrites,
    sdkAttempts: input.sdkAttempts,
    tenantCreatesCeiling: (COUNTER_SHARDS * 1000) / input.transactionBusyMs,
    tenantCreateSuccess: createSuccess(input),
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
