import { RETRY_POLICIES } from '../../retry-policies.ts';
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ServiceError, TenantLimitReached, tenantNotProvisioned } from '../../domain/errors.ts';
import { COUNTER_SHARDS, FROZEN, type Shard, roomIn, slicesFor } from '../../domain/record-limit.ts';
import { RetriesExhausted, retrying } from '../../retry.ts';
import { LeftUnprocessed, storageBusy } from '../../storage-busy.ts';
import { TENANT_PARTITION_KEY } from './table-design.ts';
import { cancellationReasons, concurrentWrites, transactWrite } from './transactions.ts';

/*
 * The tenant's record counter in the tenant registry's table: the one owner of its items, the
 * conditions that keep the limit and its refusals (the rules and why they hold: domain/record-limit.ts).
 * Items: `<tenant>#counter#<k>` for k < COUNTER_SHARDS, each with `shard_count` and `shard_slice`;
 * the limit itself is the registry item's `max_actions`. A counter of an older data directory
 * (`action_count` on the registry item) moves into shard 0 at the first rebalance.
 */
type Item = Record<string, unknown>;
const COUNT = 'shard_count';
const SLICE = 'shard_slice';
const LEGACY_COUNT = 'action_count';

const shardKey = (tenantId: string, shard: number) => ({ [TENANT_PARTITION_KEY]: `${tenantId}#counter#${shard}` });
/** Whether a registry item is a counter shard rather than a tenant (tenant ids hold no '#'). */
export const isCounterShard = (item: Item): boolean => String(item[TENANT_PARTITION_KEY]).includes('#');
const shardTenant = (item: Item): string => String(item[TENANT_PARTITION_KEY]).split('#')[0] as string;

/**
 * Each tenant's live records, from every item of the registry read whole (the tenants' items and their
 * counters' shards): its shards summed, or, for a tenant whose counter has no shard yet, the count its
 * item held before the counter was spread.
 */
export function recordCountsOf(items: Item[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items.filter(isCounterShard))
    counts.set(shardTenant(item), (counts.get(shardTenant(item)) ?? 0) + Number(item[COUNT] ?? 0));
  for (const item of items.filter((candidate) => !isCounterShard(candidate))) {
    const tenantId = String(item[TENANT_PARTITION_KEY]);
    if (!counts.has(tenantId)) counts.set(tenantId, Number(item[LEGACY_COUNT] ?? 0));
  }
  return counts;
}

/** A create's place: one more in `shard`, only while it stays within its slice. */
export const counterTakeOne = (tenantsTableName: string, tenantId: string, shard: number) => ({
  Update: {
    TableName: tenantsTableName,
    Key: shardKey(tenantId, shard),
    UpdateExpression: `SET ${COUNT} = ${COUNT} + :one`,
    ConditionExpression: `${COUNT} < ${SLICE}`,
    ExpressionAttributeValues: { ':one': 1 },
  },
});

/** A delete's place given back, to its record's shard. */
export const counterGiveBackOne = (tenantsTableName: string, tenantId: string, shard: number) => ({
  Update: {
    TableName: tenantsTableName,
    Key: shardKey(tenantId, shard),
    UpdateExpression: `SET ${COUNT} = ${COUNT} - :one`,
    ConditionExpression: `attribute_exists(${SLICE})`,
    ExpressionAttributeValues: { ':one': 1 },
  },
});

/** A batch's reservation of `count` places in `shard`, on condition that its slice is the one read and the count leaves room. */
export const counterReservation = (tenantsTableName: string, tenantId: string, shard: number, count: number, slice: number) => ({
  Update: {
    TableName: tenantsTableName,
    Key: shardKey(tenantId, shard),
    UpdateExpression: `SET ${COUNT} = ${COUNT} + :count`,
    ConditionExpression: `${SLICE} = :slice AND ${COUNT} <= :ceiling`,
    ExpressionAttributeValues: { ':count': count, ':slice': slice, ':ceiling': slice - count },
  },
});

/** Places a batch reserved and did not use, given back (to any shard: only the sum counts). */
export const counterRelease = (tenantsTableName: string, tenantId: string, shard: number, released: number) => ({
  Update: {
    TableName: tenantsTableName,
    Key: shardKey(tenantId, shard),
    UpdateExpression: `ADD ${COUNT} :released`,
    ExpressionAttributeValues: { ':released': -released },
  },
});

/** The counter as read: the registry item (the limit; undefined if the tenant is not provisioned) and every shard. */
export interface CounterState {
  tenant: Item | undefined;
  shards: (Shard & { exists: boolean })[];
  /** The count of an older data directory, not yet moved into the shards. */
  legacy: number;
}

const provisioned = (tenant: Item | undefined): tenant is Item => Boolean(tenant?.usage_identifier_key);
export const recordCount = (state: CounterState): number => state.legacy + state.shards.reduce((sum, shard) => sum + shard.count, 0);
const roomOf = (state: CounterState): number => state.shards.reduce((sum, shard) => sum + roomIn(shard), 0);

/**
 * Reads the registry item and every shard, strongly consistent, in one BatchGetItem. Keys DynamoDB
 * leaves unprocessed are keys it throttled: the read throws LeftUnprocessed (throttling, as
 * storage-busy.ts reads it) rather than ask again at once, and its caller waits that out by its own
 * schedule and reads the counter again.
 */
export async function readCounter(client: DynamoDBDocumentClient, tenantsTableName: string, tenantId: string): Promise<CounterState> {
  const keys: Item[] = [
    { [TENANT_PARTITION_KEY]: tenantId },
    ...Array.from({ length: COUNTER_SHARDS }, (_, shard) => shardKey(tenantId, shard)),
  ];
  const { Responses, UnprocessedKeys } = await client.send(
    new BatchGetCommand({ RequestItems: { [tenantsTableName]: { Keys: keys, ConsistentRead: true } } }),
  );
  const left = UnprocessedKeys?.[tenantsTableName]?.Keys?.length ?? 0;
  if (left > 0) throw new LeftUnprocessed("keys of the tenant's counter", left);
  const items = new Map<string, Item>();
  for (const item of Responses?.[tenantsTableName] ?? []) items.set(String(item[TENANT_PARTITION_KEY]), item);
  const shards = Array.from({ length: COUNTER_SHARDS }, (_, shard) => {
    const item = items.get(String(shardKey(tenantId, shard)[TENANT_PARTITION_KEY]));
    return item ? { count: Number(item[COUNT]), slice: Number(item[SLICE]), exists: true } : { count: 0, slice: FROZEN, exists: false };
  });
  const tenant = items.get(tenantId);
  const legacy = shards.some((shard) => shard.exists) ? 0 : Number(tenant?.[LEGACY_COUNT] ?? 0);
  return { tenant, shards, legacy };
}

/**
 * Rewrites every slice for `limit` (domain/record-limit.ts, rule 3) in one transaction, on condition that
 * no shard changed since `state` was read, with `extra` items (the registry item's own change) in it.
 * False when something changed meanwhile (a condition failed: the race is lost, the caller reads again).
 * A transaction DynamoDB refused for load (an item throttled, or held by another transaction) is no
 * lost race: its error is thrown, for the caller to wait out as it waits out any busy storage.
 */
export async function rebalance(
  client: DynamoDBDocumentClient,
  tenantsTableName: string,
  tenantId: string,
  state: CounterState,
  limit: number,
  extra: object[] = [],
): Promise<boolean> {
  const counts = state.shards.map((shard, index) => shard.count + (index === 0 ? state.legacy : 0));
  const slices = slicesFor(counts, limit);
  // Updates only (a shard not there yet is made by its update, on condition that it still is not):
  // the functions' roles hold UpdateItem on the registry, not PutItem.
  const items = state.shards.map((shard, index) => ({
    Update: {
      TableName: tenantsTableName,
      Key: shardKey(tenantId, index),
      UpdateExpression: shard.exists ? `SET ${SLICE} = :slice` : `SET ${SLICE} = :slice, ${COUNT} = :count`,
      ConditionExpression: shard.exists ? `${COUNT} = :count AND ${SLICE} = :read` : `attribute_not_exists(${TENANT_PARTITION_KEY})`,
      ExpressionAttributeValues: shard.exists
        ? { ':slice': slices[index], ':count': shard.count, ':read': shard.slice }
        : { ':slice': slices[index], ':count': counts[index] },
    },
  }));
  try {
    await transactWrite(client, { TransactItems: [...items, ...extra] as never });
    return true;
  } catch (error) {
    if (cancellationReasons(error)?.some((reason) => reason.Code === 'ConditionalCheckFailed')) return false;
    throw error;
  }
}

/**
 * How often a create that met a full shard reads the counter again (a rebalance lost its race to other
 * writes, or DynamoDB was busy), with jittered waits that spread the creates racing it, within the
 * time an API function has.
 */

/**
 * After a shard refused a create: a shard with room for it, read from every shard (rebalanced first
 * when they are frozen); or, the records filling the limit, the refusal (or the tenant is not provisioned).
 * Past its schedule: storage that stayed busy throws its own error (a 429 of throttled storage), a
 * counter that kept moving the answer of too many concurrent writes.
 */
export async function shardWithRoom(client: DynamoDBDocumentClient, tenantsTableName: string, tenantId: string): Promise<number> {
  const attempt = async (): Promise<number> => {
    const state = await readCounter(client, tenantsTableName, tenantId);
    const found = roomyShard(tenantId, state);
    if (found !== undefined) return found;
    if (!(await rebalance(client, tenantsTableName, tenantId, state, Number(state.tenant?.max_actions)))) throw new CounterMoved();
    const again = roomyShard(tenantId, await readCounter(client, tenantsTableName, tenantId));
    if (again === undefined) throw new CounterMoved(); // creates took the room the rebalance made
    return again;
  };
  try {
    return await retrying(RETRY_POLICIES.shardWithRoom, attempt, (error) => error instanceof CounterMoved || storageBusy(error));
  } catch (error) {
    if (!(error instanceof RetriesExhausted)) throw error;
    throw storageBusy(error.last) ? error.last : concurrentWrites(tenantId, error.last);
  }
}

/** A shard of the counter as read with room for one more, any of them; undefined when none has; the refusal when the counter calls for one. */
function roomyShard(tenantId: string, state: CounterState): number | undefined {
  const refusal = counterRefusal(tenantId, state);
  if (refusal) throw refusal;
  const withRoom = state.shards.map((shard, index) => ({ index, room: roomIn(shard) })).filter((shard) => shard.room > 0);
  // A random one, so that creates that all met a full shard do not all meet on the next.
  return withRoom.length > 0 ? (withRoom[Math.floor(Math.random() * withRoom.length)] as { index: number }).index : undefined;
}

/** The refusal the counter, as read, calls for: the tenant is not provisioned, or its records fill its limit. */
function counterRefusal(tenantId: string, state: CounterState): ServiceError | undefined {
  if (!provisioned(state.tenant)) return tenantNotProvisioned(tenantId);
  const limit = Number(state.tenant.max_actions);
  return recordCount(state) >= limit ? new TenantLimitReached(tenantId, limit) : undefined;
}

/** The slices changed between a read and a write (a rebalance lost its race): read again, after a wait. */
export class CounterMoved extends Error {}

/**
 * What a bulk load batch may reserve of `wanted` places, read and, when the room the tenant has is
 * spread too thin over the shards, rebalanced first: the places granted, taken from the shards with
 * the most room, and why not all of them.
 */
export async function reservationOf(
  client: DynamoDBDocumentClient,
  tenantsTableName: string,
  tenantId: string,
  wanted: number,
): Promise<{ granted: number; refusal?: string; shards: { shard: number; count: number; slice: number }[] }> {
  let state = await readCounter(client, tenantsTableName, tenantId);
  if (!provisioned(state.tenant)) return { granted: 0, refusal: tenantNotProvisioned(tenantId).message, shards: [] };
  const limit = Number(state.tenant.max_actions);
  const possible = Math.min(wanted, Math.max(0, limit - recordCount(state)));
  if (roomOf(state) < possible) {
    if (!(await rebalance(client, tenantsTableName, tenantId, state, limit))) throw new CounterMoved();
    state = await readCounter(client, tenantsTableName, tenantId);
  }
  const granted = Math.min(wanted, roomOf(state));
  const shards: { shard: number; count: number; slice: number }[] = [];
  let left = granted;
  const byRoom = state.shards.map((shard, index) => ({ index, shard })).sort((a, b) => roomIn(b.shard) - roomIn(a.shard));
  for (const { index, shard } of byRoom) {
    if (left === 0) break;
    const count = Math.min(left, roomIn(shard));
    if (count > 0) shards.push({ shard: index, count, slice: shard.slice });
    left -= count;
  }
  return granted < wanted ? { granted, refusal: new TenantLimitReached(tenantId, limit).message, shards } : { granted, shards };
}
