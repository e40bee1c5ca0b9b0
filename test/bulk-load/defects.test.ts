import { describe, expect, it } from 'vitest';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

/**
 * Defects an attack run on the bulk load found (each reproduced as it was observed, through HTTP):
 * they stay fixed here. The kill-and-resume and load-isolation cases need a service of their own
 * (local-runner.test.ts, beside-the-api.test.ts).
 */
const service = serviceForThisFile();
const base = '/billingRunActions/tenant-a';

const startLoad = (key?: string) =>
  service.call('POST', `${base}/bulkLoads`, {
    token: service.token,
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
        token: service.token,
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

const record = (overrides: Record<string, unknown> = {}) => validBody({ billing_run_id: 'defects', ...overrides });

/** Starts a load, sends it the file as its answer says, and follows it to its end. */
async function load(file: string | Buffer): Promise<Record<string, any>> {
  const started = await startLoad();
  expect(started.status).toBe(200);
  const sent = await fetch(started.body.upload.url, { method: 'PUT', headers: started.body.upload.headers, body: file });
  expect(sent.status).toBe(200);
  return service.followLoad('tenant-a', started.body.id, { timeoutMs: 25_000 });
}

async function countListed(billingRun: string): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const after = cursor ? `&exclusiveStartKey=${encodeURIComponent(cursor)}` : '';
    const page = await service.call('GET', `${base}/billingRun/${billingRun}?limit=1000&fields=id${after}`, { token: service.token });
    count += page.body.Count;
    cursor = page.body.LastEvaluatedKey;
  } while (cursor);
  return count;
}

describe('errors are bounded in size', () => {
  const hugeKeys = () => ({ ...record(), ['k'.repeat(130_000)]: 1, ['j'.repeat(130_000)]: 2 });

  it('answers a create with two 130,000-character unknown keys with a small 400 that names them, cut, with their length', async () => {
    const response = await service.call('POST', base, { token: service.token, body: hugeKeys() });
    expect(response.status).toBe(400);
    expect(response.text.length).toBeLessThan(2_000);
    expect(response.body.details).toEqual([
      { path: `${'k'.repeat(200)}… (130,000 characters)`, message: 'unknown field' },
      { path: `${'j'.repeat(200)}… (130,000 characters)`, message: 'unknown field' },
    ]);
    expect(response.body.message).toBe(
      `Invalid billing run action: ${'k'.repeat(200)}… (130,000 characters), ${'j'.repeat(200)}… (130,000 characters)`,
    );
  });

  it('answers a body of 20,000 unknown fields with the first ones named, how many more there are, and 100 details', async () => {
    const body: Record<string, unknown> = record();
    for (let i = 0; i < 20_000; i++) body[`u${i}`] = 0;
    const response = await service.call('POST', base, { token: service.token, body });
    expect(response.status).toBe(400);
    expect(response.body.details).toHaveLength(100);
    expect(response.body.message).toBe(
      'Invalid billing run action: u0, u1, u2, u3, u4, u5, u6, u7, u8, u9 and 19,990 more (details show the first 100)',
    );
  });

  it('loads every other line of a batch whose line has an error too large for one item, and reports that line', async () => {
    const lines = Array.from({ length: 3_000 }, (_, i) => JSON.stringify(record({ billing_run_id: 'huge-error', name: `n${i}` })));
    lines[1_199] = JSON.stringify({ ...hugeKeys(), billing_run_id: 'huge-error' });
    const done = await load(lines.join('\n'));
    expect(done).toMatchObject({ status: 'completed with errors', lines: 3_000, loaded: 2_999, failed: 1 });
    expect(done.errors).toHaveLength(1);
    expect(done.errors[0]).toMatchObject({ line: 1_200, message: expect.stringContaining('… (130,000 characters)') });
    expect(JSON.stringify(done.errors).length).toBeLessThan(2_000);
    expect(await countListed('huge-error')).toBe(2_999);
  }, 60_000);
});

describe('the report of a load', () => {
  it('stays readable whatever its errors hold: its first 1,000 errors in pages that end within 6 MB, a key for the next, counts always complete', async () => {
    const line = (i: number) => {
      const body: Record<string, unknown> = record({ billing_run_id: 'big-report' });
      for (let k = 0; k < 60; k++) body[`${String(k).padStart(4, '0')}${'u'.repeat(100)}`] = i;
      return JSON.stringify(body);
    };
    const file = Array.from({ length: 1_100 }, (_, i) => line(i)).join('\n');
    expect(file.length).toBeGreaterThan(7_000_000);
    const done = await load(file);
    expect(done).toMatchObject({ status: 'completed with errors', lines: 1_100, loaded: 0, failed: 1_100 });
    expect(done.errors.length).toBeLessThan(1_000);
    expect(done.errors[0]).toMatchObject({ line: 1, message: expect.stringMatching(/ and 50 more$/) });
    expect(done.errors[0].details).toHaveLength(60);

    const lines: number[] = [];
    let key: string | undefined;
    let pages = 0;
    do {
      const after = key === undefined ? '' : `?errorsExclusiveStartKey=${key}`;
      const page = await service.call('GET', `${base}/bulkLoads/${done.id}${after}`, { token: service.token });
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ lines: 1_100, failed: 1_100 });
      lines.push(...page.body.errors.map((error: { line: number }) => error.line));
      key = page.body.errors_last_evaluated_key;
      pages++;
    } while (key !== undefined);
    expect(pages).toBeGreaterThan(1);
    // The first 1,000 line errors, each once; the 100 after them are counted in `failed`, not kept.
    expect(lines).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1));
  }, 60_000);

  it('answers the first 1,000 line errors and counts the rest, and refuses a key that is not one', async () => {
    const file = Array.from({ length: 1_203 }, (_, i) => (i % 2 === 0 ? `{"bad ${i}"` : JSON.stringify(record({ name: `ok ${i}` }))));
    const done = await load(file.join('\n'));
    expect(done).toMatchObject({ lines: 1_203, loaded: 601, failed: 602 });
    expect(done.errors).toHaveLength(602);
    expect(done).not.toHaveProperty('errors_last_evaluated_key');
    const many = await load(Array.from({ length: 1_500 }, (_, i) => `x${i}`).join('\n'));
    expect(many).toMatchObject({ lines: 1_500, loaded: 0, failed: 1_500 });
    expect(many.errors.map((error: { line: number }) => error.line)).toEqual(Array.from({ length: 1_000 }, (_, i) => 1 + i));
    expect(many).not.toHaveProperty('errors_last_evaluated_key');
    // A page after a line answers the rest of the first 1,000, and past them nothing.
    const after400 = await service.call('GET', `${base}/bulkLoads/${many.id}?errorsExclusiveStartKey=400`, { token: service.token });
    expect(after400.body.errors.map((error: { line: number }) => error.line)).toEqual(Array.from({ length: 600 }, (_, i) => 401 + i));
    const rest = await service.call('GET', `${base}/bulkLoads/${many.id}?errorsExclusiveStartKey=1000`, { token: service.token });
    expect(rest.body).toMatchObject({ failed: 1_500, errors: [] });
    expect(rest.body).not.toHaveProperty('errors_last_evaluated_key');
    const bad = await service.call('GET', `${base}/bulkLoads/${many.id}?errorsExclusiveStartKey=abc`, { token: service.token });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([
      { path: 'errorsExclusiveStartKey', message: 'must be the errors_last_evaluated_key of a previous read of this load' },
    ]);
  }, 60_000);
});

describe('bodies and bulk load lines are read by one rule', () => {
  const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((part) => Buffer.from(part as string)));
  const post = (body: Buffer) =>
    fetch(`${service.url}${base}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${service.token}`, 'Content-Type': 'application/json' },
      body,
    });
  const BOM = [0xef, 0xbb, 0xbf];
  const NOT_UTF8 = [0xc3, 0x28];
  const valid = (name: string) => JSON.stringify(record({ billing_run_id: 'one-rule', name }));

  it('drops a byte order mark at the start, refuses bytes that are not UTF-8 alike, and skips a blank line however long', async () => {
    expect((await post(bytes(BOM, valid('body with a BOM')))).status).toBe(200);
    const refused = await post(bytes('{"name":"', NOT_UTF8, '"}'));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ message: 'Request body is not valid UTF-8' });

    const file = bytes(
      BOM,
      valid('line with a BOM'),
      '\n',
      '{"name":"',
      NOT_UTF8,
      '"}\n',
      ' '.repeat(300 * 1024),
      '\n',
      BOM,
      '\t'.repeat(300 * 1024),
      '\r\n',
      valid('last'),
    );
    const done = await load(file);
    expect(done).toMatchObject({ status: 'completed with errors', lines: 3, loaded: 2, failed: 1 });
    expect(done.errors).toEqual([{ line: 2, message: 'Request body is not valid UTF-8' }]);
    expect(await countListed('one-rule')).toBe(3);
  });
});

describe('what the attack run found next', () => {
  it('refuses an object key past 8 KiB with a 400 naming it, in a body and in a line, instead of a storage failure', async () => {
    const key = 'k'.repeat(50_001);
    const body = record({ billing_run_id: 'long-key', training_provider_billing_records: [{ [key]: 1 }] });
    const refused = await service.call('POST', base, { token: service.token, body });
    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual([
      {
        path: `training_provider_billing_records.0.${'k'.repeat(164)}… (50,037 characters)`,
        message: 'object keys may hold at most 8192 bytes (UTF-8)',
      },
    ]);
    const done = await load([JSON.stringify(body), JSON.stringify(record({ billing_run_id: 'long-key' }))].join('\n'));
    expect(done).toMatchObject({ status: 'completed with errors', loaded: 1, failed: 1 });
    expect(done.errors[0]).toMatchObject({
      line: 1,
      message: expect.stringMatching(/^Invalid body: training_provider_billing_records.0.k+… \(50,037 characters\)$/),
    });
  }, 30_000);
});
