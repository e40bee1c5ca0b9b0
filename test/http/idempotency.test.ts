import { request as httpRequest } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../lib/tenants/tenant-provisioning.ts';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

const service = serviceForThisFile();
/** Of both tenants. */
let token: string;

beforeAll(async () => {
  token = await service.issuer.sign({ tenant: ['tenant-a', 'tenant-b'] });
});

const create = (tenant: string, key: string | undefined, body: unknown, raw?: string) =>
  service.call('POST', `/billingRunActions/${tenant}`, {
    token,
    ...(raw === undefined ? { body } : { rawBody: raw }),
    headers: { 'Content-Type': 'application/json', ...(key && { 'Idempotency-Key': key }) },
  });
const count = async (tenant: string, run: string) =>
  (await service.call('GET', `/billingRunActions/${tenant}/billingRun/${run}?limit=1000`, { token })).body.Count;

describe('Idempotency-Key on create', () => {
  it('replays the first response for the same key and body, creating nothing more', async () => {
    const body = validBody({ billing_run_id: 'idem-1' });
    const first = await create('tenant-a', 'key-1', body);
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // The same JSON with other key order and spacing is the same body.
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(body).reverse()), null, 2);
    const again = await create('tenant-a', 'key-1', undefined, reordered);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await count('tenant-a', 'idem-1')).toBe(1);
  });

  it('answers 409 for the same key with another body, and changes nothing', async () => {
    await create('tenant-a', 'key-2', validBody({ billing_run_id: 'idem-2' }));
    const other = await create('tenant-a', 'key-2', validBody({ billing_run_id: 'idem-2', name: 'different' }));
    expect(other.status).toBe(409);
    expect(other.body.message).toBe("Idempotency-Key 'key-2' was already used with a different body");
    expect(await count('tenant-a', 'idem-2')).toBe(1);
  });

  it('keeps keys per tenant', async () => {
    const body = validBody({ billing_run_id: 'idem-3' });
    const a = await create('tenant-a', 'shared-key', body);
    const b = await create('tenant-b', 'shared-key', body);
    expect(b.status).toBe(200);
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
  });

  it('creates exactly once for many concurrent retries with one key', async () => {
    const body = validBody({ billing_run_id: 'idem-4' });
    const responses = await Promise.all(Array.from({ length: 12 }, () => create('tenant-a', 'concurrent-key', body)));
    expect(responses.map((response) => response.status)).toEqual(Array(12).fill(200));
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
    expect(responses.filter((response) => response.headers.get('idempotent-replayed') === 'true')).toHaveLength(11);
    expect(await count('tenant-a', 'idem-4')).toBe(1);
  });

  it('stores nothing for a refused create, so the key can be used again', async () => {
    const refused = await create('tenant-a', 'key-5', validBody({ billing_run_id: 'idem-5', status: 'nope' }));
    expect(refused.status).toBe(400);
    const fixed = await create('tenant-a', 'key-5', validBody({ billing_run_id: 'idem-5' }));
    expect(fixed.status).toBe(200);
    expect(fixed.headers.get('idempotent-replayed')).toBeNull();
  });

  it('replays even when the tenant has since reached its record limit', async () => {
    await provisionTenant(service.tenants, 'tenant-b', { maxActions: 2 });
    const body = validBody({ billing_run_id: 'idem-6' });
    const first = await create('tenant-b', 'key-6', body);
    expect(first.status).toBe(200);
    expect((await create('tenant-b', undefined, body)).status).toBe(429);
    const replay = await create('tenant-b', 'key-6', body);
    expect(replay).toMatchObject({ status: 200, body: { id: first.body.id } });
  });

  it.each(['x'.repeat(256), 'with space', 'tab\there', 'ünïcode'])('refuses the key %j with 400', async (key) => {
    const { status, body } = await new Promise<{ status: number; body: any }>((resolve, reject) => {
      const request = httpRequest(
        `${service.url}/billingRunActions/tenant-a`,
        { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': key } },
        (response) => {
          let text = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
        },
      );
      request.on('error', reject);
      request.end(JSON.stringify(validBody({ billing_run_id: 'idem-bad-key' })));
    });
    expect(status).toBe(400);
    expect(body.details[0].path).toBe('Idempotency-Key');
    expect(await count('tenant-a', 'idem-bad-key')).toBe(0);
  });
});
