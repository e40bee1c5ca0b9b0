import { beforeAll, describe, expect, it } from 'vitest';
import type { BillingRunAction } from '../../lambdas/domain/record-schema.ts';
import type { BillingRunActionRepository } from '../../lambdas/ports/billing-run-action-repository.ts';
import { type RepositoryFactory, TENANTS, contractRecords } from './billing-run-action-repository.contract.ts';

/**
 * The lists of BillingRunActionRepository's contract (billing-run-action-repository.contract.ts): paging
 * in id order, and one status alone. Run against every implementation, on records of its own.
 */
export function recordListsContract(name: string, makeRepository: RepositoryFactory): void {
  describe(`${name}: the lists of the BillingRunActionRepository contract`, () => {
    let repository: BillingRunActionRepository;
    beforeAll(async () => {
      repository = await makeRepository(TENANTS);
    });

    const { record, lookupValue } = contractRecords('l');

    it('lists the records of one lookup value in id order, page by page with limit and afterId', async () => {
      const billingRun = lookupValue('run');
      const made = Array.from({ length: 5 }, () => record({ billing_run_id: billingRun }));
      // Created out of order: a list is in id order, not in the order of the writes.
      for (const index of [3, 0, 4, 1, 2]) await repository.create('t1', made[index] as BillingRunAction);
      await repository.create('t1', record({ billing_run_id: lookupValue('other-run') }));
      const ids = made.map((made) => made.id);

      const first = await repository.list('t1', 'billingRun', billingRun, { limit: 2 });
      expect(first).toEqual({ items: made.slice(0, 2), lastId: ids[1] });
      const second = await repository.list('t1', 'billingRun', billingRun, { limit: 2, afterId: first.lastId });
      expect(second).toEqual({ items: made.slice(2, 4), lastId: ids[3] });
      // The last page: no cursor, as none would lead anywhere.
      expect(await repository.list('t1', 'billingRun', billingRun, { limit: 2, afterId: second.lastId })).toEqual({ items: made.slice(4) });
      expect(await repository.list('t1', 'billingRun', billingRun, { limit: 5 })).toEqual({ items: made });
      expect(await repository.list('t1', 'billingRun', billingRun, { limit: 10, afterId: ids[4] })).toEqual({ items: [] });
    });

    it('lists the records of one status alone, in id order, page by page, and follows a record that changes status', async () => {
      const billingRun = lookupValue('status-run');
      const statuses = ['error', 'pending', 'error', 'completed', 'error', 'payment failure', 'error'] as const;
      const made = statuses.map((status) => record({ billing_run_id: billingRun, status }));
      for (const one of [...made].reverse()) await repository.create('t1', one);
      const inError = made.filter((one) => one.status === 'error');

      const inStatus = (status: BillingRunAction['status'], afterId?: string, tenant = 't1', limit = 10) =>
        repository.list(tenant, 'billingRun', billingRun, { limit, status, ...(afterId && { afterId }) });
      const first = await inStatus('error', undefined, 't1', 3);
      expect(first).toEqual({ items: inError.slice(0, 3), lastId: inError[2]?.id });
      expect(await inStatus('error', first.lastId, 't1', 3)).toEqual({ items: inError.slice(3) });
      expect((await inStatus('payment failure')).items).toEqual([made[5]]);
      expect((await inStatus('processing order')).items).toEqual([]);
      // Another tenant's records of the same run and status never show.
      expect((await inStatus('error', undefined, 't2')).items).toEqual([]);

      const moved = { ...(inError[0] as BillingRunAction), status: 'completed' as const, sys_version: 2 };
      await repository.replace('t1', moved, 1);
      expect((await inStatus('completed')).items.map((one) => one.id).sort()).toEqual([moved.id, made[3]?.id].sort());
      expect((await inStatus('error')).items).toEqual(inError.slice(1));
    });
  });
}
