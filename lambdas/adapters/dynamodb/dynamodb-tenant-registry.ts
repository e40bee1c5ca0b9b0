import { RETRY_POLICIES } from '../../retry-policies.ts';
import { type DynamoDBDocumentClient, GetCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { TooManyRequests } from '../../domain/errors.ts';
import type { RemovedTenant, Tenant, TierName } from '../../domain/tenant.ts';
import type { Registration, TenantRegistry } from '../../ports/tenant-registry.ts';
import type { RetrySchedule } from '../../retry.ts';
import { busyEventsOf, storageBusy } from '../../storage-busy.ts';
import { TENANT_PARTITION_KEY } from './table-design.ts';
import { type CounterState, CounterMoved, isCounterShard, readCounter, rebalance, recordCount, recordCountsOf } from './tenant-counter.ts';
import { whileBusy } from './while-busy.ts';

type Item = Record<string, unknown>;

/**
 * One item per tenant (its tier, limit, usage key), beside its record counter's shards (owned by
 * tenant-counter.ts), which creates and deletes change in the same transaction as the record. Removing
 * a tenant marks its item `removed_at` and takes its usage key away rather than deleting it, and freezes
 * its counter: the authorizer and the writes refuse it, and its tier, limit and count survive for a later add.
 */
const toTenant = (item: Item): Tenant => ({
  tenantId: item[TENANT_PARTITION_KEY] as string,
  tier: item.tier as TierName,
  maxActions: Number(item.max_actions),
  usageIdentifierKey: item.usage_identifier_key as string,
  createdAt: item.created_at as string,
  ...(typeof item.api_key_id === 'string' && { apiKeyId: item.api_key_id }),
});

const toRemovedTenant = (item: Item): RemovedTenant => ({
  tenantId: item[TENANT_PARTITION_KEY] as string,
  tier: item.tier as TierName,
  maxActions: Number(item.max_actions),
  createdAt: item.created_at as string,
  removedAt: item.removed_at as string,
});

const isProvisioned = (item: Item | undefined): item is Item => item !== undefined && item.removed_at === undefined;

/**
 * The answer when the tenants table stayed busy past the registry's schedule: throttled, or the tenant's
 * counter kept changing under creates and deletes (each lost race read again). Nothing was written.
 */
const tenantsTableBusy = (tenantId: string | undefined, cause: unknown): TooManyRequests =>
  new TooManyRequests(
    busyEventsOf(cause).includes('throttled')
      ? 'The tenants table is busy (throttled); try again shortly'
      : `The tenants table is busy (the record counter of tenant '${tenantId}' kept changing under its writes); try again shortly`,
    1,
    { cause },
  );

export class DynamoDbTenantRegistry implements TenantRegistry {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly schedule: RetrySchedule;

  /** `schedule`: how long an operator's read or change waits out a busy tenants table (RETRY_POLICIES.registry). */
  constructor(client: DynamoDBDocumentClient, tableName: string, schedule: RetrySchedule = RETRY_POLICIES.registry) {
    this.client = client;
    this.tableName = tableName;
    this.schedule = schedule;
  }

  /** The tenant without its record count (the authorizer asks on every request: one item, not the counter's shards). */
  async get(tenantId: string): Promise<Tenant | undefined> {
    const Item = await this.item(tenantId, false);
    return isProvisioned(Item) ? toTenant(Item) : undefined;
  }

  /** An operator command's read (consistent: an add right after a remove sees it): the tenant, or what its removal kept. */
  async registration(tenantId: string): Promise<Registration | undefined> {
    const Item = await this.whileBusy(tenantId, () => this.item(tenantId, true));
    if (!Item) return undefined;
    return isProvisioned(Item) ? { status: 'provisioned', tenant: toTenant(Item) } : { status: 'removed', tenant: toRemovedTenant(Item) };
  }

  async recordCount(tenantId: string): Promise<number> {
    return recordCount(await this.whileBusy(tenantId, () => readCounter(this.client, this.tableName, tenantId)));
  }

  /** Adds or updates the tenant and gives its counter the (new) limit, in one transaction. */
  async put(tenant: Omit<Tenant, 'actionCount'>): Promise<void> {
    await this.withCounter(tenant.tenantId, tenant.maxActions, () => ({
      Update: {
        TableName: this.tableName,
        Key: { [TENANT_PARTITION_KEY]: tenant.tenantId },
        UpdateExpression:
          'SET tier = :tier, max_actions = :maxActions, usage_identifier_key = :key, created_at = if_not_exists(created_at, :createdAt)' +
          (tenant.apiKeyId ? ', api_key_id = :apiKeyId REMOVE removed_at' : ' REMOVE removed_at, api_key_id'),
        ExpressionAttributeValues: {
          ':tier': tenant.tier,
          ':maxActions': tenant.maxActions,
          ':key': tenant.usageIdentifierKey,
          ':createdAt': tenant.createdAt,
          ...(tenant.apiKeyId && { ':apiKeyId': tenant.apiKeyId }),
        },
      },
    }));
  }

  /** Marks the tenant removed and freezes its counter (no create passes), in one transaction; false if it was not provisioned. */
  async remove(tenantId: string): Promise<boolean> {
    return this.withCounter(tenantId, -1, (state) =>
      state.tenant?.usage_identifier_key
        ? {
            Update: {
              TableName: this.tableName,
              Key: { [TENANT_PARTITION_KEY]: tenantId },
              UpdateExpression: 'SET removed_at = :now REMOVE usage_identifier_key, api_key_id',
              ConditionExpression: 'attribute_exists(usage_identifier_key)',
              ExpressionAttributeValues: { ':now': new Date().toISOString() },
            },
          }
        : undefined,
    );
  }

  /** An operator command; the registry holds one small item per tenant, and its counter's shards (summed here). */
  async list(): Promise<Tenant[]> {
    // Read again from the start while the table is busy: a registry is small.
    return this.whileBusy(undefined, () => this.scan());
  }

  /**
   * The sweep's list of tenants: one eventually consistent Scan of the registry, its items' ids alone (a
   * tenant added a moment ago has no record stuck yet). It reads the counters' shards too (charged by
   * what it reads: about 7 KB a tenant, under 1,000 read units a run for 1,000 tenants), and leaves them out.
   */
  async everAdded(): Promise<string[]> {
    return this.whileBusy(undefined, async () => {
      const ids: string[] = [];
      const pages = paginateScan(
        { client: this.client },
        { TableName: this.tableName, ProjectionExpression: '#id', ExpressionAttributeNames: { '#id': TENANT_PARTITION_KEY } },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) if (!isCounterShard(item)) ids.push(String(item[TENANT_PARTITION_KEY]));
      }
      return ids.sort();
    });
  }

  private async scan(): Promise<Tenant[]> {
    const items: Item[] = [];
    for await (const page of paginateScan({ client: this.client }, { TableName: this.tableName, ConsistentRead: true })) {
      items.push(...(page.Items ?? []));
    }
    const counts = recordCountsOf(items);
    return items
      .filter((item) => !isCounterShard(item) && isProvisioned(item))
      .map((item) => ({ ...toTenant(item), actionCount: counts.get(String(item[TENANT_PARTITION_KEY])) ?? 0 }))
      .sort((a, b) => a.tenantId.localeCompare(b.tenantId));
  }

  private async item(tenantId: string, consistent: boolean): Promise<Item | undefined> {
    const key = { [TENANT_PARTITION_KEY]: tenantId };
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ...(consistent && { ConsistentRead: true }) }),
    );
    return Item;
  }

  /**
   * Reads the counter and writes the registry item's change with the slices for `limit`, in one
   * transaction; while a write raced it (a lost race: read again) or DynamoDB was busy (throttled, or a
   * shard held by another transaction), again after a wait, by the registry's schedule.
   */
  private async withCounter(tenantId: string, limit: number, change: (state: CounterState) => object | undefined): Promise<boolean> {
    return this.whileBusy(tenantId, async () => {
      const state = await readCounter(this.client, this.tableName, tenantId);
      const item = change(state);
      if (!item) return false;
      if (!(await rebalance(this.client, this.tableName, tenantId, state, limit, [item]))) throw new CounterMoved();
      return true;
    });
  }

  /** Runs `work` again while the tenants table is busy or the counter moved under it, by the schedule; past it, the answer is busy. */
  private async whileBusy<T>(tenantId: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await whileBusy(this.schedule, work, (error) => error instanceof CounterMoved);
    } catch (error) {
      if (storageBusy(error) || error instanceof CounterMoved) throw tenantsTableBusy(tenantId, error);
      throw error;
    }
  }
}
