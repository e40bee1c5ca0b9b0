import { randomBytes } from 'node:crypto';
import {
  type APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanKeyCommand,
  NotFoundException,
} from '@aws-sdk/client-api-gateway';
import type { Tenant, TierName } from '../../lambdas/domain/tenant.ts';
import type { TenantRegistry } from '../../lambdas/ports/tenant-registry.ts';

const DEFAULT_MAX_ACTIONS = 1_000_000;

export interface UsageKey {
  value: string;
  id?: string;
}

/** Where a tenant's usage identifier key comes from: a random string locally, an API Gateway API key in AWS. */
export interface UsageKeys {
  /** The key for `tier`: a new one, or the tenant's existing one (moved to `tier`'s usage plan if it changed). */
  issue(tenantId: string, tier: TierName, existing: Tenant | undefined): Promise<UsageKey>;
  revoke(tenant: Pick<Tenant, 'apiKeyId'>): Promise<void>;
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
  private readonly stackName: string;

  constructor(client: APIGatewayClient, usagePlanIds: Record<TierName, string>, stackName = 'BillingRunActions') {
    this.client = client;
    this.usagePlanIds = usagePlanIds;
    this.stackName = stackName;
  }

  async issue(tenantId: string, tier: TierName, existing: Tenant | undefined): Promise<UsageKey> {
    if (existing?.apiKeyId) {
      if (existing.tier !== tier) await this.move(existing.apiKeyId, existing.tier, tier);
      return { value: existing.usageIdentifierKey, id: existing.apiKeyId };
    }
    const key = await this.client.send(
      new CreateApiKeyCommand({
        name: `${this.stackName}-${tenantId}`,
        description: `Usage identifier of tenant ${tenantId} (stack ${this.stackName})`,
        enabled: true,
        tags: { tenant: tenantId, stack: this.stackName },
      }),
    );
    if (!key.id) throw new Error(`API Gateway created no usable API key for tenant ${tenantId}`);
    try {
      if (!key.value) throw new Error(`API Gateway created no usable API key for tenant ${tenantId}`);
      await this.associate(key.id, tier);
      return { value: key.value, id: key.id };
    } catch (error) {
      // A key without a usage plan would meter nothing and answer 403: it is deleted, and the error stands.
      await this.revoke({ apiKeyId: key.id });
      throw error;
    }
  }

  async revoke(tenant: Pick<Tenant, 'apiKeyId'>): Promise<void> {
    if (!tenant.apiKeyId) return;
    await this.client.send(new DeleteApiKeyCommand({ apiKey: tenant.apiKeyId })).catch((error: unknown) => {
      if (!(error instanceof NotFoundException)) throw error;
    });
  }

  /** Moves the key to the other tier's plan; if the new association fails, the key goes back to its plan. */
  private async move(keyId: string, from: TierName, to: TierName): Promise<void> {
    await this.client.send(new DeleteUsagePlanKeyCommand({ usagePlanId: this.usagePlanIds[from], keyId })).catch((error: unknown) => {
      if (!(error instanceof NotFoundException)) throw error;
    });
    try {
      await this.associate(keyId, to);
    } catch (error) {
      await this.associate(keyId, from);
      throw error;
    }
  }

  private async associate(keyId: string, tier: TierName): Promise<void> {
    await this.client.send(new CreateUsagePlanKeyCommand({ usagePlanId: this.usagePlanIds[tier], keyId, keyType: 'API_KEY' }));
  }
}

/** A tenant's settings an add may change. */
type Settings = Pick<Tenant, 'tier' | 'maxActions'>;
const settingsOf = ({ tier, maxActions }: Settings): Settings => ({ tier, maxActions });

/** What an add did: added a new tenant, restored a removed one, or updated a provisioned one (`before`: its settings until then). */
export type Provisioned = { outcome: 'added'; tenant: Tenant } | { outcome: 'restored' | 'updated'; tenant: Tenant; before: Settings };

/**
 * Adds a tenant, restores a removed one or changes its tier or limit: what the options do not say stays
 * as the tenant had it (a removed tenant's tier and limit included); its record count is kept.
 */
export async function provisionTenant(
  registry: TenantRegistry,
  tenantId: string,
  options: { tier?: TierName; maxActions?: number; keepExisting?: boolean; keys?: UsageKeys } = {},
): Promise<Provisioned> {
  const registration = await registry.registration(tenantId);
  const held = registration?.tenant;
  const existing = registration?.status === 'provisioned' ? registration.tenant : undefined;
  if (existing && options.keepExisting) return { outcome: 'updated', tenant: existing, before: settingsOf(existing) };
  const keys = options.keys ?? localUsageKeys;
  const tier = options.tier ?? held?.tier ?? 'basic';
  // A removed tenant's key went with its removal: it is issued a new one, as a new tenant is.
  const key = await keys.issue(tenantId, tier, existing);
  const tenant = {
    tenantId,
    tier,
    maxActions: options.maxActions ?? held?.maxActions ?? DEFAULT_MAX_ACTIONS,
    usageIdentifierKey: key.value,
    createdAt: held?.createdAt ?? new Date().toISOString(),
    ...(key.id && { apiKeyId: key.id }),
  };
  try {
    await registry.put(tenant);
  } catch (error) {
    // A new key the registry does not hold would be orphaned: it is deleted (a provisioned tenant keeps its key).
    if (!existing && key.id) await keys.revoke(tenant);
    throw error;
  }
  const stored = { ...tenant, actionCount: await registry.recordCount(tenantId) };
  if (!registration) return { outcome: 'added', tenant: stored };
  return {
    outcome: registration.status === 'removed' ? 'restored' : 'updated',
    tenant: stored,
    before: settingsOf(registration.tenant),
  };
}

/** Stops a tenant's access (its records, tier and limit are kept for a later add); false when it was not provisioned. */
export async function removeTenant(registry: TenantRegistry, tenantId: string, keys: UsageKeys = localUsageKeys): Promise<boolean> {
  const existing = await registry.get(tenantId);
  if (!existing) return false;
  await keys.revoke(existing);
  return registry.remove(tenantId);
}
