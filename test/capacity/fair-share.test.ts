import { afterAll, describe, expect, it } from 'vitest';
import { AWS_CAPACITY } from '../../lib/local/capacity/settings.ts';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

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

const lines = (count: number, run: string) =>
  Array.from({ length: count }, (_, i) =>
    JSON.stringify(validBody({ billing_run_id: run, certification_id: `${run}-cert-${i}`, application_id: `${run}-app-${i}` })),
  );

/** Starts a load of `tenant` and uploads its file; answers the load's id. */
async function startLoad(tenant: string, body: string[]): Promise<string> {
  const token = await service.issuer.sign({ tenant });
  const started = await service.call('POST', `/billingRunActions/${tenant}/bulkLoads`, { token, body: { source_file: 'run.ndjson' } });
  expect(started.status).toBe(200);
  const upload = await fetch(started.body.upload.url, {
    method: 'PUT',
    headers: started.body.upload.headers,
    body: `${body.join('\n')}\n`,
  });
  expect(upload.status).toBe(200);
  return started.body.id as string;
}

const loadOf = async (tenant: string, id: string) =>
  (await service.call('GET', `/billingRunActions/${tenant}/bulkLoads/${id}`, { token: await service.issuer.sign({ tenant }) })).body;

describe("one tenant's loads beside another tenant's requests", () => {
  it("serves the other tenant's creates and reads (99% and more) throughout, and loads every line once", async () => {
    const loads = await Promise.all([startLoad('busy', lines(800, 'busy-1')), startLoad('busy', lines(800, 'busy-2'))]);
    const token = await service.issuer.sign({ tenant: 'calm' });
    const statuses: number[] = [];
    const ended = async () => (await Promise.all(loads.map((id) => loadOf('busy', id)))).every((load) => load.status === 'completed');
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
    for (const id of loads) expect(await loadOf('busy', id)).toMatchObject({ status: 'completed', loaded: 800, failed: 0 });
    // Every line of the first load once: its records listed, page by page, hold each line number once.
    const busyToken = await service.issuer.sign({ tenant: 'busy' });
    const numbers: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await service.call(
        'GET',
        `/billingRunActions/busy/billingRun/busy-1?limit=1000&fields=sys_bulk_load_record_no${cursor ? `&exclusiveStartKey=${encodeURIComponent(cursor)}` : ''}`,
        { token: busyToken },
      );
      numbers.push(...page.body.Items.map((item: { sys_bulk_load_record_no: number }) => item.sys_bulk_load_record_no));
      cursor = page.body.LastEvaluatedKey;
    } while (cursor);
    expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: 800 }, (_, i) => i + 1));
  }, 180_000);
});

describe("two tenants' loads at once", () => {
  it('each get 35% to 65% of what they load together, however many loads a tenant runs', async () => {
    // Tenant busy runs three loads, tenant other one: by load count busy would get 75%.
    const busy = await Promise.all([1, 2, 3].map((n) => startLoad('busy', lines(600, `fair-busy-${n}`))));
    const other = await startLoad('other', lines(1_800, 'fair-other'));
    const loaded = async () => {
      const busyLoads = await Promise.all(busy.map((id) => loadOf('busy', id)));
      const otherLoad = await loadOf('other', other);
      return {
        busy: busyLoads.reduce((sum, load) => sum + load.loaded, 0),
        other: otherLoad.loaded as number,
        ended: [...busyLoads, otherLoad].some((load) => load.status !== 'loading'),
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
