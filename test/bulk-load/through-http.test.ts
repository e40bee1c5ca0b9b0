import { describe, expect, it } from 'vitest';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

const service = serviceForThisFile();

const start = (tenant: string, body: unknown, headers: Record<string, string> = {}) =>
  service.call('POST', `/billingRunActions/${tenant}/bulkLoads`, {
    token: service.token,
    body,
    headers: { 'Content-Type': 'application/json', ...headers },
  });

/** Sends the file the way the answer says: its method, URL and headers, nothing else. */
const upload = (target: { url: string; method: string; headers: Record<string, string> }, file: string) =>
  fetch(target.url, { method: target.method, headers: target.headers, body: file });

/** Reads the load until it has ended, and answers it as it ended. */
const follow = (tenant: string, id: string): Promise<Record<string, any>> => service.followLoad(tenant, id, { timeoutMs: 10_000 });

const line = (overrides: Record<string, unknown> = {}) => JSON.stringify(validBody({ billing_run_id: 'bulk-http', ...overrides }));

describe('bulk load through HTTP on the local gateway', () => {
  it('starts a load, takes its file on the upload target, and reports counts and line errors in line order', async () => {
    const started = await start('tenant-a', { source_file: 'november.ndjson' });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ status: 'awaiting upload', source_file: 'november.ndjson', loaded: 0, failed: 0 });
    expect(started.body.upload).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'application/x-ndjson' } });

    const file = [line({ name: 'a' }), line({ status: 'sideways' }), '', 'nope', line({ name: 'b', status: 'processing' })].join('\n');
    const sent = await upload(started.body.upload, file);
    expect(sent.status).toBe(200);
    const done = await follow('tenant-a', started.body.id);
    expect(done).toMatchObject({ status: 'completed with errors', lines: 4, loaded: 2, failed: 2 });
    expect(done.errors).toEqual([
      {
        line: 2,
        message: 'Invalid billing run action: status',
        details: [{ path: 'status', message: expect.stringContaining('Invalid option') }],
      },
      { line: 4, message: 'Request body is not valid JSON' },
    ]);
    expect(done.started_at <= done.finished_at).toBe(true);

    const listed = await service.call('GET', '/billingRunActions/tenant-a/billingRun/bulk-http', { token: service.token });
    expect(listed.body.Items.map((record: Record<string, unknown>) => [record.name, record.sys_bulk_load_record_no])).toEqual([
      ['a', 1],
      ['b', 5],
    ]);
    // Another tenant sees neither the load nor its records.
    const token2 = await service.issuer.sign({ tenant: ['tenant-b'] });
    expect((await service.call('GET', `/billingRunActions/tenant-b/bulkLoads/${started.body.id}`, { token: token2 })).status).toBe(404);
  });

  it('answers the same load for the same Idempotency-Key and body, and 409 for another body', async () => {
    const first = await start('tenant-a', { source_file: 'a.ndjson' }, { 'Idempotency-Key': 'bulk-key-1' });
    const again = await start('tenant-a', { source_file: 'a.ndjson' }, { 'Idempotency-Key': 'bulk-key-1' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await start('tenant-a', { source_file: 'b.ndjson' }, { 'Idempotency-Key': 'bulk-key-1' });
    expect(other.status).toBe(409);
  });

  it('refuses bad starts, forged or reused upload URLs, and a load that is not the caller tenant’s', async () => {
    expect((await start('tenant-a', {})).body).toMatchObject({ message: 'Invalid bulk load: source_file' });
    expect((await start('tenant-a', { source_file: 'x', extra: 1 })).status).toBe(400);
    expect((await start('tenant-a', { source_file: 'x'.repeat(257) })).status).toBe(400);
    expect((await service.call('GET', '/billingRunActions/tenant-a/bulkLoads/no-such-load', { token: service.token })).status).toBe(404);
    expect((await service.call('GET', '/billingRunActions/tenant-a/bulkLoads', { token: service.token })).status).toBe(404);

    const started = await start('tenant-a', { source_file: 'c.ndjson' });
    const forged = new URL(started.body.upload.url);
    forged.searchParams.set('signature', 'forged');
    expect((await upload({ ...started.body.upload, url: forged.href }, line())).status).toBe(403);
    expect((await upload(started.body.upload, line())).status).toBe(200);
    expect((await upload(started.body.upload, line())).status).toBe(409);
    expect(await follow('tenant-a', started.body.id)).toMatchObject({ status: 'completed', lines: 1, loaded: 1, errors: [] });

    const raced = await start('tenant-a', { source_file: 'raced.ndjson' });
    const statuses = await Promise.all([upload(raced.body.upload, line()), upload(raced.body.upload, line())]);
    expect(statuses.map((response) => response.status).sort()).toEqual([200, 409]);
    expect(await follow('tenant-a', raced.body.id)).toMatchObject({ status: 'completed', lines: 1, loaded: 1 });

    const empty = await start('tenant-a', { source_file: 'empty.ndjson' });
    await upload(empty.body.upload, '\n\n');
    expect(await follow('tenant-a', empty.body.id)).toMatchObject({ status: 'failed', message: 'The uploaded file holds no lines' });
  });
});
