import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../lib/local/dynamodb-local.ts';
import { localIssuer } from '../../lib/local/issuer.ts';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbTenantRegistry } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-registry.ts';
import { loadEnded, uniqueName } from '../support/fixtures.ts';
import { validBody } from '../../testkit/bodies.ts';
import { pollUntil } from '../support/poll.ts';

const root = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'bra-runner-'));
const tables = { TEST_TABLE: uniqueName('runner'), TEST_TENANTS_TABLE: uniqueName('runner-tenants') };
let port: number;
let token: string;
let child: ChildProcess | undefined;

/** The local service in its own process (test/support/local-service-child.ts); resolves with its URL once it serves. */
function startService(env: Record<string, string> = {}): Promise<string> {
  child = spawn(process.execPath, [join(root, 'test/support/local-service-child.ts')], {
    cwd: root,
    env: { ...process.env, ...tables, ...env, DATA_DIR: dataDir, PORT: String(port), TEST_DYNAMODB_ENDPOINT: inject('dynamoDbEndpoint') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolveReady, reject) => {
    child?.stdout?.on('data', (chunk: Buffer) => {
      const ready = /READY (\S+)/.exec(chunk.toString());
      if (ready) resolveReady(ready[1] as string);
    });
    child?.once('exit', (code) => reject(new Error(`the service exited with ${code}`)));
  });
}

const api = (url: string) => `${url}/billingRunActions/tenant-a/bulkLoads`;
const call = async (url: string, init: RequestInit = {}) => {
  const response = await fetch(url, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...init.headers },
  });
  return (await response.json()) as Record<string, any>;
};

beforeAll(async () => {
  port = await freePort();
  token = await (await localIssuer(dataDir)).sign({ tenant: 'tenant-a' });
});
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the local bulk load runner', () => {
  it('resumes a load after the service is killed in the middle of it, loading every line exactly once, even with other batch settings', async () => {
    const url = await startService({ BULK_BATCH_LINES: '50', BULK_LOAD_CONCURRENCY: '1' });
    const lines = 4000;
    const file = Array.from({ length: lines }, (_, i) => JSON.stringify(validBody({ billing_run_id: 'resumed', name: `n${i}` }))).join(
      '\n',
    );
    const started = await call(api(url), { method: 'POST', body: JSON.stringify({ source_file: 'big.ndjson' }) });
    await fetch(started.upload.url, { method: 'PUT', headers: started.upload.headers, body: file });
    const partway = await pollUntil(() => call(`${api(url)}/${started.id}`), {
      what: 'A load of 200 lines or more',
      timeoutMs: 50_000,
      intervalMs: 25,
      until: (load) => load.loaded >= 200,
    });
    child?.kill('SIGKILL');
    expect(partway).toMatchObject({ status: 'loading', lines });
    expect(partway.loaded).toBeLessThan(lines);

    // Batches of another size would overlap those already loaded: the load keeps the batches it began with.
    const again = await startService({ BULK_BATCH_LINES: '300', BULK_LOAD_CONCURRENCY: '4' });
    const done = await pollUntil(() => call(`${api(again)}/${started.id}`), {
      what: 'The end of the resumed load',
      timeoutMs: 50_000,
      intervalMs: 25,
      until: (load) => load.status !== 'loading',
    });
    expect(done).toMatchObject({ status: 'completed', lines, loaded: lines, failed: 0, errors: [] });
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await call(
        `${again}/billingRunActions/tenant-a/billingRun/resumed?limit=1000${cursor ? `&exclusiveStartKey=${encodeURIComponent(cursor)}` : ''}`,
      );
      count += page.Count;
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    expect(count).toBe(lines);
    const client = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
    expect(await new DynamoDbTenantRegistry(client, tables.TEST_TENANTS_TABLE).recordCount('tenant-a')).toBe(lines);
    client.destroy();
    child?.kill('SIGKILL');
  }, 120_000);

  it('keeps its memory flat on a file far larger than any buffer it holds (a 300 MB line among short ones)', async () => {
    const url = await startService();
    const path = join(dataDir, 'huge.ndjson');
    const out = createWriteStream(path);
    const valid = `${JSON.stringify(validBody({ billing_run_id: 'huge' }))}\n`;
    for (let i = 0; i < 5; i++) out.write(valid);
    const block = Buffer.alloc(1024 * 1024, 0x78);
    for (let i = 0; i < 300; i++) if (!out.write(block)) await new Promise<void>((resolveDrain) => out.once('drain', () => resolveDrain()));
    out.write('\n');
    for (let i = 0; i < 5; i++) out.write(valid);
    await new Promise<void>((resolveEnd) => out.end(() => resolveEnd()));

    const highWater = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child?.pid}/status`, 'utf8'))?.[1]) * 1024;
    // A small load first: what any first load builds (its clients, the change stream consumer's) is not the big file's.
    const warm = await call(api(url), { method: 'POST', body: JSON.stringify({ source_file: 'warm.ndjson' }) });
    await fetch(warm.upload.url, { method: 'PUT', headers: warm.upload.headers, body: valid.repeat(2) });
    await pollUntil(() => call(`${api(url)}/${warm.id}`), { what: 'The end of the warm-up load', timeoutMs: 30_000, until: loadEnded });
    await new Promise((settle) => setTimeout(settle, 1_000));
    const before = highWater();
    const started = await call(api(url), { method: 'POST', body: JSON.stringify({ source_file: 'huge.ndjson' }) });
    const { createReadStream, statSync } = await import('node:fs');
    const { Readable } = await import('node:stream');
    await fetch(started.upload.url, {
      method: 'PUT',
      headers: { ...started.upload.headers, 'Content-Length': String(statSync(path).size) },
      body: Readable.toWeb(createReadStream(path)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    const done = await pollUntil(() => call(`${api(url)}/${started.id}`), {
      what: 'The end of the load of a 300 MB line',
      timeoutMs: 90_000,
      intervalMs: 25,
      until: loadEnded,
    });
    expect(done).toMatchObject({ status: 'completed with errors', lines: 11, loaded: 10, failed: 1 });
    expect(done.errors).toEqual([{ line: 6, message: `Request body is ${300 * 1024 * 1024} bytes; the limit is 262144 bytes (256 KiB)` }]);
    expect(highWater() - before).toBeLessThan(100 * 1024 * 1024);
    child?.kill('SIGKILL');
  }, 120_000);
});
