import { LEGACY_PROCESSING_INDEX, PROCESSING_INDEX, entriesPerShard } from '../../../lambdas/adapters/dynamodb/table-design.ts';
import { COUNTER_SHARDS } from '../../../lambdas/domain/record-limit.ts';
import { PROCESSING_STARTS, SWEEP_SCHEDULE } from '../../../lambdas/stack-functions.ts';
import { PAGE_MARGIN_MS, RECORDS_PER_PAGE } from '../../../lambdas/use-cases/sweep-stuck-processing.ts';
import { readUnits } from '../../local/capacity/units.ts';
import { OPEN_EXECUTIONS_BY_TIER } from '../../../lambdas/domain/tenant.ts';
import type { ModelInput } from './inputs.ts';

/** The records of a page of one tenant's backlog: what the sweep asks of each of its shards, all of them. */
export const SWEEP_PAGE_RECORDS = entriesPerShard(RECORDS_PER_PAGE) * PROCESSING_INDEX.shards;

/**
 * Minutes to start `count` executions from a queue that holds them all: the starter goes at its
 * ceiling while the bucket's burst lasts (it drains at the ceiling less the refill), then at the refill.
 */
export function minutesToStart(count: number, bucket: { burst: number; perSecond: number }, ceiling: number): number {
  if (ceiling <= bucket.perSecond) return count / ceiling / 60;
  const burstSeconds = bucket.burst / (ceiling - bucket.perSecond);
  if (count <= ceiling * burstSeconds) return count / ceiling / 60;
  // burstSeconds at the ceiling, then the rest at the refill: (count - ceiling * t) / refill + t, which is (count - burst) / refill.
  return (count - bucket.burst) / bucket.perSecond / 60;
}

/**
 * Processing starts: the writes queue them; the starter takes `batchSize` at a time, at most
 * `maxConcurrency` invocations at once, and makes a batch's starts at once; a start Step Functions
 * throttles goes back to the queue. The large load, every line left in processing.
 */
export function startFigures(input: ModelInput) {
  const ceiling = (PROCESSING_STARTS.maxConcurrency * PROCESSING_STARTS.batchSize * 1000) / input.startMs;
  const { largest, elsewhere } = input.startBuckets;
  return {
    starterCeiling: ceiling,
    largestPerSecond: Math.min(largest.perSecond, ceiling),
    elsewherePerSecond: Math.min(elsewhere.perSecond, ceiling),
    largestMinutes: minutesToStart(input.largeLoadLines, largest, ceiling),
    elsewhereMinutes: minutesToStart(input.largeLoadLines, elsewhere, ceiling),
    ...tenantStartFigures(input, ceiling),
  };
}

/**
 * Two tenants' starts, one with the large load's starts waiting. The queue is a fair queue (the tenant
 * is each start's message group), so the quiet tenant's first start is the next delivery, not the
 * backlog's last: it waits for one start's place in the starter, whose starts in flight (its invocations
 * times its batch) go at Step Functions' refill once the burst is spent (Little's law: in flight over
 * rate). A plain queue would deliver it after the backlog. A tenant's open executions are one count item
 * of the records table, changed by a transactional write (two units an item up to 1 KB) when each opens
 * and when it closes.
 */
function tenantStartFigures(input: ModelInput, ceiling: number) {
  const inFlight = PROCESSING_STARTS.maxConcurrency * PROCESSING_STARTS.batchSize;
  const { largest, elsewhere } = input.startBuckets;
  return {
    quietFirstStartSeconds: inFlight / Math.min(largest.perSecond, ceiling),
    quietFirstStartSecondsElsewhere: inFlight / Math.min(elsewhere.perSecond, ceiling),
    unfairFirstStartMinutes: minutesToStart(input.largeLoadLines, largest, ceiling),
    tenantOpensPerSecond: input.partitionWriteUnits / 2 / 2,
    largestCapShare: Math.max(...Object.values(OPEN_EXECUTIONS_BY_TIER)) / input.accountOpenExecutions,
  };
}

/**
 * The sweep, with a backlog: a run of the function's time reads pages of `SWEEP_PAGE_RECORDS` and reads
 * and puts each record one after another; after each page it starts another only while `PAGE_MARGIN_MS` is left.
 */
export function sweepFigures(input: ModelInput) {
  const runMs = SWEEP_SCHEDULE.timeoutMinutes * 60_000;
  const pageMs = SWEEP_PAGE_RECORDS * input.sweepRecordMs;
  // The first page always; after page k (k page times gone), another while the margin is left.
  const pages = Math.min(Math.floor((runMs - PAGE_MARGIN_MS) / pageMs) + 1, Math.floor(runMs / pageMs));
  const perRun = pages * SWEEP_PAGE_RECORDS;
  return { perRun, perHour: perRun * (60 / SWEEP_SCHEDULE.everyMinutes) };
}

/**
 * A sweep run over `sweptTenants` tenants with nothing stuck: the registry's Scan (every tenant's item
 * and its counter's shards, eventually consistent), then a page of each tenant, its shards' Queries at
 * once, and one of the legacy index's shards; an empty Query is charged half a read unit, eventually consistent.
 */
export function sweepWalkFigures(input: ModelInput) {
  const runs = (30 * 24 * 60) / SWEEP_SCHEDULE.everyMinutes;
  // A tenant's 16 shards, and the Query of its places among open executions; the legacy index's shards.
  const queries = (PROCESSING_INDEX.shards + 1) * input.sweptTenants + LEGACY_PROCESSING_INDEX.shards;
  const registryBytes = input.sweptTenants * (COUNTER_SHARDS + 1) * input.counterItemBytes;
  const units = queries * readUnits(0, 'eventual') + readUnits(registryBytes, 'eventual');
  return {
    queries,
    // A round trip a tenant for its shards, another for its places (after the walk), one for the legacy index.
    seconds: ((2 * input.sweptTenants + 1) * input.sweepTenantMs) / 1000,
    readUnits: units,
    monthlyDollars: (units * runs * input.prices.dynamoReadsPerMillion) / 1_000_000,
  };
}
