import { describe, expect, it } from 'vitest';
import { invoke } from '../../lib/local/gateway/invocation.ts';
import { proxyEvent } from '../../testkit/api-gateway-event.ts';
import { serviceForThisFile } from '../support/http-service.ts';

/**
 * The functions' timeout lowered to 1.5 s: long enough for the authorizer (which has the same timeout)
 * on a busy machine, shorter than a batch needs to start anything (its answer's second and one storage
 * attempt of 2.5 s; use-cases/batch-billing-run-actions.ts).
 */
const FUNCTION_TIMEOUT_MS = 1_500;
// One service per test file: the functions read their configuration from the process environment.
const service = serviceForThisFile({ tenants: ['tenant-a'], limits: { functionTimeoutMs: FUNCTION_TIMEOUT_MS } });

describe("Lambda's function timeout in the local gateway", () => {
  it('gives each function its deadline: a batch with too little time left runs nothing and says so, 200 with each operation 429', async () => {
    const record = await service.createRecord();
    const response = await service.call('POST', '/billingRunActions/tenant-a/batch', {
      token: service.token,
      body: {
        operations: [
          { op: 'patch', id: record.id, patch: [{ op: 'replace', path: '/name', value: 'too late' }] },
          { op: 'delete', id: record.id },
        ],
      },
    });
    expect(response.status).toBe(200);
    const notRun = { status: 429, error: { message: 'Not run: the batch ran out of time; nothing was changed; retry it' } };
    expect(response.body).toMatchObject({ success_count: 0, error_count: 2, results: [notRun, notRun] });
    const stored = await service.call('GET', `/billingRunActions/tenant-a/${record.id}`, { token: service.token });
    expect(stored.body).toEqual(record);
  });

  it('answers 502 for a function that runs past its timeout (Middy answers 500 just before it for ours: test/unit/faults.test.ts)', async () => {
    const event = proxyEvent({ method: 'GET', resource: '/billingRunActions/{tenantId}', pathParameters: { tenantId: 'tenant-a' } });
    const limits = { functionTimeoutMs: 20, integrationTimeoutMs: 29_000, lambdaResponseLimitBytes: 6 * 1024 * 1024 };
    await expect(invoke(() => new Promise(() => {}), event, 'neverAnswers', limits, 'req-1')).rejects.toMatchObject({
      statusCode: 502,
      message: 'The function ran past its 20 ms timeout',
    });
  });
});
