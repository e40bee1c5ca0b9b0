import { describe, expect, it } from 'vitest';
import { validBody } from '../support/fixtures.ts';
import { type TestService, serviceForThisFile } from '../support/http-service.ts';

/**
 * Defects an attack run on the bulk load found (each reproduced as it was observed, through HTTP):
 * they stay fixed here. The kill-and-resume and load-isolation cases need a service of their own
 * (bulk-load-runner.test.ts).
 */
let service: TestService;
let token: string;
serviceForThisFile((started, signed) => {
  service = started;
  token = signed;
});
const base = '/billingRunActions/tenant-a';

const startLoad = (key?: string) =>
  service.call('POST', `${base}/bulkLoads`, {
    token,
    body: { source_file: 'defects.ndjson' },
    headers: { 'Content-Type': 'application/json', ...(key && { 'Idempotency-Key': key }) },
  });

describe('upload URLs', () => {
  it('answers a malformed percent-escape in an upload URL with 400 and a request id, like the API routes', async () => {
    const response = await service.rawCall('PUT', '/bulkLoadUploads/%ZZ/x?expires=1&signature=x', { headers: {}, body: 'x' });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text).message).toMatch(/Malformed URL path/);
    expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('Idempotency-Key namespaces', () => {
  it('keeps the keys of creates and of bulk load starts apart, whatever a key holds', async () => {
    const load = await startLoad('shared-namespace');
    expect(load.status).toBe(200);
    for (const key of ['bulkload#shared-namespace', 'bulkLoad#shared-namespace', 'create#x']) {
      const created = await service.call('POST', base, {
        token,
        body: validBody({ billing_run_id: 'namespaces' }),
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
      });
      expect(created.status, key).toBe(200);
    }
    // And the reverse: a load started with a key a create used is a new load, not a 409.
    const reverse = await startLoad('create#x');
    expect(reverse.status).toBe(200);
    expect(reverse.body.id).not.toBe(load.body.id);
    expect((await startLoad('shared-namespace')).body.id).toBe(load.body.id);
  });
});
