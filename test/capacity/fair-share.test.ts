import { afterAll, describe, expect, it } from 'vitest';
import { AWS_CAPACITY } from '../../lib/local/capacity/settings.ts';
import { validBody } from '../../testkit/bodies.ts';
import { loadEnded } from '../support/fixtures.ts';
import { serviceForThisFile } from '../support/http-service.ts';
import { lineFile, loadsOverHttp } from '../support/loads-over-http.ts';

/*
 * Tenants share the table under the capacity emulator (scale 20: the table takes 200 write units a
 * second, loads together 160 of them, load-pace.ts): one tenant's loads leave another's requests their
 * room, and two tenants loading at once share what loads may take. The neighbour's latency during a
 * load, a speed, is measured by the bench (neighbour_latency_ratio), not asserted here.
 */
// Batches of 50 lines, so that a load's count (kept per batch) follows its progress closely.
process.env.BULK_BATCH_LINES = '50';
afterAll(() => {
  delete process.env.BULK_BATCH_LINES;
});
const service = serviceForThisFile({ tenants: ['busy', 'calm', 'other'], capacity: { ...AWS_CAPACITY, scale: 20 } });

const loads = loadsOverHttp(service);

describe("one tenant's loads beside another tenant's requests", () => {
  it("serves the other tenant's creates and reads (99% and more) throughout, and loads every line once", async () => {
    const ids = await Promise.all([loads.start('busy', lineFile(800, 'busy-1')), loads.start('busy', lineFile(800, 'busy-2'))]);
    const token = await service.issuer.sign({ tenant: 'calm' });
    const statuses: number[] = [];
    const ended = async () => (await Promise.all(ids.map((id) => loads.read('busy', id)))).every((load) => load.status === 'completed');
    for (let round = 0; !(await ended()); round++) {
      expect(round).toBeLessThan(600); // two minutes at most
      const created = await service.call('POST', '/billingRunActions/calm', { token, body: validBody({ name: `calm ${round}` }) });
      statuses.push(created.status);
      if (created.status === 200)
        statuses.push((await service.call('GET', `/billingRunActions/calm/${created.body.id}`, { token })).status);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(statuses.length).toBeGreaterThan(30);
    expect(statuses.filter((status) => status === 200).length / statuses.length).toBeGreaterThanOrEqual(0.99);
    for (const id of ids) expect(await loads.read('busy', id)).toMatchObject({ status: 'completed', loaded: 800, failed: 0 });
    // Every line of the first load once.
    expect(await loads.lineNumbers('busy', 'busy-1')).toEqual(Array.from({ length: 800 }, (_, i) => i + 1));
  }, 180_000);
});

describe("two tenants' loads at once", () => {
  it('each get 35% to 65% of what they load together, however many loads a tenant runs', async () => {
    // Tenant busy runs three loads, tenant other one: by load count busy would get 75%.
    const busy = await Promise.all([1, 2, 3].map((n) => loads.start('busy', lineFile(600, `fair-busy-${n}`))));
    const other = await loads.start('other', lineFile(1_800, 'fair-other'));
    const loaded = async () => {
      const busyLoads = await Promise.all(busy.map((id) => loads.read('busy', id)));
      const otherLoad = await loads.read('other', other);
      return {
        busy: busyLoads.reduce((sum, load) => sum + load.loaded, 0),
        other: otherLoad.loaded as number,
        ended: [...busyLoads, otherLoad].some(loadEnded),
      };
    };
    let seen = await loaded();
    for (let round = 0; !seen.ended && seen.busy + seen.other < 1_200; round++) {
      expect(round).toBeLessThan(240);
      await new Promise((resolve) => setTimeout(resolve, 500));
      seen = await loaded();
    }
    const share = seen.busy / (seen.busy + seen.other);
    expect(seen.busy + seen.other).toBeGreaterThan(400);
    expect(share).toBeGreaterThanOrEqual(0.35);
    expect(share).toBeLessThanOrEqual(0.65);
  }, 180_000);
});
