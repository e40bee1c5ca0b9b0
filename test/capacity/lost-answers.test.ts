import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sender } from '../../lib/local/capacity/proxy.ts';
import { AWS_CAPACITY } from '../../lib/local/capacity/settings.ts';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';
import { lateTransactionAnswers, proxyThrough } from '../support/late-answers.ts';

/*
 * As a client meets it through the local service under the capacity emulator (scale 20): a write whose
 * transaction landed but whose answer came after the function's DynamoDB client gave the attempt up
 * (each attempt may take 150 ms here; the answer comes 1.5 s late) answers what it did, once.
 */
process.env.DYNAMODB_ATTEMPT_TIMEOUT_MS = '150';
const late = lateTransactionAnswers();
let upstream: Awaited<ReturnType<typeof proxyThrough>>;
beforeAll(async () => {
  upstream = await proxyThrough(late.wrap(sender(inject('dynamoDbEndpoint'))));
});
afterAll(async () => {
  await upstream?.stop();
  delete process.env.DYNAMODB_ATTEMPT_TIMEOUT_MS;
});
const service = serviceForThisFile({
  tenants: ['tenant-a'],
  capacity: { ...AWS_CAPACITY, scale: 20 },
  dynamoDbEndpoint: () => upstream.url,
});
const API = '/billingRunActions/tenant-a';
const settle = () => new Promise((resolve) => setTimeout(resolve, 300)); // the emulator's holds (200 ms at scale 20) end

describe('answers true when a transaction landed and its answer was lost', () => {
  it('a create answers 200 once: one record, counted once', async () => {
    const before = await service.tenants.recordCount('tenant-a');
    const answeredByToken = service.capacity?.report().answeredByToken ?? 0;
    late.next(1, 1_500);
    const created = await service.call('POST', API, { token: service.token, body: validBody({ name: 'lost answer' }) });
    expect(created.status).toBe(200);
    expect(late.pending()).toBe(0);
    expect(service.capacity?.report().answeredByToken).toBeGreaterThan(answeredByToken);
    const read = await service.call('GET', `${API}/${created.body.id}?consistentRead=true`, { token: service.token });
    expect(read.body).toEqual(created.body);
    const listed = await service.call('GET', `${API}/certification/${created.body.certification_id}?limit=1000`, { token: service.token });
    expect(listed.body.Items.filter((item: { name: string }) => item.name === 'lost answer')).toHaveLength(1);
    expect(await service.tenants.recordCount('tenant-a')).toBe(before + 1);
  });

  it("a batch's delete answers 200 for its operation and gives the record's place back once", async () => {
    const created = await service.createRecord();
    await settle();
    const before = await service.tenants.recordCount('tenant-a');
    late.next(1, 1_500);
    const batch = await service.call('POST', `${API}/batch`, {
      token: service.token,
      body: { operations: [{ op: 'delete', id: created.id }] },
    });
    expect(batch.status).toBe(200);
    expect(batch.body.results).toEqual([{ id: created.id, op: 'delete', status: 200 }]);
    expect(late.pending()).toBe(0);
    expect(await service.tenants.recordCount('tenant-a')).toBe(before - 1);
  });

  it('the start of a bulk load with a key answers the load it stored, and its repeat the same load', async () => {
    late.next(1, 1_500);
    const headers = { 'Idempotency-Key': 'lost-answer-load' };
    const started = await service.call('POST', `${API}/bulkLoads`, { token: service.token, body: { source_file: 'a.ndjson' }, headers });
    expect(started.status).toBe(200);
    expect(late.pending()).toBe(0);
    await settle();
    const repeated = await service.call('POST', `${API}/bulkLoads`, { token: service.token, body: { source_file: 'a.ndjson' }, headers });
    expect(repeated.status).toBe(200);
    expect(repeated.body.id).toBe(started.body.id);
  });
});

describe('concurrent starts of a bulk load with one Idempotency-Key', () => {
  it('give one load and no 429; another body after them is 409', async () => {
    const headers = { 'Idempotency-Key': 'one-key-ten-starts' };
    const starts = await Promise.all(
      Array.from({ length: 10 }, () =>
        service.call('POST', `${API}/bulkLoads`, { token: service.token, body: { source_file: 'run.ndjson' }, headers }),
      ),
    );
    expect(starts.map((start) => `${start.status} ${start.status === 200 ? '' : start.text}`)).toEqual(Array(10).fill('200 '));
    expect(new Set(starts.map((start) => start.body.id)).size).toBe(1);
    const other = await service.call('POST', `${API}/bulkLoads`, { token: service.token, body: { source_file: 'other.ndjson' }, headers });
    expect(other.status).toBe(409);
    expect(other.body.message).toMatch(/already used with a different body/);
  });
});
