import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { BULK_ERROR_INDEX } from '../../lambdas/adapters/dynamodb/table-design.ts';
import { CapacityLedger } from '../../lib/local/capacity/ledger.ts';
import { type Charge } from '../../lib/local/capacity/charges.ts';
import { type RunningEmulator, sender, startEmulatorEndpoint } from '../../lib/local/capacity/proxy.ts';
import { AWS_CAPACITY, effective } from '../../lib/local/capacity/settings.ts';
import { serviceForThisFile } from '../support/http-service.ts';

/*
 * A load whose lines all fail, through the local service with the capacity emulator at scale 10 (100
 * write units a second per key value, 400 per table and per index). Every failed line used to be an
 * item under one key value of the load's error index, so such a load went at that key's rate. Now a
 * load keeps its first 1,000 line errors (and what the batches running at once could not yet know to
 * leave out), counts the rest, and spreads what it keeps over 16 key values. Before, this load took
 * 42 s here and the emulator refused writes to the load's one error key 9,536 times; now it takes
 * about 13 s, no key value of the index is refused, and the index as a whole paces the 2,000 errors kept.
 */
const SCALE = 10;
const LINES = 4_000;
const BATCH_LINES = 500;
const AT_ONCE = 4; // the local runner's default

/** The emulator, counting each refusal by the bucket it came from (a key value's, or a table's or index's as a whole). */
class BucketLedger extends CapacityLedger {
  readonly refusals = new Map<string, number>();
  override throttled(charge: Charge): void {
    super.throttled(charge);
    this.refusals.set(charge.bucket, (this.refusals.get(charge.bucket) ?? 0) + 1);
  }
}
let ledger: BucketLedger;
let emulator: RunningEmulator;
beforeAll(async () => {
  ledger = new BucketLedger(effective({ ...AWS_CAPACITY, scale: SCALE }));
  emulator = await startEmulatorEndpoint(ledger, sender(inject('dynamoDbEndpoint')));
});
afterAll(() => emulator.stop());
const service = serviceForThisFile({ tenants: ['tenant-a'], dynamoDbEndpoint: () => emulator.url });

describe('a load whose lines all fail, on a throttled table', () => {
  it('completes with every line counted and the first 1,000 errors in line order, its error index keys never throttled', async () => {
    const started = await service.call('POST', '/billingRunActions/tenant-a/bulkLoads', {
      token: service.token,
      body: { source_file: 'all-bad.ndjson' },
    });
    expect(started.status).toBe(200);
    const { id, upload } = started.body as { id: string; upload: { url: string; method: string; headers: Record<string, string> } };
    const file = Array.from({ length: LINES }, (_, i) => `{"bad ${i}"`).join('\n');
    expect((await fetch(upload.url, { method: upload.method, headers: upload.headers, body: file })).status).toBe(200);

    const done = await service.followLoad('tenant-a', id, { timeoutMs: 60_000, intervalMs: 500 });
    expect(done).toMatchObject({ status: 'completed with errors', lines: LINES, loaded: 0, failed: LINES });
    expect(done.errors.map((error: { line: number }) => error.line)).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1));
    expect(done.errors[0]).toEqual({ line: 1, message: 'Request body is not valid JSON' });
    expect(done).not.toHaveProperty('errors_last_evaluated_key');

    // Kept: at most the first 1,000 and what the first batches at once could not know to leave out.
    const client = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
    const kept = await client.send(
      new ScanCommand({
        TableName: process.env.TABLE_NAME,
        FilterExpression: 'begins_with(pk, :line)',
        ExpressionAttributeValues: { ':line': `tenant-a#bulkload#${id}#line#` },
        Select: 'COUNT',
      }),
    );
    client.destroy();
    expect(kept.Count).toBeLessThanOrEqual(1_000 + AT_ONCE * BATCH_LINES);
    expect(kept.Count).toBeLessThan(LINES);

    // No key value of the error index was throttled: the kept errors went to 16 of them. The records
    // table as a whole (400 units a second here) paced the writes instead.
    const keyRefusals = [...ledger.refusals].filter(([bucket]) => bucket.includes(`/${BULK_ERROR_INDEX.indexName} `));
    expect(keyRefusals).toEqual([]);
  }, 60_000);
});
