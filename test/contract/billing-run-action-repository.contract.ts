import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BillingRunAction } from '../../lambdas/domain/record-schema.ts';
import { Conflict, Forbidden, NotFound, TenantLimitReached, TooManyRequests, VersionConflict } from '../../lambdas/domain/errors.ts';
import type { BillingRunActionRepository } from '../../lambdas/ports/billing-run-action-repository.ts';
import { storedRecord } from '../support/fixtures.ts';

/** A tenant to provision before the cases run: `maxActions` live records at most, when given. */
export interface ContractTenant {
  id: string;
  maxActions?: number;
}

/** Makes the repository under test, with these tenants provisioned and no other. */
export type RepositoryFactory = (tenants: ContractTenant[]) => Promise<BillingRunActionRepository>;

const FULL_AT = 2;
export const TENANTS: ContractTenant[] = [{ id: 't1' }, { id: 't2' }, { id: 'small', maxActions: FULL_AT }];

/**
 * A contract's records, unique to the run: `record` makes a stored record whose id sorts after every id
 * made before it by this maker (ids begin with `prefix`), `lookupValue` a lookup value no other case uses.
 */
export function contractRecords(prefix: string) {
  const run = randomUUID().slice(0, 8);
  let sequence = 0;
  return {
    record: (overrides: Partial<BillingRunAction> = {}): BillingRunAction =>
      storedRecord({ id: `${prefix}-${run}-${String(++sequence).padStart(4, '0')}`, ...overrides }),
    lookupValue: (what: string) => `${what}-${run}-${++sequence}`,
  };
}

/**
 * The contract of BillingRunActionRepository (lambdas/ports/billing-run-action-repository.ts), as the
 * use cases rely on it: run against every implementation, so that the in-memory stand-in the unit tests
 * use behaves as the DynamoDB adapter does. Every case makes records of its own (ids and lookup values
 * unique to the run), so the cases share one repository and its tables.
 */
export function billingRunActionRepositoryContract(name: string, makeRepository: RepositoryFactory): void {
  describe(`${name}: the BillingRunActionRepository contract`, () => {
    let repository: BillingRunActionRepository;
    beforeAll(async () => {
      repository = await makeRepository(TENANTS);
    });

    const { record, lookupValue } = contractRecords('c');
    /** The record as a write of the next version would leave it. */
    const next = (current: BillingRunAction, changes: Partial<BillingRunAction> = {}): BillingRunAction => ({
      ...current,
      ...changes,
      sys_version: current.sys_version + 1,
    });
    const deletion = (current: BillingRunAction) => ({
      record: next(current, { sys_deleted_by_id: 'deleter' }),
      expiresAt: 2_000_000_000,
    });

    it('answers a created record from get, and nothing for an id never created', async () => {
      const created = record();
      expect(await repository.create('t1', created)).toEqual({ record: created, replayed: false });
      expect(await repository.get('t1', created.id)).toEqual(created);
      expect(await repository.get('t1', created.id, { consistentRead: true })).toEqual(created);
      expect(await repository.get('t1', `${created.id}-never`)).toBeUndefined();
    });

    it('refuses to create an id that exists, and leaves the record as it was', async () => {
      const first = record();
      await repository.create('t1', first);
      await expect(repository.create('t1', { ...first, name: 'second' })).rejects.toBeInstanceOf(Conflict);
      expect(await repository.get('t1', first.id, { consistentRead: true })).toEqual(first);
    });

    it("keeps tenants apart: a record of t1 is not found, listed, changed or deleted as t2's, which may hold the same id", async () => {
      const certification = lookupValue('cert');
      const ofT1 = record({ certification_id: certification, name: 'of t1' });
      await repository.create('t1', ofT1);
      expect(await repository.get('t2', ofT1.id)).toBeUndefined();
      expect((await repository.list('t2', 'certification', certification, { limit: 10 })).items).toEqual([]);
      await expect(repository.replace('t2', next(ofT1), ofT1.sys_version)).rejects.toBeInstanceOf(NotFound);
      await expect(repository.softDelete('t2', deletion(ofT1), ofT1.sys_version)).rejects.toBeInstanceOf(NotFound);

      const ofT2 = { ...ofT1, name: 'of t2' };
      await repository.create('t2', ofT2);
      expect(await repository.get('t1', ofT1.id)).toEqual(ofT1);
      expect(await repository.get('t2', ofT1.id)).toEqual(ofT2);
      expect((await repository.list('t1', 'certification', certification, { limit: 10 })).items).toEqual([ofT1]);
    });

    it('refuses a create for a tenant that is not provisioned', async () => {
      const stray = record();
      const refused = repository.create('unprovisioned', stray);
      await expect(refused).rejects.toBeInstanceOf(Forbidden);
      await expect(refused).rejects.toThrow(/not provisioned/);
      expect(await repository.get('unprovisioned', stray.id)).toBeUndefined();
    });

    it('replaces the record at the version read, and refuses a stale version with VersionConflict, changing nothing', async () => {
      const original = record();
      await repository.create('t1', original);
      const replaced = next(original, { name: 'replaced' });
      await repository.replace('t1', replaced, original.sys_version);
      expect(await repository.get('t1', original.id, { consistentRead: true })).toEqual(replaced);

      const stale = next(original, { name: 'stale' });
      const refused = repository.replace('t1', stale, original.sys_version);
      // Patch and delete retry on a VersionConflict (use-cases/changeable-record.ts); the sweep skips any Conflict.
      await expect(refused).rejects.toBeInstanceOf(VersionConflict);
      await expect(refused).rejects.toBeInstanceOf(Conflict);
      expect(await repository.get('t1', original.id, { consistentRead: true })).toEqual(replaced);
      await expect(repository.replace('t1', record(), 1)).rejects.toBeInstanceOf(NotFound);
    });

    it('lets exactly one of several concurrent writers of the same version win; the others get VersionConflict', async () => {
      const original = record();
      await repository.create('t1', original);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => repository.replace('t1', next(original, { name: `writer ${i}` }), original.sys_version)),
      );
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      const losers = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      expect(losers).toHaveLength(7);
      for (const loser of losers) expect(loser.reason).toBeInstanceOf(VersionConflict);
      expect((await repository.get('t1', original.id, { consistentRead: true }))?.sys_version).toBe(2);
    });

    it('soft-deletes at the version read: out of get and lists, its id still taken, no write after it', async () => {
      const application = lookupValue('app');
      const doomed = record({ application_id: application });
      await repository.create('t1', doomed);
      expect((await repository.list('t1', 'application', application, { limit: 10 })).items).toEqual([doomed]);
      const deleted = deletion(doomed);
      await repository.softDelete('t1', deleted, doomed.sys_version);
      expect(await repository.get('t1', doomed.id, { consistentRead: true })).toBeUndefined();
      expect((await repository.list('t1', 'application', application, { limit: 10 })).items).toEqual([]);
      await expect(repository.replace('t1', next(deleted.record), deleted.record.sys_version)).rejects.toBeInstanceOf(NotFound);
      await expect(repository.softDelete('t1', deletion(deleted.record), deleted.record.sys_version)).rejects.toBeInstanceOf(NotFound);
      // The deleted record is kept until its TTL: its id cannot be created again before.
      await expect(repository.create('t1', doomed)).rejects.toBeInstanceOf(Conflict);
    });

    it('refuses a call whose deadline has passed before it is sent: 429, out of time, nothing read or changed', async () => {
      const kept = record();
      await repository.create('t1', kept);
      const passed = { signal: AbortSignal.abort() };
      const refusals = [
        repository.get('t1', kept.id, { consistentRead: true, ...passed }),
        repository.replace('t1', next(kept, { name: 'too late' }), kept.sys_version, passed),
        repository.softDelete('t1', deletion(kept), kept.sys_version, passed),
      ];
      for (const refused of refusals) {
        await expect(refused).rejects.toBeInstanceOf(TooManyRequests);
        await expect(refused).rejects.toThrow(/ran out of time/);
      }
      expect(await repository.get('t1', kept.id, { consistentRead: true, signal: new AbortController().signal })).toEqual(kept);
    });

    it('refuses a soft delete at a stale version with VersionConflict, and keeps the record', async () => {
      const kept = record();
      await repository.create('t1', kept);
      const changed = next(kept, { name: 'changed meanwhile' });
      await repository.replace('t1', changed, kept.sys_version);
      await expect(repository.softDelete('t1', deletion(kept), kept.sys_version)).rejects.toBeInstanceOf(VersionConflict);
      expect(await repository.get('t1', kept.id, { consistentRead: true })).toEqual(changed);
    });

    it('lists by each lookup: certification, application, training provider and billing run', async () => {
      const values = {
        certification_id: lookupValue('cert'),
        application_id: lookupValue('app'),
        training_provider_id: lookupValue('tp'),
        billing_run_id: lookupValue('run'),
      };
      const listed = record(values);
      await repository.create('t1', listed);
      for (const [lookup, value] of [
        ['certification', values.certification_id],
        ['application', values.application_id],
        ['trainingProvider', values.training_provider_id],
        ['billingRun', values.billing_run_id],
      ] as const) {
        expect(await repository.list('t1', lookup, value, { limit: 10 }), lookup).toEqual({ items: [listed] });
      }
    });

    it('refuses a create once the tenant holds its limit of live records, and takes one again after a delete', async () => {
      const held = [record(), record()];
      for (const each of held) await repository.create('small', each);
      const refused = repository.create('small', record());
      await expect(refused).rejects.toBeInstanceOf(TenantLimitReached);
      await expect(refused).rejects.toThrow(`Tenant 'small' has reached its limit of ${FULL_AT} billing run actions`);
      const [first] = held as [BillingRunAction];
      await repository.softDelete('small', deletion(first), first.sys_version);
      const room = record();
      await repository.create('small', room);
      expect(await repository.get('small', room.id, { consistentRead: true })).toEqual(room);
      await expect(repository.create('small', record())).rejects.toBeInstanceOf(TenantLimitReached);
    });

    it('creates once per Idempotency-Key: the same body replays the first record, another body is a Conflict, an expired key is free', async () => {
      const key = lookupValue('key');
      const claim = { key, bodyHash: 'hash-1', now: 1_000, expiresAt: 2_000 };
      const first = record();
      expect(await repository.create('t1', first, claim)).toEqual({ record: first, replayed: false });
      const retried = record();
      expect(await repository.create('t1', retried, { ...claim, now: 1_500 })).toEqual({ record: first, replayed: true });
      expect(await repository.get('t1', retried.id, { consistentRead: true })).toBeUndefined();
      await expect(repository.create('t1', record(), { ...claim, bodyHash: 'hash-2', now: 1_500 })).rejects.toBeInstanceOf(Conflict);
      // The claim is the tenant's: another tenant's create with the same key is its own.
      const elsewhere = record();
      expect(await repository.create('t2', elsewhere, { ...claim, now: 1_500 })).toEqual({ record: elsewhere, replayed: false });
      // Past its expiry the key may be taken again, even before DynamoDB's TTL removes the claim.
      const later = record();
      expect(await repository.create('t1', later, { ...claim, bodyHash: 'hash-2', now: 2_001, expiresAt: 3_000 })).toEqual({
        record: later,
        replayed: false,
      });
    });
  });
}
