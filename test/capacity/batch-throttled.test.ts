import { describe, expect, it } from 'vitest';
import { AWS_CAPACITY } from '../../lib/local/capacity/settings.ts';
import { validBody } from '../../testkit/bodies.ts';
import { pollUntil } from '../support/poll.ts';
import { serviceForThisFile } from '../support/http-service.ts';

/*
 * A batch over large records while storage throttles (issue 31): under the capacity emulator at scale 10
 * the table and each index take 400 write units a second, and each patch of a 60 KB record rewrites it
 * (about 60 units on the table and 60 on each of its four lookup indexes): thirty at once ask for 4.5 s
 * of the table's writes. Each operation storage refused is answered 429 (storage busy), never 500.
 */
const service = serviceForThisFile({ tenants: ['tenant-a'], capacity: { ...AWS_CAPACITY, scale: 10 } });
const LARGE = [{ padding: 'x'.repeat(60_000) }];

describe('a batch over large records under throttling', () => {
  it('answers each operation 200 or 429, never 500, and applies exactly those it answered 200', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      // Created one by one, waiting out the throttling their own writes meet.
      const created = await pollUntil(
        () =>
          service.call('POST', '/billingRunActions/tenant-a', {
            token: service.token,
            body: validBody({
              name: `large ${i}`,
              certification_id: `cert-${i}`,
              application_id: `app-${i}`,
              training_provider_billing_records: LARGE,
            }),
          }),
        { what: `record ${i} created`, until: (answer) => answer.status === 200, timeoutMs: 20_000, intervalMs: 300 },
      );
      ids.push(created.body.id);
    }
    const operations = ids.map((id) => ({ op: 'patch', id, patch: [{ op: 'add', path: '/invoice_id', value: 'inv-throttled' }] }));
    const response = await service.call('POST', '/billingRunActions/tenant-a/batch', { token: service.token, body: { operations } });
    expect(response.status).toBe(200);
    const statuses: number[] = response.body.results.map((result: { status: number }) => result.status);
    expect(new Set(statuses)).toEqual(new Set(statuses.filter((status) => status === 200 || status === 429)));
    expect(statuses).toContain(200);
    expect(statuses).toContain(429); // storage did refuse some: the test met what it is about
    for (const [i, id] of ids.entries()) {
      const stored = await service.call('GET', `/billingRunActions/tenant-a/${id}?fields=invoice_id&consistentRead=true`, {
        token: service.token,
      });
      expect(stored.body.invoice_id === 'inv-throttled', `operation ${i} answered ${statuses[i]}`).toBe(statuses[i] === 200);
    }
  }, 120_000);
});
