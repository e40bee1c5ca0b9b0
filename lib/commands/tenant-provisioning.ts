import { randomBytes } from 'node:crypto';
import {
  type APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanKeyCommand,
  NotFoundException,
} from '@aws-sdk/client-api-gateway';
import type { Tenant, TenantRegistry, TierName } from '../../lambdas/storage/tenant-registry.ts';

const DEFAULT_MAX_ACTIONS = 1_000_000;

export interface UsageKey {
  value: string;
  id?: string;
}

/** Where a tenant's usage identifier key comes from: a random string locally, an API Gateway API key in AWS. */
export interface UsageKeys {
  /** The key for `tier`: a new one, or the tenant's existing one (moved to `tier`'s usage plan if it changed). */
  issue(tenantId: string, tier: TierName, existing: Tenant | undefined): Promise<UsageKey>;
  revoke(tenant: Tenant): Promise<void>;
}

/** Locally the gateway meters by the key itself; nothing else needs to exist. */
export const localUsageKeys: UsageKeys = {
  issue: async (_tenantId, _tier, existing) => ({ value: existing?.usageIdentifierKey ?? randomBytes(20).toString('base64url') }),
  revoke: async () => undefined,
};

/**
 * In AWS each tenant has an API Gateway API key, associated with its tier's usage plan. The authorizer
 * returns the key's value as the usage identifier key (apiKeySourceType AUTHORIZER).
 */
export class ApiGatewayUsageKeys implements UsageKeys {
  private readonly client: APIGatewayClient;
  private readonly usagePlanIds: Record<TierName, string>;

  constructor(client: APIGatewayClient, usagePlanIds: Record<TierName, string>) {
    this.client = client;
    this.usagePlanIds = usagePlanIds;
  }

  async issue(tenantId: string, tier: TierName, existing: Tenant | undefined): Promise<UsageKey> {
    if (existing?.apiKeyId) {
      if (existing.tier !== tier) {
        await this.client
          .send(new DeleteUsagePlanKeyCommand({ usagePlanId: this.usagePlanIds[existing.tier], keyId: existing.apiKeyId }))
          .catch((error: unknown) => {
            if (!(error instanceof NotFoundException)) throw error;
          });
        await this.associate(existing.apiKeyId, tier);
      }
      return { value: existing.usageIdentifierKey, id: existing.apiKeyId };
    }
    const key = await this.client.send(
      new CreateApiKeyCommand({
        name: `billing-run-actions-${tenantId}`,
        description: `Usage identifier of tenant ${tenantId}`,
        enabled: true,
        tags: { tenant: tenantId },
      }),
    );
    if (!key.id || !key.value) throw new Error(`API Gateway created no usable API key for tenant ${tenantId}`);
    await this.associate(key.id, tier);
    return { value: key.value, id: key.id };
  }

  async revoke(tenant: Tenant): Promise<void> {
    if (!tenant.apiKeyId) return;
    await this.client.send(new DeleteApiKeyCommand({ apiKey: tenant.apiKeyId })).catch((error: unknown) => {
      if (!(error instanceof NotFoundException)) throw error;
    });
  }

  private async associate(keyId: string, tier: TierName): Promise<void> {
    await this.client.send(new CreateUsagePlanKeyCommand({ usagePlanId: this.usagePlanIds[tier], keyId, keyType: 'API_KEY' }));
  }
}

/** Adds a tenant or changes its tier or limit; its key and record count are kept. */
export async function provisionTenant(
  registry: TenantRegistry,
  tenantId: string,
  options: { tier?: TierName; maxActions?: number; keepExisting?: boolean; keys?: UsageKeys } = {},
): Promise<Tenant> {
  const existing = await registry.get(tenantId);
  if (existing && options.keepExisting) return existing;
  const tier = options.tier ?? existing?.tier ?? 'basic';
  const key = await (options.keys ?? localUsageKeys).issue(tenantId, tier, existing);
  const tenant = {
    tenantId,
    tier,
    maxActions: options.maxActions ?? existing?.maxActions ?? DEFAULT_MAX_ACTIONS,
    usageIdentifierKey: key.value,
    createdAt: existing?.createdAt ?? new Date().toISOString(),
    ...(key.id && { apiKeyId: key.id }),
  };
  await registry.put(tenant);
  return { ...tenant, actionCount: existing?.actionCount ?? 0 };
}

/** Stops a tenant's access (its records are kept); false when it was not provisioned. */
export async function removeTenant(registry: TenantRegistry, tenantId: string, keys: UsageKeys = localUsageKeys): Promise<boolean> {
  const existing = await registry.get(tenantId);
  if (!existing) return false;
  await keys.revoke(existing);
  return registry.remove(tenantId);
}
