import { describe, expect, it } from 'vitest';
import { AWS_CAPACITY } from '../../lib/local/capacity/settings.ts';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

/**
 * Storage that refuses for load is a 429 with Retry-After, never a 500: here every partition key value
 * takes 2 write units a second (a create's transaction charges its counter shard 2, its index entries
 * theirs) and a transaction holds no item, so creates at once meet `ThrottlingError` cancellations.
 */
const service = serviceForThisFile({
  tenants: ['tenant-a'],
  capacity: { ...AWS_CAPACITY, partitionWriteUnits: 2, transactionHoldMs: 0.001 },
});

describe('throttled storage', () => {
  it('answers 429 with Retry-After, never 500, when a transaction is cancelled for throttling', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => service.call('POST', '/billingRunActions/tenant-a', { token: service.token, body: validBody() })),
    );
    const refused = answers.filter((answer) => answer.status !== 200);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(answer.status).toBe(429);
      expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    expect(service.capacity?.report().line).toMatch(/WriteKeyRangeThroughputExceeded/);
  });
});
