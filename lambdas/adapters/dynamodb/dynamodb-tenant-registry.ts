import { type DynamoDBDocumentClient, GetCommand, UpdateCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { TENANT_PARTITION_KEY } from './table-design.ts';
import { counterLimit, counterOf } from './tenant-counter.ts';
import type { Tenant, TierName } from '../../domain/tenant.ts';
import type { TenantRegistry } from '../../ports/tenant-registry.ts';

type Item = Record<string, unknown>;

/**
 * Tenant items also hold the tenant's record counter (its limit and live count, owned by
 * tenant-counter.ts), which creates and deletes change in the same transaction as the record. Removing
 * a tenant marks its item `removed_at` rather than deleting it, so the count survives a remove and a later add.
 */
const toTenant = (item: Item): Tenant => ({
  tenantId: item[TENANT_PARTITION_KEY] as string,
  tier: item.tier as TierName,
  ...counterOf(item),
  usageIdentifierKey: item.usage_identifier_key as string,
  createdAt: item.created_at as string,
  ...(typeof item.api_key_id === 'string' && { apiKeyId: item.api_key_id }),
});

const isProvisioned = (item: Item | undefined): item is Item => item !== undefined && item.removed_at === undefined;

export class DynamoDbTenantRegistry implements TenantRegistry {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  async get(tenantId: string): Promise<Tenant | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { [TENANT_PARTITION_KEY]: tenantId } }));
    return isProvisioned(Item) ? toTenant(Item) : undefined;
  }

  async put(tenant: Omit<Tenant, 'actionCount'>): Promise<void> {
    const limit = counterLimit(tenant.maxActions);
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [TENANT_PARTITION_KEY]: tenant.tenantId },
        UpdateExpression:
          `SET tier = :tier, ${limit.clause}, usage_identifier_key = :key, created_at = if_not_exists(created_at, :createdAt)` +
          (tenant.apiKeyId ? ', api_key_id = :apiKeyId REMOVE removed_at' : ' REMOVE removed_at, api_key_id'),
        ExpressionAttributeValues: {
          ':tier': tenant.tier,
          ...limit.values,
          ':key': tenant.usageIdentifierKey,
          ':createdAt': tenant.createdAt,
          ...(tenant.apiKeyId && { ':apiKeyId': tenant.apiKeyId }),
        },
      }),
    );
  }

  async remove(tenantId: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [TENANT_PARTITION_KEY]: tenantId },
          UpdateExpression: 'SET removed_at = :now REMOVE usage_identifier_key, api_key_id',
          ConditionExpression: 'attribute_exists(usage_identifier_key)',
          ExpressionAttributeValues: { ':now': new Date().toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /** An operator command; the registry holds one small item per tenant. */
  async list(): Promise<Tenant[]> {
    const tenants: Tenant[] = [];
    for await (const page of paginateScan({ client: this.client }, { TableName: this.tableName })) {
      tenants.push(...(page.Items ?? []).filter(isProvisioned).map(toTenant));
    }
    return tenants.sort((a, b) => a.tenantId.localeCompare(b.tenantId));
  }
}
