import { describe, expect, it } from 'vitest';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';
import { pollUntil } from '../support/poll.ts';

/** Bulk loads run in the local service's own process: they must not starve the API of storage. */
const service = serviceForThisFile();

describe('bulk loads beside the API', () => {
  it("loads batches in turns over all loads, and never turns another tenant's reads into 500s, however many loads run", async () => {
    const loader = await service.issuer.sign({ tenant: 'tenant-a' });
    const reader = await service.issuer.sign({ tenant: 'tenant-b' });
    const created = await service.call('POST', '/billingRunActions/tenant-b', { token: reader, body: validBody() });
    expect(created.status).toBe(200);
    const file = Array.from({ length: 2_000 }, (_, i) => JSON.stringify(validBody({ billing_run_id: 'starve', name: `n${i}` }))).join('\n');
    const loads = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const started = await service.call('POST', '/billingRunActions/tenant-a/bulkLoads', {
          token: loader,
          body: { source_file: `load-${i}.ndjson` },
        });
        await fetch(started.body.upload.url, { method: 'PUT', headers: started.body.upload.headers, body: file });
        return started.body.id as string;
      }),
    );
    const answers: { status: number; retryAfter: string | null }[] = [];
    let peak = 0;
    const idle = service.bulkLoads.idle();
    let loading = true;
    void idle.then(() => (loading = false));
    await pollUntil(
      async () => {
        const read = await service.call('GET', `/billingRunActions/tenant-b/${created.body.id}`, { token: reader });
        answers.push({ status: read.status, retryAfter: read.headers.get('retry-after') });
        peak = Math.max(peak, service.bulkLoads.batchesLoading);
        return { loading, reads: answers.length, peak };
      },
      { what: 'The end of the ten loads', timeoutMs: 160_000, intervalMs: 100, until: (seen) => !seen.loading },
    );
    await idle;
    expect(answers.length).toBeGreaterThan(5);
    // Ten loads share the runner's four batch slots (BULK_LOAD_CONCURRENCY's default), not four each.
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(4);
    for (const answer of answers) {
      if (answer.status !== 200) expect(answer).toMatchObject({ status: expect.toBeOneOf([429, 503]), retryAfter: expect.any(String) });
    }
    for (const id of loads) {
      const done = await service.call('GET', `/billingRunActions/tenant-a/bulkLoads/${id}`, { token: loader });
      expect(done.body).toMatchObject({ status: 'completed', loaded: 2_000 });
    }
  }, 180_000);
});
