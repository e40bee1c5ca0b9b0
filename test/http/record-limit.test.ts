import { beforeAll, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../lib/tenants/tenant-provisioning.ts';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

const service = serviceForThisFile({ tenants: [] });
/** Of the tenant `small`. */
let token: string;
const base = '/billingRunActions/small';

beforeAll(async () => {
  await provisionTenant(service.tenants, 'small', { maxActions: 5 });
  token = await service.issuer.sign({ tenant: 'small' });
});

const create = () => service.call('POST', base, { token, body: validBody({ billing_run_id: 'limited' }) });
const live = async () =>
  (await service.call('GET', `${base}/billingRun/limited?limit=1000&fields=id`, { token })).body.Items.map(
    (item: { id: string }) => item.id,
  );

describe('the record limit', () => {
  it('lets exactly max-actions of many concurrent creates through and names the limit to the rest', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, create));
    const created = responses.filter((response) => response.status === 200);
    const refused = responses.filter((response) => response.status === 429);
    expect(created).toHaveLength(5);
    expect(refused).toHaveLength(15);
    for (const response of refused) {
      expect(response.body.message).toBe("Tenant 'small' has reached its limit of 5 billing run actions; delete some to make room");
      // A wait frees no room (docs/api.md): no Retry-After invites a client to retry in a loop.
      expect(response.headers.get('retry-after')).toBeNull();
    }
    expect(await live()).toHaveLength(5);
    expect(await service.tenants.recordCount('small')).toBe(5);
  });

  it('frees room on delete, single or batched, and stays exact under concurrent creates and deletes', async () => {
    const ids: string[] = await live();
    const [first, second, ...rest] = ids;
    expect((await service.call('DELETE', `${base}/${first}`, { token })).status).toBe(200);
    expect(
      (await service.call('POST', `${base}/batch`, { token, body: { operations: [{ op: 'delete', id: second }] } })).body.success_count,
    ).toBe(1);
    expect(await service.tenants.recordCount('small')).toBe(3);

    const mixed = await Promise.all([
      ...rest.map((id) => service.call('DELETE', `${base}/${id}`, { token })),
      ...Array.from({ length: 10 }, create),
    ]);
    expect(mixed.slice(0, rest.length).every((response) => response.status === 200)).toBe(true);
    const remaining = await live();
    expect(await service.tenants.recordCount('small')).toBe(remaining.length);
    expect(remaining.length).toBeLessThanOrEqual(5);
    const createdNow = mixed.slice(rest.length).filter((response) => response.status === 200).length;
    expect(remaining.length).toBe(createdNow);
  });

  it('is raised by the tenants command without losing the count', async () => {
    const before = await service.tenants.recordCount('small');
    await provisionTenant(service.tenants, 'small', { maxActions: before + 1 });
    expect((await create()).status).toBe(200);
    expect((await create()).status).toBe(429);
    expect(await service.tenants.recordCount('small')).toBe(before + 1);
  });
});
