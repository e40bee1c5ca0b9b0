import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TenantRegistry } from '../../lambdas/ports/tenant-registry.ts';

/**
 * The contract of TenantRegistry (lambdas/ports/tenant-registry.ts), run against every implementation so
 * that the in-memory stand-in the unit tests use behaves as the DynamoDB adapter does. Each case has
 * tenants of its own; the registry starts empty.
 */
export function tenantRegistryContract(name: string, make: () => Promise<TenantRegistry>): void {
  describe(`${name}: the TenantRegistry contract`, () => {
    let registry: TenantRegistry;
    beforeAll(async () => {
      registry = await make();
    });
    const tenant = (tier: 'basic' | 'standard' | 'premium' = 'standard') => ({
      tenantId: `t-${randomUUID().slice(0, 8)}`,
      tier,
      maxActions: 50,
      usageIdentifierKey: `key-${randomUUID().slice(0, 8)}`,
      createdAt: '2026-01-01T00:00:00.000Z',
    });

    it('gives back a tenant as put, with no record yet, and lists it', async () => {
      const added = tenant('premium');
      await registry.put(added);
      expect(await registry.get(added.tenantId)).toEqual(added);
      expect(await registry.registration(added.tenantId)).toEqual({ status: 'provisioned', tenant: added });
      expect(await registry.recordCount(added.tenantId)).toBe(0);
      expect((await registry.list()).find((listed) => listed.tenantId === added.tenantId)).toEqual({ ...added, actionCount: 0 });
    });

    it('changes a tenant by a put of the same id', async () => {
      const added = tenant();
      await registry.put(added);
      await registry.put({ ...added, tier: 'basic', maxActions: 7 });
      expect(await registry.get(added.tenantId)).toEqual({ ...added, tier: 'basic', maxActions: 7 });
    });

    it('keeps a removed tenant out of get and list, with its tier, limit and creation kept, once', async () => {
      const added = tenant('premium');
      await registry.put(added);
      expect(await registry.remove(added.tenantId)).toBe(true);
      expect(await registry.remove(added.tenantId)).toBe(false);
      expect(await registry.get(added.tenantId)).toBeUndefined();
      expect((await registry.list()).map((listed) => listed.tenantId)).not.toContain(added.tenantId);
      expect(await registry.registration(added.tenantId)).toEqual({
        status: 'removed',
        tenant: { tenantId: added.tenantId, tier: 'premium', maxActions: 50, createdAt: added.createdAt, removedAt: expect.any(String) },
      });
      await registry.put({ ...added, usageIdentifierKey: 'key-again' });
      expect(await registry.get(added.tenantId)).toEqual({ ...added, usageIdentifierKey: 'key-again' });
    });

    it('knows nothing of a tenant never added', async () => {
      const stranger = tenant().tenantId;
      expect(await registry.get(stranger)).toBeUndefined();
      expect(await registry.registration(stranger)).toBeUndefined();
      expect(await registry.remove(stranger)).toBe(false);
      expect(await registry.recordCount(stranger)).toBe(0);
    });

    it('lists tenants in id order; every tenant ever added, removed ones too, by id', async () => {
      const [kept, removed] = [tenant(), tenant()];
      for (const added of [kept, removed, tenant()]) await registry.put(added);
      await registry.remove(removed.tenantId);
      const ids = (await registry.list()).map((listed) => listed.tenantId);
      expect(ids).toEqual([...ids].sort());
      const everAdded = await registry.everAdded();
      expect(everAdded).toEqual([...everAdded].sort());
      expect(everAdded).toEqual(expect.arrayContaining([kept.tenantId, removed.tenantId]));
      expect(ids).not.toContain(removed.tenantId);
    });
  });
}
