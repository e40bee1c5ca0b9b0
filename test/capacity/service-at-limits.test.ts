import { describe, expect, it, vi } from 'vitest';
import { AWS_CAPACITY } from '../../lib/local/capacity/settings.ts';
import { validBody } from '../../testkit/bodies.ts';
import { captureOutput } from '../support/captured-output.ts';
import { serviceForThisFile } from '../support/http-service.ts';

// The functions' metrics and log lines, which these tests read: set before the modules that read them load.
vi.hoisted(() => Object.assign(process.env, { POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_LOG_LEVEL: 'INFO' }));

/**
 * The service under the capacity emulator at scale 20 (50 write units a second per partition key
 * value, 200 per table and index; a transaction holds its items 200 ms), through HTTP: what DynamoDB's
 * limits do to it in AWS, seen on the laptop.
 */
const SCALE = 20;
const service = serviceForThisFile({ tenants: ['tenant-a'], authorizerCacheTtlSeconds: 300, capacity: { ...AWS_CAPACITY, scale: SCALE } });
const token = () => service.token;
const output = captureOutput();

const create = (overrides: Record<string, unknown> = {}) =>
  fetch(`${service.url}/billingRunActions/tenant-a`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token()}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(validBody(overrides)),
  });
const metricLines = () =>
  output
    .written()
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
/** A metric's sum over the lines (Powertools writes a metric counted several times in one invocation as a list of values). */
const total = (name: string) =>
  metricLines().reduce((sum, line) => sum + [line[name] ?? []].flat().reduce((a: number, b) => a + Number(b), 0), 0);

const paced = async (count: number, everyMs: number, send: () => Promise<Response>): Promise<number[]> => {
  const answers: Promise<Response>[] = [];
  for (let index = 0; index < count; index++) {
    answers.push(send());
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return (await Promise.all(answers)).map((answer) => answer.status);
};

async function bulkLoad(lines: string[]): Promise<Record<string, unknown>> {
  const headers = { Authorization: `Bearer ${token()}`, 'Content-Type': 'application/json' };
  const started = await fetch(`${service.url}/billingRunActions/tenant-a/bulkLoads`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ source_file: 'one-run.ndjson' }),
  });
  const load = (await started.json()) as { id: string; upload: { url: string; method: string; headers: Record<string, string> } };
  await fetch(load.upload.url, { method: load.upload.method, headers: load.upload.headers, body: `${lines.join('\n')}\n` });
  return service.followLoad('tenant-a', load.id, { timeoutMs: 45_000, intervalMs: 200 });
}

describe('the service at DynamoDB capacity limits (emulated, scaled down)', () => {
  it("meets transaction conflicts on its counter's shards when one tenant creates many at once: counted, answered 200 or 429, never 500", async () => {
    const statuses = (await Promise.all(Array.from({ length: 60 }, () => create()))).map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
    expect(total('StorageConflicts')).toBeGreaterThan(0);
    expect(service.capacity?.report().conflicts).toBeGreaterThan(0);
  });

  it("throttles reads of one record past its partition's read rate: counted, retried by the SDK, answered 200 or 429, never 500", async () => {
    // 20 KB: each eventually consistent read of it takes 2.5 read units of the key's 150 a second.
    const record = (await (await create({ error_message: 'x'.repeat(20_000) })).json()) as { id: string };
    const read = () => fetch(`${service.url}/billingRunActions/tenant-a/${record.id}`, { headers: { Authorization: `Bearer ${token()}` } });
    const statuses = (await Promise.all(Array.from({ length: 300 }, read))).map((answer) => answer.status);
    expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
    expect(total('StorageThrottled')).toBeGreaterThan(0);
  });

  it("sustains a premium tenant's scaled create rate (200 / 20 a second) with at least 99% success: the counter is in shards", async () => {
    const statuses = await paced(30, (1000 * SCALE) / 200, () => create());
    expect(statuses.filter((status) => status === 200).length / statuses.length).toBeGreaterThanOrEqual(0.99);
  });

  it('loads a one-billing-run file with every line although its index key is past its write rate: its batches wait out the throttling', async () => {
    const lines = Array.from({ length: 200 }, (_, index) =>
      JSON.stringify(validBody({ billing_run_id: 'one-run', name: `line ${index}` })),
    );
    const load = await bulkLoad(lines);
    expect(load).toMatchObject({ status: 'completed', loaded: 200, failed: 0 });
    expect(total('StorageThrottled')).toBeGreaterThan(0);
    const listed = (await (
      await fetch(`${service.url}/billingRunActions/tenant-a/billingRun/one-run?limit=1000`, {
        headers: { Authorization: `Bearer ${token()}` },
      })
    ).json()) as { Items: { id: string }[] };
    const ids = listed.Items.map((item) => item.id);
    expect(ids).toHaveLength(200);
    expect(ids).toEqual([...ids].sort());
  }, 60_000);
});
