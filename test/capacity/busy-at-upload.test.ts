import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { AWS_CAPACITY } from '../../lib/local/capacity/settings.ts';
import { writeUnits } from '../../lib/local/capacity/units.ts';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

/**
 * The table busy when a load's upload lands: the capacity emulator at scale 20 (the records table takes
 * 200 write units a second and holds a second of them), put in debt for about 20 seconds by one large
 * transaction of another writer, just before the upload. The load's start of loading, its batches and
 * its end all meet the throttling, wait it out, and the load completes with every line once.
 */
const SCALE = 20;
const service = serviceForThisFile({ tenants: ['tenant-a'], authorizerCacheTtlSeconds: 300, capacity: { ...AWS_CAPACITY, scale: SCALE } });
const FILLER_BYTES = 390_000;
const FILLERS = 5;

describe('a bulk load whose table is throttled when its upload lands', () => {
  it('waits the throttling out and completes, every line loaded once', async () => {
    const headers = { Authorization: `Bearer ${service.token}`, 'Content-Type': 'application/json' };
    const started = await fetch(`${service.url}/billingRunActions/tenant-a/bulkLoads`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ source_file: 'busy.ndjson' }),
    });
    expect(started.status).toBe(200);
    const load = (await started.json()) as { id: string; upload: { url: string; method: string; headers: Record<string, string> } };

    // Transactional writes cost twice: five items of 390 KB put the table 3,900 units in debt, which it
    // pays off at 200 a second: throttled for about 19.5 s (the test checks the debt, not the clock).
    const debt = FILLERS * 2 * writeUnits(FILLER_BYTES);
    const tableRate = AWS_CAPACITY.tableWriteUnits / SCALE;
    expect(debt / tableRate).toBeGreaterThanOrEqual(19);
    const client = createDocumentClient({ region: 'us-east-1', endpoint: service.dynamoDbEndpoint });
    await client.send(
      new TransactWriteCommand({
        TransactItems: Array.from({ length: FILLERS }, (_, index) => ({
          Put: { TableName: process.env.TABLE_NAME, Item: { pk: `filler#${index}`, filler: 'x'.repeat(FILLER_BYTES) } },
        })),
      }),
    );
    client.destroy();
    const throttledBefore = service.capacity?.report().throttled ?? 0;

    const lines = Array.from({ length: 60 }, (_, index) =>
      JSON.stringify(validBody({ billing_run_id: 'busy-run', name: `line ${index}` })),
    );
    const uploaded = await fetch(load.upload.url, {
      method: load.upload.method,
      headers: load.upload.headers,
      body: `${lines.join('\n')}\n`,
    });
    expect(uploaded.status).toBe(200);
    const ended = await service.followLoad('tenant-a', load.id, { timeoutMs: 90_000, intervalMs: 500 });
    expect(ended).toMatchObject({ status: 'completed', lines: 60, loaded: 60, failed: 0 });
    expect(service.capacity?.report().throttled ?? 0).toBeGreaterThan(throttledBefore);
    const listed = (await (
      await fetch(`${service.url}/billingRunActions/tenant-a/billingRun/busy-run?limit=1000`, { headers })
    ).json()) as { Items: { name: string }[] };
    expect(listed.Items.map((item) => item.name).sort()).toEqual(lines.map((line) => JSON.parse(line).name).sort());
  }, 120_000);
});
