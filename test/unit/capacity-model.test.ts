import { describe, expect, it } from 'vitest';
import { costFigures } from '../../lib/tools/capacity-model/costs.ts';
import { MODEL_DEFAULTS } from '../../lib/tools/capacity-model/inputs.ts';
import { minutesToStart, startFigures, sweepFigures, sweepWalkFigures } from '../../lib/tools/capacity-model/processing.ts';
import { listWalkFigures } from '../../lib/tools/capacity-model/reads.ts';
import { batchFigures, streamCeilings, streamDollars, streamFigures } from '../../lib/tools/capacity-model/stream.ts';
import { writeFigures } from '../../lib/tools/capacity-model/writes.ts';

// Each expected value is worked out by hand from the defaults: 1,500-byte records (2 write units),
// 4,000 write units a second a table or index (the summaries table too: a new on-demand table), 1,000 a key value,
// 16 shards a billing run; the loads' pace charges a line its item's 2 write units alone (adapters/dynamodb/dynamodb-bulk-chunks.ts):
// the counting of the records is the summaries table's.
describe('the capacity model', () => {
  it('starts executions at the lesser of the bucket refill and the starter, after the burst', () => {
    const starts = startFigures(MODEL_DEFAULTS);
    // 5 invocations x 10 starts at once, 50 ms each: 1,000 a second.
    expect(starts.starterCeiling).toBe(1_000);
    expect([starts.largestPerSecond, starts.elsewherePerSecond]).toEqual([300, 150]);
    // The burst goes first, the rest at the refill: (1,000,000 - 1,300) / 300 s and (1,000,000 - 800) / 150 s.
    expect(starts.largestMinutes).toBeCloseTo(998_700 / 300 / 60, 9);
    expect(starts.largestMinutes).toBeCloseTo(55.483, 3);
    expect(starts.elsewhereMinutes).toBeCloseTo(111.022, 3);
    // A starter slower than the refill (200 ms a start: 250 a second) sets the pace in the largest regions.
    const slow = startFigures({ ...MODEL_DEFAULTS, startMs: 200 });
    expect(slow.largestPerSecond).toBe(250);
    expect(slow.largestMinutes).toBeCloseTo(1_000_000 / 250 / 60, 9);
    // Starts the burst holds go at the starter's pace: 1,000 of them in a second.
    expect(minutesToStart(1_000, { burst: 1_300, perSecond: 300 }, 1_000)).toBeCloseTo(1 / 60, 9);
  });

  it("shares the loads' pace (85% of the table's warm throughput) equally among tenants loading at once, each on its own billing run's shards", () => {
    const ten = writeFigures(MODEL_DEFAULTS);
    // 2,000 records a second for the table, 1,700 of them the loads' (3,400 of its 4,000 write units, 2 a line),
    // shared by 10: 170 each; 100,000 lines in 588 s.
    expect(ten.recordsPerSecond).toBe(2_000);
    expect(ten.loadsLinesPerSecond).toBe(1_700);
    expect(ten.oneRunLinesPerSecond).toBe(1_700);
    expect(ten.requestsWriteUnitsDuringLoads).toBeCloseTo(600, 9);
    expect(ten.concurrentLoadLinesPerSecond).toBe(170);
    expect(ten.concurrentLoadsMinutes).toBeCloseTo(100_000 / 170 / 60, 9);
    expect(ten.smallOneRunMinutes).toBeCloseTo(100_000 / 1_700 / 60, 9);
    expect(ten.largeOneRunMinutes).toBeCloseTo(1_000_000 / 1_700 / 60, 9);
    expect(ten.largeOneRunMinutes).toBeCloseTo(9.804, 3);
    expect(ten.largeSpreadMinutes).toBeCloseTo(1_000_000 / 1_700 / 60, 9);
    // Raised to 14,000 units: 7,000 records a second, 5,950 the loads', below the run's 16 shards' 8,000.
    expect(ten.largeOneRunRaisedMinutes).toBeCloseTo(1_000_000 / 5_950 / 60, 9);
    expect(ten.largeOneRunRaisedMinutes).toBeCloseTo(2.801, 3);
    expect(ten.twoTenantsLinesPerSecond).toBe(850);
    expect(ten.largeBesideAnotherMinutes).toBeCloseTo(1_000_000 / 850 / 60, 9);
    const one = writeFigures({ ...MODEL_DEFAULTS, concurrentLoads: 1 });
    expect(one.concurrentLoadLinesPerSecond).toBe(1_700);
    expect(writeFigures({ ...MODEL_DEFAULTS, concurrentLoads: 40 }).concurrentLoadLinesPerSecond).toBe(42.5);
    // A table warmed far up: each load meets its own 16 shards' 16 x 500 = 8,000 lines a second first
    // (400,000 / 2 x 0.85 / 10 = 17,000 would be the load's share).
    expect(writeFigures({ ...MODEL_DEFAULTS, warmWriteUnits: 400_000 }).concurrentLoadLinesPerSecond).toBe(8_000);
    expect(writeFigures(MODEL_DEFAULTS).oneKeyLinesPerSecond).toBe(500);
  });

  it('walks a list of a million records in pages of the largest limit', () => {
    // 1,001 items over 16 shards: 64 each, 96,000 bytes a Query, 24 units of 4 KB, half for eventual consistency.
    const walk = listWalkFigures(MODEL_DEFAULTS);
    expect(walk).toEqual({ pageReadUnits: 192, pages: 1_000, readUnits: 192_000, dollars: 0.024, minutes: 200 / 60 });
  });

  it('sweeps the pages a run has time for, four runs an hour', () => {
    // A page of one tenant's backlog: 31 from each of its 16 shards, 496; 7.44 s a page (496 x 15 ms);
    // after page k, another while 300 - 7.44k >= 60: 33 pages.
    expect(sweepFigures(MODEL_DEFAULTS)).toEqual({ perRun: 16_368, perHour: 65_472 });
    // 49.6 s a page: pages begun at 0, 49.6, 99.2, 148.8, 198.4 (101.6 s left), none at 248.
    expect(sweepFigures({ ...MODEL_DEFAULTS, sweepRecordMs: 100 }).perRun).toBe(2_480);
  });

  it('walks every tenant’s shards and places in a sweep run, at a cost bounded by the tenants', () => {
    // 16 Queries a tenant, one of its open executions' places, and 16 of the legacy index, half a unit each;
    // the registry's 33 items of 200 bytes a tenant, 6.6 MB read eventually consistently.
    const walk = sweepWalkFigures(MODEL_DEFAULTS);
    expect(walk.queries).toBe(17_016);
    expect(walk.seconds).toBeCloseTo(20.01, 9);
    expect(walk.readUnits).toBe(8_508 + Math.ceil(6_600_000 / 4096) / 2);
    // 2,880 runs in 30 days at $0.125 per million read units.
    expect(walk.monthlyDollars).toBeCloseTo((9_314 * 2_880 * 0.125) / 1_000_000, 9);
    expect(sweepWalkFigures({ ...MODEL_DEFAULTS, sweptTenants: 10 }).queries).toBe(186);
  });

  it('costs a million lines with and without processing at list prices', () => {
    const costs = costFigures(MODEL_DEFAULTS);
    // 11 write units at load and 11 at the write-back (the item and 4 lookup entries of 2 units, the processing entry's keys 1),
    // a consistent read before each start; 3 transitions at $0.025 per 1,000; an event;
    // 1.2 requests a start at $0.40 per million; 100,000 invocations of 0.1 GB-s.
    expect(costs.parts.dynamoDb).toBeCloseTo(13.75 + 0.125, 9);
    expect(costs.parts.stepFunctions).toBeCloseTo(75, 9);
    expect(costs.parts.eventBridge).toBeCloseTo(1, 9);
    expect(costs.parts.sqs).toBeCloseTo(0.48, 9);
    expect(costs.parts.lambda).toBeCloseTo(0.02 + 10_000 * 0.000_013_333_4, 9);
    // The change stream: the create of each line, and its write-back too when processed (2.371 a million changes).
    expect(costs.withoutProcessing).toBeCloseTo(6.25 + 2.371_333_68, 6);
    expect(costs.parts.changeStream).toBeCloseTo(2 * 2.371_333_68, 6);
    expect(costs.withProcessing).toBeCloseTo(90.508_334 + 2 * 2.371_333_68, 6);
  });

  it('counts and publishes a batch of one run in four transactions and ten PutEvents calls', () => {
    // 25 changes (CHANGES_PER_TRANSACTION) and their run's counter item, four times; 10 calls of 10 entries.
    const batch = batchFigures(MODEL_DEFAULTS);
    expect([batch.transactions, batch.calls, batch.entriesPerCall, batch.eventChunks]).toEqual([4, 10, 10, 1]);
    // 20 ms, 4 x 50 ms, 10 x 30 ms; 100 bookkeeping items and 4 counter items, 2 units each (transactional).
    expect(batch.seconds).toBeCloseTo(0.52, 9);
    expect(batch.countingUnitsPerChange).toBeCloseTo(208 / 100, 9);
    const ceilings = streamCeilings(MODEL_DEFAULTS);
    // 4,000 write units over 1,000 a partition: 4 shards, 10 batches each at once.
    expect([ceilings.shards, ceilings.concurrentBatches]).toEqual([4, 40]);
    expect(ceilings.consumer).toBeCloseTo((40 * 100) / 0.52, 6);
    // 4 shards x 4 reads x 1 MB, a change one stream record of 1,500 bytes (699 of them; the summaries table has no stream).
    expect([batch.streamRecordsPerChange, batch.streamBytesPerChange]).toEqual([1, 1_500]);
    expect(ceilings.reading).toBeCloseTo((16 * 1024 * 1024) / 1_500, 6);
    // 16 counter items, 20 transactions a second each (50 ms), 25 changes a transaction.
    expect(ceilings.counters).toBe(8_000);
    // The account's calls less the processor's dispatches at Step Functions' 300 and 150 starts a second.
    expect([ceilings.putEventsLargest, ceilings.putEventsSmallest]).toEqual([97_000, 2_500]);
    // The summaries table, a new on-demand table: 4,000 write units a second over its 4 partitions, 2.08 a change.
    expect(ceilings.summariesPartitions).toBe(4);
    expect(ceilings.summariesTable).toBeCloseTo(4_000 / 2.08, 6);
    expect(ceilings.summariesTable).toBeCloseTo(1_923.08, 2);
  });

  it("counts a one-run load on the summaries table, lags its summary by the slowest of the stream's ceilings, and costs a million changes", () => {
    const stream = streamFigures(MODEL_DEFAULTS);
    // The load: 1,700 lines a second, 3,400 of the records table's 4,000 units: requests keep 600, the counting takes none of them.
    // Its counting: 1,700 x 2.08 = 3,536 of the summaries table's 4,000 (88.4%), below its 1,923.1 changes a second: it keeps up.
    expect(stream.requestsLeftDuringLoad).toBeCloseTo(600, 9);
    expect(stream.countingUnitsDuringLoad).toBeCloseTo(1_700 * 2.08, 6);
    expect(stream.countingShareOfSummaries).toBeCloseTo(3_536 / 4_000, 9);
    expect(stream.countedDuringLoad).toBe(1_700);
    // Nothing left at the load's end: the stream's next read, the batching window and a batch, 0.25 s + 1 s + 0.52 s.
    expect(stream.lagLargest).toBeCloseTo(1.77, 9);
    expect(stream.lagSmallest).toBeCloseTo(1.77, 9);
    // A quota of 400 entries, 150 of them the dispatches': 250 a second, during the load and after.
    expect(stream.lagSmallestByEntries).toBeCloseTo((1_000_000 * (1 - 250 / 1_700)) / 250 + 1.77, 6);
    expect(stream.lagSmallestByEntries).toBeCloseTo(3_413.53, 2);
    expect(stream.exactAfterMinutes).toBeCloseTo((1_000_000 / 1_700 + 1.77) / 60, 9);
    // Both tables pre-warmed to 14,000 units: 5,950 lines a second, their counting 12,376 units, the same 88.4% of the
    // summaries table's (6,730.8 changes a second); the stream's ceilings are higher (14 shards), its counters' 8,000.
    const raised = streamFigures({ ...MODEL_DEFAULTS, warmWriteUnits: 14_000 });
    expect(raised.countedDuringLoad).toBe(5_950);
    expect(raised.countingShareOfSummaries).toBeCloseTo(stream.countingShareOfSummaries, 9);
    expect(raised.lagLargest).toBeCloseTo(1.77, 9);
    // A run's counter items slower than the load (1 s a transaction: 16 x 1 x 25 = 400 changes a second) fall behind: the changes
    // left at the load's end are counted at 400 a second, then 0.25 s + 1 s + a batch of 4.32 s (4 transactions of 1 s).
    const slow = streamFigures({ ...MODEL_DEFAULTS, stream: { ...MODEL_DEFAULTS.stream, transactionMs: 1_000 } });
    expect(slow.ceilings.counters).toBe(400);
    expect(slow.countedDuringLoad).toBe(400);
    expect(slow.lagLargest).toBeCloseTo((1_000_000 * (1 - 400 / 1_700)) / 400 + 5.57, 6);
    // $1 an event; 2,080,000 units at $0.625 a million; 10,000 invocations, and 5,200 s at 1 GB.
    const dollars = streamDollars(MODEL_DEFAULTS, 1_000_000);
    expect(dollars.parts.events).toBeCloseTo(1, 9);
    expect(dollars.parts.counting).toBeCloseTo(1.3, 9);
    expect(dollars.parts.lambda).toBeCloseTo(0.002 + 5_200 * 0.000_013_333_4, 9);
  });
});
