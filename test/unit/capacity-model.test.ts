import { describe, expect, it } from 'vitest';
import { costFigures } from '../../lib/tools/capacity-model/costs.ts';
import { MODEL_DEFAULTS } from '../../lib/tools/capacity-model/inputs.ts';
import { minutesToStart, startFigures, sweepFigures, sweepWalkFigures } from '../../lib/tools/capacity-model/processing.ts';
import { listWalkFigures } from '../../lib/tools/capacity-model/reads.ts';
import { writeFigures } from '../../lib/tools/capacity-model/writes.ts';

// Each expected value is worked out by hand from the defaults: 1,500-byte records (2 write units),
// 4,000 write units a second a table or index, 1,000 a key value, 16 shards a billing run.
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
    // 2,000 records a second for the table, 1,700 of them the loads', shared by 10: 170 each; 100,000 lines in 588 s.
    expect(ten.loadsLinesPerSecond).toBe(1_700);
    expect(ten.requestsWriteUnitsDuringLoads).toBeCloseTo(600, 9);
    expect(ten.concurrentLoadLinesPerSecond).toBe(170);
    expect(ten.concurrentLoadsMinutes).toBeCloseTo(100_000 / 170 / 60, 9);
    expect(ten.smallOneRunMinutes).toBeCloseTo(100_000 / 1_700 / 60, 9);
    expect(ten.twoTenantsLinesPerSecond).toBe(850);
    expect(ten.largeBesideAnotherMinutes).toBeCloseTo(1_000_000 / 850 / 60, 9);
    const one = writeFigures({ ...MODEL_DEFAULTS, concurrentLoads: 1 });
    expect(one.concurrentLoadLinesPerSecond).toBe(1_700);
    expect(writeFigures({ ...MODEL_DEFAULTS, concurrentLoads: 40 }).concurrentLoadLinesPerSecond).toBe(42.5);
    // A table warmed far up: each load meets its own 16 shards' 16 x 500 = 8,000 lines a second first.
    expect(writeFigures({ ...MODEL_DEFAULTS, warmWriteUnits: 400_000 }).concurrentLoadLinesPerSecond).toBe(8_000);
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
    expect(costs.withoutProcessing).toBeCloseTo(6.25, 9);
    // 11 write units at load and 11 at the write-back (the item and 4 lookup entries of 2 units, the processing entry's keys 1),
    // a consistent read before each start; 3 transitions at $0.025 per 1,000; an event;
    // 1.2 requests a start at $0.40 per million; 100,000 invocations of 0.1 GB-s.
    expect(costs.parts.dynamoDb).toBeCloseTo(13.75 + 0.125, 9);
    expect(costs.parts.stepFunctions).toBeCloseTo(75, 9);
    expect(costs.parts.eventBridge).toBeCloseTo(1, 9);
    expect(costs.parts.sqs).toBeCloseTo(0.48, 9);
    expect(costs.parts.lambda).toBeCloseTo(0.02 + 10_000 * 0.000_013_333_4, 9);
    expect(costs.withProcessing).toBeCloseTo(90.508_334, 6);
  });
});
