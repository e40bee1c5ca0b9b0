import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COUNTER_SHARDS, FROZEN, type Shard, roomIn, shardOf, slicesFor } from '../../lambdas/domain/record-limit.ts';

/**
 * The sharded counter's rules (domain/record-limit.ts) as DynamoDB applies them: each step is one of
 * its atomic writes, and steps of concurrent requests interleave in any order. A rebalance reads the
 * shards in one step and writes in a later one, on condition that nothing changed between.
 */
type Step =
  | { kind: 'create'; shard: number }
  | { kind: 'delete'; shard: number }
  | { kind: 'readForRebalance' }
  | { kind: 'writeRebalance' }
  | { kind: 'setLimit'; limit: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('create' as const), shard: fc.nat(COUNTER_SHARDS - 1) }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), shard: fc.nat(COUNTER_SHARDS - 1) }), weight: 3 },
  { arbitrary: fc.constant({ kind: 'readForRebalance' as const }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'writeRebalance' as const }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('setLimit' as const), limit: fc.nat(40) }), weight: 1 },
);

describe("the tenant's record limit, kept by a counter in shards", () => {
  it('is never passed by any interleaving of creates, deletes, rebalances and limit changes, and refuses only when full', () => {
    fc.assert(
      fc.property(fc.nat(30), fc.array(step, { maxLength: 400 }), (initialLimit, steps) => {
        let limit = initialLimit;
        let shards: Shard[] = slicesFor(new Array(COUNTER_SHARDS).fill(0), limit).map((slice) => ({ count: 0, slice }));
        let live = 0;
        let read: Shard[] | undefined;
        for (const current of steps) {
          if (current.kind === 'create') {
            const shard = shards[current.shard] as Shard;
            if (shard.count < shard.slice) {
              // Rule 1: a create passes only within its shard's slice, and then the limit holds.
              shard.count++;
              live++;
              expect(live).toBeLessThanOrEqual(limit);
            } else if (shards.every((candidate) => roomIn(candidate) === 0)) {
              // A create every shard refuses reads the counter whole: refused for the limit only when it is full.
              const total = shards.reduce((sum, candidate) => sum + candidate.count, 0);
              if (total < limit) read = shards.map((candidate) => ({ ...candidate }));
              else expect(live).toBeGreaterThanOrEqual(limit);
            }
          } else if (current.kind === 'delete' && live > 0) {
            (shards[current.shard] as Shard).count--;
            live--;
          } else if (current.kind === 'readForRebalance') {
            read = shards.map((shard) => ({ ...shard }));
          } else if (current.kind === 'writeRebalance' && read) {
            // Rule 3: written only if no shard changed since it was read.
            const unchanged = read.every((shard, index) => shard.count === shards[index]?.count && shard.slice === shards[index]?.slice);
            if (unchanged) {
              const slices = slicesFor(
                read.map((shard) => shard.count),
                limit,
              );
              shards = shards.map((shard, index) => ({ ...shard, slice: slices[index] as number }));
            }
            read = undefined;
          } else if (current.kind === 'setLimit') {
            // A limit change is a rebalance for the new limit, in one transaction with the registry item.
            limit = current.limit;
            const slices = slicesFor(
              shards.map((shard) => shard.count),
              limit,
            );
            shards = shards.map((shard, index) => ({ ...shard, slice: slices[index] as number }));
          }
          // The invariant the proof rests on: no shard above its slice (unless frozen), and the counts sum to the records.
          expect(shards.every((shard) => shard.slice === FROZEN || shard.count <= shard.slice)).toBe(true);
          expect(shards.reduce((sum, shard) => sum + shard.count, 0)).toBe(live);
          if (shards.every((shard) => shard.slice !== FROZEN)) {
            expect(shards.reduce((sum, shard) => sum + shard.slice, 0)).toBe(limit);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives every room to the shards evenly, freezes them all below the records, and spreads ids evenly over the shards', () => {
    expect(slicesFor([0, 0, 0, 0], 10)).toEqual([3, 3, 2, 2]);
    expect(slicesFor([5, 0, 1, 0], 10)).toEqual([6, 1, 2, 1]);
    expect(slicesFor([5, 5, 0, 0], 8)).toEqual([FROZEN, FROZEN, FROZEN, FROZEN]);
    const hits = new Array(COUNTER_SHARDS).fill(0);
    for (let index = 0; index < 16_000; index++) hits[shardOf(`019ad0f2-${index.toString(16).padStart(4, '0')}-7abc-8def-0123456789ab`)]++;
    const even = 16_000 / COUNTER_SHARDS;
    expect(Math.min(...hits)).toBeGreaterThan(0.8 * even);
    expect(Math.max(...hits)).toBeLessThan(1.2 * even);
  });
});
