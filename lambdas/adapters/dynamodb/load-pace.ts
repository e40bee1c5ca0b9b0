import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BULK_PACE_TENANTS_KEY, PARTITION_KEY, TTL_ATTRIBUTE, bulkPaceKey } from './table-design.ts';

/**
 * The pace of bulk loads, shared by every chunk function (and the local runner's batches), so that
 * loads leave the API's requests their room and tenants' loads share what loads may take:
 *
 * - Loads together write at most `writeUnitsPerSecond` (the stack gives 85% of the records table's
 *   warm write throughput), so a load never drives the table (or an index) into throttling and the
 *   other tenants' creates, patches and deletes find the rest.
 * - Each tenant loading gets an equal share of it: the tenants loading now are those that asked for
 *   pace in the last ACTIVE_WITHIN_MS (one item, a map of tenant to the last time it asked).
 *   A tenant's many loads draw on one tenant's share: its pace is one item (keys: table-design.ts).
 *
 * A tenant's pace is a virtual clock (GCRA): the item holds the time at which its share is next
 * free; each write of `units` moves it on by units / share and waits until its own slot begins. Both
 * moves are single conditional updates (no read first), so the chunk functions never race on it.
 */
export class DynamoDbLoadPace {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly writeUnitsPerSecond: number;
  private readonly clock: Clock;
  private active: { tenants: number; until: number } | undefined;
  /** Where this environment last left each tenant's clock: behind now, its writes go slower than their pace. */
  private readonly clockSeen = new Map<string, number>();

  constructor(client: DynamoDBDocumentClient, tableName: string, writeUnitsPerSecond: number, clock: Clock = REAL_TIME) {
    this.client = client;
    this.tableName = tableName;
    this.writeUnitsPerSecond = writeUnitsPerSecond;
    this.clock = clock;
  }

  private now(): number {
    return this.clock.now();
  }

  /** Waits until `tenantId`'s loads may write `units` more write units (a BatchWriteItem's worth). */
  async acquire(tenantId: string, units: number): Promise<void> {
    const share = this.writeUnitsPerSecond / (await this.tenantsLoading(tenantId));
    const cost = Math.ceil((units / share) * 1000);
    const slot = await this.reserve(tenantId, cost);
    const wait = slot - this.now();
    if (wait > 0) await this.clock.sleep(wait);
  }

  /**
   * Moves the tenant's clock on by `cost` ms: from where it stands when it is ahead of now, else from
   * now. Answers the slot's start. At most three updates, one in either steady state: a tenant's writes
   * keep to the pace (the clock stays ahead of now, as in AWS at full speed) or go slower than it (it
   * falls behind, as on a laptop at AWS's numbers), and the update for where the clock was last seen
   * goes first. Writes racing on a clock behind now cannot go round: those that lost the start from
   * now to another write take the slots after it.
   */
  private async reserve(tenantId: string, cost: number): Promise<number> {
    const Key = { [PARTITION_KEY]: bulkPaceKey(tenantId) };
    const now = this.now();
    const moveOn = async (from: 'ahead of now' | 'anywhere'): Promise<number | undefined> => {
      try {
        const { Attributes } = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key,
            UpdateExpression: 'SET next_free = next_free + :cost',
            ConditionExpression: from === 'ahead of now' ? 'next_free >= :now' : 'attribute_exists(next_free)',
            ExpressionAttributeValues: { ':cost': cost, ...(from === 'ahead of now' && { ':now': now }) },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        this.clockSeen.set(tenantId, Number(Attributes?.next_free));
        return Number(Attributes?.next_free) - cost;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        return undefined;
      }
    };
    if ((this.clockSeen.get(tenantId) ?? now) >= now) {
      const slot = await moveOn('ahead of now');
      if (slot !== undefined) return slot;
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key,
          UpdateExpression: `SET next_free = :next, ${TTL_ATTRIBUTE} = :expires`,
          ConditionExpression: 'attribute_not_exists(next_free) OR next_free < :now',
          ExpressionAttributeValues: { ':next': now + cost, ':now': now, ':expires': Math.floor(now / 1000) + PACE_KEPT_SECONDS },
        }),
      );
      this.clockSeen.set(tenantId, now + cost);
      return now;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // Another write moved the clock ahead of now meanwhile: take the slot after it, which may have begun already.
    return (await moveOn('anywhere')) ?? now;
  }

  /** How many tenants are loading now, this one included; said again (and read) at most every REFRESH_MS. */
  private async tenantsLoading(tenantId: string): Promise<number> {
    const now = this.now();
    if (this.active && this.active.until > now) return this.active.tenants;
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [PARTITION_KEY]: BULK_PACE_TENANTS_KEY },
        UpdateExpression: 'SET tenants = if_not_exists(tenants, :empty)',
        ExpressionAttributeValues: { ':empty': {} },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const seen = { ...((Attributes?.tenants ?? {}) as Record<string, number>) };
    const stale = Object.keys(seen).filter((tenant) => now - Number(seen[tenant]) > FORGET_AFTER_MS && tenant !== tenantId);
    // The tenant's own time, and the removal of tenants long gone, in one update (names as attribute names: any tenant id).
    const names = Object.fromEntries([tenantId, ...stale].map((tenant, index) => [`#t${index}`, tenant]));
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [PARTITION_KEY]: BULK_PACE_TENANTS_KEY },
        UpdateExpression: `SET tenants.#t0 = :now${stale.length > 0 ? ` REMOVE ${stale.map((_, index) => `tenants.#t${index + 1}`).join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':now': now },
      }),
    );
    seen[tenantId] = now;
    const tenants = Object.values(seen).filter((time) => now - Number(time) <= ACTIVE_WITHIN_MS).length;
    this.active = { tenants, until: now + REFRESH_MS };
    return tenants;
  }
}

/** Time as the pace reads it and waits it out (tests hand it another). */
interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}
const REAL_TIME: Clock = { now: Date.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/** A tenant counts as loading while it asked for pace within this long. */
const ACTIVE_WITHIN_MS = 15_000;
/** How often a chunk's environment says its tenant is loading, and reads who else is. */
const REFRESH_MS = 5_000;
/** Tenants that have not loaded for this long leave the map of who is loading. */
const FORGET_AFTER_MS = 60 * 60 * 1000;
/** A tenant's pace item is kept this long after its last write (TTL). */
const PACE_KEPT_SECONDS = 24 * 60 * 60;
