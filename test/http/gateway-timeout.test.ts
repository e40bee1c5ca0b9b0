import { describe, expect, it } from 'vitest';
import { serviceForThisFile } from '../support/http-service.ts';

// One service per test file: the functions read their configuration from the process environment.
const service = serviceForThisFile({ tenants: ['tenant-a'], limits: { integrationTimeoutMs: 1 } });

describe("API Gateway's integration timeout in the local gateway", () => {
  it('answers 504 when the function takes longer (the timeout lowered here to 1 ms)', async () => {
    const response = await service.call('POST', '/billingRunActions/tenant-a/batch', {
      token: await service.issuer.sign({ tenant: 'tenant-a' }),
      body: { operations: Array.from({ length: 100 }, (_, i) => ({ op: 'delete', id: `gone-${i}` })) },
    });
    // API Gateway answers an integration timeout with the stack's DEFAULT_5XX template and status 504.
    expect(response).toMatchObject({
      status: 504,
      body: { message: `Internal server error (request id ${response.headers.get('x-amzn-requestid')})` },
    });
  });
});
