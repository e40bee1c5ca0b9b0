import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BillingRunAction } from '../../lambdas/domain/record-schema.ts';
import { NotFound, VersionConflict } from '../../lambdas/domain/errors.ts';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbBillingRunActionRepository } from '../../lambdas/adapters/dynamodb/dynamodb-billing-run-action-repository.ts';
import { DynamoDbTenantRegistry } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-registry.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { provisionTenant } from '../../lib/tenants/tenant-provisioning.ts';
import { storedRecord, uniqueName } from '../support/fixtures.ts';

const client = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
const tableName = uniqueName('repo');
const tenantsTableName = uniqueName('tenants');
const repository = new DynamoDbBillingRunActionRepository(client, tableName, tenantsTableName);
const registry = new DynamoDbTenantRegistry(client, tenantsTableName);
let sequence = 0;
const record = (overrides: Partial<BillingRunAction> = {}): BillingRunAction =>
  storedRecord({ id: `id-${String(++sequence).padStart(4, '0')}`, ...overrides });

beforeAll(async () => {
  await ensureTables(client, { tableName, tenantsTableName });
  for (const tenantId of ['t1', 't2']) await provisionTenant(registry, tenantId);
});
afterAll(() => client.destroy());

describe('DynamoDbBillingRunActionRepository against DynamoDB Local', () => {
  it('keeps tenants apart even for the same id', async () => {
    const shared = record({ name: 'of t1' });
    await repository.create('t1', shared);
    await repository.create('t2', { ...shared, name: 'of t2' });
    expect((await repository.get('t1', shared.id))?.name).toBe('of t1');
    expect((await repository.get('t2', shared.id))?.name).toBe('of t2');
    expect(await repository.get('t3', shared.id)).toBeUndefined();
    await expect(repository.create('t3', shared)).rejects.toThrow(/not provisioned/);
  });

  it('lets exactly one of several concurrent writers of the same version win', async () => {
    const original = record();
    await repository.create('t1', original);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => repository.replace('t1', { ...original, name: `writer ${i}`, sys_version: 2 }, 1)),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const losers = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(losers).toHaveLength(7);
    for (const loser of losers) expect(loser.reason).toBeInstanceOf(VersionConflict);
    expect((await repository.get('t1', original.id, { consistentRead: true }))?.sys_version).toBe(2);
  });

  it('soft-deletes out of reads and indexes, and refuses writes to the deleted record', async () => {
    const doomed = record({ certification_id: 'cert-repo-delete' });
    await repository.create('t1', doomed);
    expect((await repository.list('t1', 'certification', 'cert-repo-delete', { limit: 10 })).items).toHaveLength(1);
    await repository.softDelete('t1', { record: { ...doomed, sys_version: 2, sys_deleted_by_id: 'u' }, expiresAt: 2_000_000_000 }, 1);
    expect(await repository.get('t1', doomed.id, { consistentRead: true })).toBeUndefined();
    expect((await repository.list('t1', 'certification', 'cert-repo-delete', { limit: 10 })).items).toHaveLength(0);
    await expect(repository.replace('t1', { ...doomed, sys_version: 3 }, 2)).rejects.toBeInstanceOf(NotFound);
  });

  it('pages a lookup in creation order', async () => {
    const created = Array.from({ length: 5 }, () => record({ application_id: 'app-repo-page' }));
    for (const item of created) await repository.create('t1', item);
    const first = await repository.list('t1', 'application', 'app-repo-page', { limit: 2 });
    const second = await repository.list('t1', 'application', 'app-repo-page', { limit: 2, afterId: first.lastId });
    const third = await repository.list('t1', 'application', 'app-repo-page', { limit: 2, afterId: second.lastId });
    expect([...first.items, ...second.items, ...third.items].map((item) => item.id)).toEqual(created.map((item) => item.id));
    expect(third.lastId).toBeUndefined();
  });

  it('lets an expired idempotency claim be taken again even before TTL removes it', async () => {
    const claim = { key: 'expiring', bodyHash: 'hash-1', now: 1_000, expiresAt: 2_000 };
    const first = await repository.create('t1', record(), claim);
    expect(first.replayed).toBe(false);
    const replay = await repository.create('t1', record(), { ...claim, now: 1_500 });
    expect(replay).toEqual({ record: first.record, replayed: true });
    const later = await repository.create('t1', record(), { ...claim, bodyHash: 'hash-2', now: 2_001, expiresAt: 3_000 });
    expect(later.replayed).toBe(false);
    expect(later.record.id).not.toBe(first.record.id);
  });
});
