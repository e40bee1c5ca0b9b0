import { describe, expect, it } from 'vitest';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

// One service per test file: the functions read their configuration from the process environment.
const service = serviceForThisFile({ tenants: ['tenant-a'], limits: { lambdaResponseLimitBytes: 1500 } });
const base = '/billingRunActions/tenant-a';

describe('the local gateway enforces the limits of Lambda and API Gateway', () => {
  it("answers 502 when a function's response passes Lambda's response limit (lowered here to 1,500 bytes)", async () => {
    const small = await service.call('POST', base, { token: service.token, body: validBody() });
    expect(small.status).toBe(200);
    const large = await service.call('POST', base, {
      token: service.token,
      body: validBody({ training_provider_billing_records: [{ note: 'y'.repeat(2000) }] }),
    });
    expect(large.status).toBe(502);
    // The stack's DEFAULT_5XX template, as API Gateway renders it; the local log line names the limit.
    expect(large.body.message).toBe(`Internal server error (request id ${large.headers.get('x-amzn-requestid')})`);
  });

  it('answers 413 for a request body over 10 MB, without reading it all', async () => {
    const response = await service.rawCall('POST', base, {
      headers: { Authorization: `Bearer ${service.token}`, 'Content-Type': 'application/json' },
      body: `{"name":"${'z'.repeat(10 * 1024 * 1024)}"}`,
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.text).message).toMatch(/10 MB/);
  });

  it('bounds the gateway’s own messages, and answers a request Node cannot read with JSON and a request id', async () => {
    const long = await service.rawCall('PUT', `/bulkLoadUploads/tenant-a/%ZZ${'a'.repeat(15_000)}`, { headers: {}, body: 'x' });
    expect(long.status).toBe(400);
    expect(long.text.length).toBeLessThan(2_100);
    expect(JSON.parse(long.text).message).toMatch(/… \(15,031 characters\)$/);

    const { connect } = await import('node:net');
    const url = new URL(service.url);
    const answer = await new Promise<string>((resolveAnswer) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write('PUT /bulkLoadUploads/tenant-a/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nxx\r\n');
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolveAnswer(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/x-amzn-RequestId: [0-9a-f-]{36}/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).message).toMatch(/^Bad Request: the request could not be read/);
  });
});
