import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../lib/local/dynamodb-local.ts';
import { type LocalService, startLocalService } from '../../lib/local/local-service.ts';
import { AWS_CAPACITY } from '../../lib/local/capacity/settings.ts';
import { uniqueName, validBody } from '../support/fixtures.ts';
import { UNTHROTTLED } from '../support/http-service.ts';

/**
 * Storage that refuses for load is a 429 with Retry-After, never a 500: here the tenant's counter item
 * takes 2 write units a second (a create's transaction charges it 2) and holds no item, so creates at
 * once meet `ThrottlingError` cancellations rather than conflicts.
 */
let service: LocalService;
let dataDir: string;
let token: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'bra-throttled-'));
  service = await startLocalService({
    dataDir,
    port: await freePort(),
    inMemory: true,
    dynamoDbEndpoint: inject('dynamoDbEndpoint'),
    tables: { tableName: uniqueName('actions'), tenantsTableName: uniqueName('tenants') },
    tenants: ['tenant-a'],
    tiers: UNTHROTTLED,
    authorizerCacheTtlSeconds: 300,
    capacity: { ...AWS_CAPACITY, partitionWriteUnits: 2, transactionHoldMs: 0.001 },
  });
  token = await service.issuer.sign({ tenant: 'tenant-a' });
});
afterAll(async () => {
  await service?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('throttled storage', () => {
  it('answers 429 with Retry-After, never 500, when a transaction is cancelled for throttling', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        fetch(`${service.url}/billingRunActions/tenant-a`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(validBody()),
        }),
      ),
    );
    const refused = answers.filter((answer) => answer.status !== 200);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(answer.status).toBe(429);
      expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    expect(service.capacity?.report().line).toMatch(/TableWriteKeyRangeThroughputExceeded/);
  });
});
