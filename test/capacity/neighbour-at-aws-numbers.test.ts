import { describe, expect, it } from 'vitest';
import { BACKGROUND_SLOTS } from '../../lib/local/capacity/interactive-first.ts';
import { AWS_CAPACITY } from '../../lib/local/capacity/settings.ts';
import { validBody } from '../../testkit/bodies.ts';
import { loadEnded } from '../support/fixtures.ts';
import { serviceForThisFile } from '../support/http-service.ts';
import { lineFile, loadsOverHttp } from '../support/loads-over-http.ts';

/*
 * At AWS's own numbers, as `npm start` runs: the table would take a load at the loads' pace (1,700 lines
 * a second), far more than the laptop's DynamoDB Local and two cores take, so what a load meets here is
 * the laptop, which the API's requests share with it. The capacity emulator lets the API's calls into
 * DynamoDB Local before the load's (lib/local/capacity/interactive-first.ts). The neighbour's latency,
 * a speed, is the bench's (`npm run bench:neighbour-aws`), not asserted here.
 */
const service = serviceForThisFile({ tenants: ['busy', 'calm'], capacity: AWS_CAPACITY });
const loads = loadsOverHttp(service);
const LINES = 20_000;

describe("a 20,000-line load beside another tenant's requests, at AWS's numbers", () => {
  it("serves the other tenant's creates and reads (99% and more) throughout, lets their calls in first, and loads every line once", async () => {
    const id = await loads.start('busy', lineFile(LINES, 'aws-busy'));
    const token = await service.issuer.sign({ tenant: 'calm' });
    const statuses: number[] = [];
    while (!loadEnded(await loads.read('busy', id))) {
      const created = await service.call('POST', '/billingRunActions/calm', {
        token,
        body: validBody({ name: `calm ${statuses.length}` }),
      });
      statuses.push(created.status);
      if (created.status === 200)
        statuses.push((await service.call('GET', `/billingRunActions/calm/${created.body.id}`, { token })).status);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(statuses.length).toBeGreaterThan(30);
    expect(statuses.filter((status) => status === 200).length / statuses.length).toBeGreaterThanOrEqual(0.99);
    expect(await loads.read('busy', id)).toMatchObject({ status: 'completed', loaded: LINES, failed: 0 });
    expect(await loads.lineNumbers('busy', 'aws-busy')).toEqual(Array.from({ length: LINES }, (_, i) => i + 1));
    // The load's calls waited for the API's, which never met more of them in DynamoDB Local than the runner's slots.
    const turns = service.capacity?.report();
    expect(turns?.backgroundWaited).toBeGreaterThan(0);
    expect(turns?.mostBackgroundBesideInteractive).toBeLessThanOrEqual(BACKGROUND_SLOTS);
  }, 400_000);
});
