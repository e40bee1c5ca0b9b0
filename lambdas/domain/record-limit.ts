import { spreadOf } from './spread.ts';

/**
 * The tenant's record limit, kept by a counter in shards so that creates of one tenant do not all
 * meet on one item (a transaction on one item takes far fewer writes a second than its partition:
 * docs/capacity.md). Each shard has a count and a slice of the limit; a create (or a bulk load batch's
 * reservation) takes room from one shard only while its count stays within its slice; a delete gives
 * one back to a shard; a rebalance rewrites every slice at once.
 *
 * Why the limit L can never be passed:
 * 1. A create adds one to shard k's count only if count_k < slice_k, in the same transaction as the
 *    record, checked atomically by DynamoDB (a batch adds n only if count_k + n <= slice_k).
 * 2. A delete takes one from a shard's count, in the same transaction as the record.
 * 3. A rebalance writes every slice in one transaction, on condition that no shard's count or slice
 *    changed since it read them: slice_k = count_k + share_k with the shares summing to L - Σcount
 *    when that is not negative, so count_k <= slice_k for every k and Σslice = L; when Σcount > L
 *    (the limit was lowered below the tenant's records), every slice is FROZEN and no create passes 1.
 * From 1-3, count_k <= slice_k holds for every shard after every step (creates keep it, deletes keep
 * it, rebalances make it), so Σcount <= Σslice = L whenever a create can succeed. The counts may drift
 * between shards (a delete gives back to its record's shard, a create took from whichever shard it
 * met), which changes no sum.
 * And never refused early: a create is refused for the limit only after it read every shard and found
 * Σcount >= L (test/unit/record-limit.test.ts checks both by property over interleavings).
 */
export const COUNTER_SHARDS = 32;
/** A slice no count is below: the shard takes no create until a rebalance. */
export const FROZEN = -1_000_000_000;

export interface Shard {
  count: number;
  slice: number;
}

/** The shard a record's create and delete go to first: its id hashed, so they spread evenly. */
export const shardOf = (id: string): number => spreadOf(id, COUNTER_SHARDS);

/** The slices a rebalance writes for these counts and limit (rule 3 above). */
export function slicesFor(counts: number[], limit: number): number[] {
  const free = limit - counts.reduce((sum, count) => sum + count, 0);
  if (free < 0) return counts.map(() => FROZEN);
  const base = Math.floor(free / counts.length);
  return counts.map((count, index) => count + base + (index < free % counts.length ? 1 : 0));
}

/** Room a shard has now (none while frozen). */
export const roomIn = (shard: Shard): number => Math.max(0, shard.slice - shard.count);
