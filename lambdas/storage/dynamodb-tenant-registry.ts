import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { TENANT_PARTITION_KEY } from './table-design.ts';
import type { Tenant, TenantRegistry, TierName } from './tenant-registry.ts';

type Item = Record<string, unknown>;

const toTenant = (item: Item): Tenant => ({
  tenantId: item[TENANT_PARTITION_KEY] as string,
  tier: item.tier as TierName,
  maxActions: item.max_actions as number,
  usageIdentifierKey: item.usage_identifier_key as string,
  createdAt: item.created_at as string,
});

export class DynamoDbTenantRegistry implements TenantRegistry {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  async get(tenantId: string): Promise<Tenant | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [TENANT_PARTITION_KEY]: tenantId } }),
    );
    return Item ? toTenant(Item) : undefined;
  }

  async put(tenant: Tenant): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          [TENANT_PARTITION_KEY]: tenant.tenantId,
          tier: tenant.tier,
          max_actions: tenant.maxActions,
          usage_identifier_key: tenant.usageIdentifierKey,
          created_at: tenant.createdAt,
        },
      }),
    );
  }

  async remove(tenantId: string): Promise<boolean> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: { [TENANT_PARTITION_KEY]: tenantId }, ReturnValues: 'ALL_OLD' }),
    );
    return Attributes !== undefined;
  }

  /** An operator command; the registry holds one small item per tenant. */
  async list(): Promise<Tenant[]> {
    const tenants: Tenant[] = [];
    for await (const page of paginateScan({ client: this.client }, { TableName: this.tableName })) {
      tenants.push(...(page.Items ?? []).map(toTenant));
    }
    return tenants.sort((a, b) => a.tenantId.localeCompare(b.tenantId));
  }
}
