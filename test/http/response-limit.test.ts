import { beforeAll, describe, expect, it } from 'vitest';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

const service = serviceForThisFile();
const base = '/billingRunActions/tenant-a';

describe("Lambda's 6 MB response limit", () => {
  const large = (tag: string) => validBody({ billing_run_id: tag, training_provider_billing_records: [{ blob: 'x'.repeat(200 * 1024) }] });
  let ids: string[];

  beforeAll(async () => {
    ids = [];
    for (let i = 0; i < 32; i++) {
      const response = await service.call('POST', base, { token: service.token, body: large('large-run') });
      expect(response.status).toBe(200);
      ids.push(response.body.id);
    }
  }, 60_000);

  it('ends a list page early with a cursor, and paging still visits every record once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = cursor ? `?exclusiveStartKey=${encodeURIComponent(cursor)}` : '';
      const page = await service.call('GET', `${base}/billingRun/large-run${query}`, { token: service.token });
      expect(page.status).toBe(200);
      expect(Buffer.byteLength(page.text)).toBeLessThan(6 * 1024 * 1024);
      expect(page.body.Count).toBe(page.body.Items.length);
      seen.push(...page.body.Items.map((item: { id: string }) => item.id));
      cursor = page.body.LastEvaluatedKey;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(1);
    expect(seen).toEqual(ids);
  }, 30_000);

  it('leaves out of a batch answer the records it cannot carry, and says so', async () => {
    const batch = await service.call('POST', `${base}/batch`, {
      token: service.token,
      body: { operations: ids.map((id) => ({ op: 'patch', id, patch: [{ op: 'replace', path: '/status', value: 'completed' }] })) },
    });
    expect(batch.status).toBe(200);
    expect(Buffer.byteLength(batch.text)).toBeLessThan(6 * 1024 * 1024);
    expect(batch.body.success_count).toBe(32);
    const omitted = batch.body.results.filter((result: { record_omitted?: boolean }) => result.record_omitted === true);
    expect(omitted.length).toBeGreaterThan(0);
    for (const result of batch.body.results) {
      expect(result.status).toBe(200);
      expect(result.record_omitted === true ? result.record : result.record?.status).toBe(
        result.record_omitted === true ? undefined : 'completed',
      );
    }
    // Every patch applied, shown or not.
    const page = await service.call('GET', `${base}/billingRun/large-run?fields=status&limit=100`, { token: service.token });
    expect(page.body.Items.map((item: { status: string }) => item.status)).toEqual(ids.map(() => 'completed'));
  }, 30_000);
});
