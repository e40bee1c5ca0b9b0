import { describe, expect, it } from 'vitest';
import { serviceForThisFile } from '../support/http-service.ts';

// One service per test file: the functions read their configuration from the process environment.
const service = serviceForThisFile({ tenants: ['tenant-a'], limits: { functionTimeoutMs: 20 } });

describe("Lambda's function timeout in the local gateway", () => {
  it('gives each function its deadline: past it (lowered here to 20 ms) a function stops and answers a 5xx', async () => {
    const response = await service.call('POST', '/billingRunActions/tenant-a/batch', {
      token: await service.issuer.sign({ tenant: 'tenant-a' }),
      body: { operations: Array.from({ length: 100 }, (_, i) => ({ op: 'delete', id: `gone-${i}` })) },
    });
    // Middy stops the handler 5 ms before the deadline, as it does in Lambda, and the error
    // middleware answers 500; a function that ignored its deadline would get the gateway's 502.
    expect(response.status).toBe(500);
    expect(response.body.message).toMatch(/^Internal server error \(request id [\w-]+\)$/);
  });
});
