import { beforeAll, describe, expect, it } from 'vitest';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

const service = serviceForThisFile();
let tokenBoth: string;
const ids: string[] = [];

beforeAll(async () => {
  tokenBoth = await service.issuer.sign({ tenant: ['tenant-a', 'tenant-b'] });
  for (let i = 0; i < 7; i++) {
    const response = await service.call('POST', '/billingRunActions/tenant-a', {
      token: service.token,
      body: validBody({
        name: `action ${i}`,
        certification_id: 'cert-list',
        application_id: `app-${i % 2}`,
        training_provider_id: 'tp-list',
        billing_run_id: 'run-list',
      }),
    });
    expect(response.status, response.text).toBe(200);
    ids.push(response.body.id);
  }
  // The same lookup value in another tenant must never show up.
  await service.call('POST', '/billingRunActions/tenant-b', { token: tokenBoth, body: validBody({ certification_id: 'cert-list' }) });
});

const list = (path: string, token = service.token) => service.call('GET', `/billingRunActions/tenant-a${path}`, { token });

describe('lists', () => {
  it.each([
    ['certification', '/certification/cert-list', 7],
    ['application', '/application/app-0', 4],
    ['training provider', '/trainingProvider/tp-list', 7],
    ['billing run', '/billingRun/run-list', 7],
  ])('by %s return the tenant’s records in creation order', async (_name, path, count) => {
    const response = await list(path);
    expect(response.status).toBe(200);
    expect(response.body.Count).toBe(count);
    const returned = response.body.Items.map((item: { id: string }) => item.id);
    expect(returned).toEqual(ids.filter((id) => returned.includes(id)));
    expect(response.body).not.toHaveProperty('LastEvaluatedKey');
    expect(response.body.Items[0]).not.toHaveProperty('pk');
  });

  it('pages with limit and an opaque cursor, and gives no cursor on the last page', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = `?limit=3${cursor ? `&exclusiveStartKey=${encodeURIComponent(cursor)}` : ''}`;
      const response = await list(`/certification/cert-list${query}`);
      expect(response.status).toBe(200);
      seen.push(...response.body.Items.map((item: { id: string }) => item.id));
      cursor = response.body.LastEvaluatedKey;
      pages++;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
    const exact = await list('/certification/cert-list?limit=7');
    expect(exact.body.Count).toBe(7);
    expect(exact.body).not.toHaveProperty('LastEvaluatedKey');
  });

  it('returns only the requested fields', async () => {
    const response = await list('/billingRun/run-list?fields=name&limit=1');
    expect(response.body.Items).toEqual([{ id: ids[0], name: 'action 0' }]);
  });

  it('answers an empty 200 when nothing matches', async () => {
    expect((await list('/certification/nothing')).body).toEqual({ Count: 0, Items: [] });
  });

  it('refuses a tampered cursor, or one from another list or tenant', async () => {
    const first = await list('/certification/cert-list?limit=2');
    const cursor: string = first.body.LastEvaluatedKey;
    const [keyId, payload, signature] = cursor.split('.') as [string, string, string];
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString());
    decoded[3] = ids[5];
    const forged = `${keyId}.${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${signature}`;
    const flipped = `${keyId}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    const otherKey = `${keyId.slice(0, -1)}${keyId.endsWith('A') ? 'B' : 'A'}.${payload}.${signature}`;
    for (const bad of [forged, flipped, otherKey, 'garbage', `${payload}.${signature}`, `${cursor}.x`]) {
      const response = await list(`/certification/cert-list?exclusiveStartKey=${encodeURIComponent(bad)}`);
      expect(response.status).toBe(400);
      expect(response.body.details[0].path).toBe('exclusiveStartKey');
    }
    const otherValue = await list(`/certification/cert-other?exclusiveStartKey=${encodeURIComponent(cursor)}`);
    expect(otherValue.status).toBe(400);
    const otherLookup = await list(`/trainingProvider/cert-list?exclusiveStartKey=${encodeURIComponent(cursor)}`);
    expect(otherLookup.status).toBe(400);
    const otherTenant = await service.call(
      'GET',
      `/billingRunActions/tenant-b/certification/cert-list?exclusiveStartKey=${encodeURIComponent(cursor)}`,
      { token: tokenBoth },
    );
    expect(otherTenant.status).toBe(400);
  });

  it.each(['0', '1001', 'abc', '-1', '2.5', ''])('refuses limit=%s', async (limit) => {
    const response = await list(`/certification/cert-list?limit=${limit}`);
    expect(response.status).toBe(400);
    expect(response.body.details[0].path).toBe('limit');
  });

  it('refuses a malformed lookup value and unknown fields', async () => {
    const response = await list(`/certification/${encodeURIComponent('a b')}?fields=nope`);
    expect(response.status).toBe(400);
    expect(response.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['certification_id', 'fields']);
  });

  it('refuses a query parameter the operation does not take, naming it, on every operation', async () => {
    const misspelt = await list('/billingRun/run-list?staus=error&limit=5');
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.details).toEqual([{ path: 'staus', message: 'is not a parameter of this operation' }]);
    const get = await service.call('GET', `/billingRunActions/tenant-a/${ids[0]}?consistentread=true`, { token: service.token });
    expect(get.status).toBe(400);
    expect(get.body.details).toEqual([{ path: 'consistentread', message: 'is not a parameter of this operation' }]);
    const create = await service.call('POST', '/billingRunActions/tenant-a?dryRun=true', { token: service.token, body: {} });
    expect(create.status).toBe(400);
    expect(create.body.details).toContainEqual({ path: 'dryRun', message: 'is not a parameter of this operation' });
  });

  it('lists one status alone with ?status=, page by page, its cursor bound to the filter, and refuses a status that is none', async () => {
    const statuses = ['error', 'pending', 'payment failure', 'error', 'completed', 'error'];
    const made: string[] = [];
    for (const status of statuses) made.push((await service.createRecord({ billing_run_id: 'run-status', status })).id);
    const inError = made.filter((_, index) => statuses[index] === 'error');

    const first = await list('/billingRun/run-status?status=error&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.Items.map((item: { id: string }) => item.id)).toEqual(inError.slice(0, 2));
    const cursor = encodeURIComponent(first.body.LastEvaluatedKey);
    const second = await list(`/billingRun/run-status?status=error&limit=2&exclusiveStartKey=${cursor}`);
    expect(second.body).toMatchObject({ Count: 1, Items: [{ id: inError[2], status: 'error' }] });
    expect(second.body.LastEvaluatedKey).toBeUndefined();
    // The cursor leads on in its own list only: not without the filter, not under another status.
    for (const other of ['', '&status=pending']) {
      const refused = await list(`/billingRun/run-status?limit=2&exclusiveStartKey=${cursor}${other}`);
      expect(refused.status).toBe(400);
      expect(refused.body.details).toEqual([{ path: 'exclusiveStartKey', message: 'cursor belongs to another list' }]);
    }

    const spaced = await list('/billingRun/run-status?status=payment%20failure&fields=status');
    expect(spaced.body).toEqual({ Count: 1, Items: [{ id: made[2], status: 'payment failure' }] });
    expect((await list('/trainingProvider/tp-list?status=completed')).body.Count).toBe(0);
    const unknown = await list('/billingRun/run-status?status=failed');
    expect(unknown.status).toBe(400);
    expect(unknown.body.details[0]).toMatchObject({
      path: 'status',
      message: expect.stringContaining('must be one of: pending, processing'),
    });
  });

  it('never shows another tenant’s records', async () => {
    const b = await service.call('GET', '/billingRunActions/tenant-b/certification/cert-list', { token: tokenBoth });
    expect(b.body.Count).toBe(1);
    expect(ids).not.toContain(b.body.Items[0].id);
    expect((await service.call('GET', `/billingRunActions/tenant-b/${ids[0]}`, { token: tokenBoth })).status).toBe(404);
  });
});
