import { describe, expect, it, vi } from 'vitest';
import { captureOutput } from '../support/captured-output.ts';
import { serviceForThisFile } from '../support/http-service.ts';
import { validBody } from '../../testkit/bodies.ts';

// This file reads the log lines, which the other tests keep silent (vitest.config.ts).
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

const service = serviceForThisFile();

const output = captureOutput();

/** The JSON lines the local service printed (its functions' logs and EMF metrics). */
const printed = (): Record<string, any>[] =>
  output
    .written()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, any>);
const emfOf = (lines: Record<string, any>[], correlationId: string) =>
  lines.filter((line) => line._aws?.CloudWatchMetrics && line.correlation_id === correlationId);

describe('what the local service prints, as the functions do in AWS', () => {
  it('logs each request with the Lambda context and the id the response returns in x-amzn-RequestId', async () => {
    const response = await service.call('GET', '/billingRunActions/tenant-a/certification/observed', { token: service.token });
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-amzn-requestid') as string;
    expect(requestId).toMatch(/^[\w-]{36}$/);
    const lines = printed().filter((line) => line.correlation_id === requestId);
    const access = lines.find((line) => line.message === 'request');
    expect(access).toMatchObject({
      level: 'INFO',
      service: 'billing-run-actions',
      operation: 'listBillingRunActionsByCertification',
      tenant: 'tenant-a',
      status: 200,
      function_name: 'listBillingRunActionsByCertification',
      cold_start: expect.any(Boolean),
      function_request_id: expect.stringMatching(/^[\w-]{36}$/),
    });
    expect(access?.function_request_id).not.toBe(requestId);
    // The same line is the request's EMF document: one write per request, `service` the logger's own.
    expect(access?._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'BillingRunActions', Dimensions: [['service', 'operation']] });
    expect(access).toMatchObject({ service: 'billing-run-actions', Requests: 1 });
    expect(lines.filter((line) => line._aws)).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain(service.token);
  });

  it('prints the request’s metrics as CloudWatch EMF: the operation a dimension, tier and tenant properties', async () => {
    const missing = await service.call('GET', '/billingRunActions/tenant-a/no-such-record', { token: service.token });
    expect(missing.status).toBe(404);
    const [emf] = emfOf(printed(), missing.headers.get('x-amzn-requestid') as string);
    expect(emf).toMatchObject({ Requests: 1, ClientErrors: 1, operation: 'getBillingRunAction', tier: 'basic' });
    expect(emf).not.toHaveProperty('Errors');
    expect(emf?.tenant).toBe('tenant-a');
    const directive = emf?._aws.CloudWatchMetrics[0];
    expect(directive.Namespace).toBe('BillingRunActions');
    expect(directive.Dimensions).toEqual([['service', 'operation']]);
    // Powertools warns (on stderr) of a dimension given twice; nothing is.
    expect(output.written()).not.toMatch(/already been added|is defined as both/);
  });

  it('counts conflicts, idempotent replays and refusals by their kind', async () => {
    const created = await service.createRecord();
    const stale = await service.call('PUT', `/billingRunActions/tenant-a/${created.id}`, {
      token: service.token,
      body: { ...created, sys_version: created.sys_version + 5 },
    });
    expect(stale.status).toBe(409);
    expect(emfOf(printed(), stale.headers.get('x-amzn-requestid') as string)[0]).toMatchObject({ Conflicts: 1, ClientErrors: 1 });
    const headers = { 'Idempotency-Key': `replay-${Date.now()}` };
    await service.call('POST', '/billingRunActions/tenant-a', {
      token: service.token,
      body: (({ id: _id, ...rest }) => rest)(created),
      headers,
    });
    const replay = await service.call('POST', '/billingRunActions/tenant-a', {
      token: service.token,
      body: (({ id: _id, ...rest }) => rest)(created),
      headers,
    });
    expect(replay.status).toBe(200);
    expect(emfOf(printed(), replay.headers.get('x-amzn-requestid') as string)[0]).toMatchObject({ IdempotentReplays: 1, Requests: 1 });
  });

  it('writes in each request’s line the read and write units its storage calls consumed, as DynamoDB reported them', async () => {
    const created = await service.call('POST', '/billingRunActions/tenant-a', { token: service.token, body: validBody({ name: 'units' }) });
    const read = await service.call('GET', `/billingRunActions/tenant-a/${created.body.id}`, { token: service.token });
    const lines = printed();
    const lineOf = (response: typeof read) =>
      lines.find((line) => line.message === 'request' && line.correlation_id === response.headers.get('x-amzn-requestid'));
    // The create's transaction (the record and the tenant's counter), and nothing read; the get's one eventually consistent read.
    expect(lineOf(created)).toMatchObject({ tenant: 'tenant-a', consumedReadUnits: 0, consumedWriteUnits: expect.any(Number) });
    expect(lineOf(created)?.consumedWriteUnits).toBeGreaterThan(0);
    expect(lineOf(read)).toMatchObject({ tenant: 'tenant-a', consumedReadUnits: 0.5, consumedWriteUnits: 0 });
    // Properties of the line, never dimensions of a metric.
    expect(lineOf(read)?._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'operation']]);
  });

  it('keeps concurrent requests’ log keys and metrics apart (each invocation in its own context)', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        service.call('GET', `/billingRunActions/tenant-a/certification/c-${index}`, { token: service.token }),
      ),
    );
    const lines = printed();
    for (const response of responses) {
      const requestId = response.headers.get('x-amzn-requestid') as string;
      expect(lines.filter((line) => line.message === 'request' && line.correlation_id === requestId)).toHaveLength(1);
      expect(emfOf(lines, requestId)).toHaveLength(1);
      expect(emfOf(lines, requestId)[0]).toMatchObject({ Requests: 1 });
    }
    // So are the units their storage calls consumed: each get of one record counts its own read, once.
    const created = await service.createRecord();
    const gets = await Promise.all(
      Array.from({ length: 8 }, () => service.call('GET', `/billingRunActions/tenant-a/${created.id}`, { token: service.token })),
    );
    const after = printed();
    for (const get of gets) {
      const line = after.find((each) => each.message === 'request' && each.correlation_id === get.headers.get('x-amzn-requestid'));
      expect(line).toMatchObject({ consumedReadUnits: 0.5, consumedWriteUnits: 0 });
    }
  });

  it('prints the bulk load steps’ log lines and metrics with their Lambda context, as the state machine’s functions do', async () => {
    const body = JSON.stringify(validBody({ billing_run_id: 'observed-bulk' }));
    const started = await service.call('POST', '/billingRunActions/tenant-a/bulkLoads', {
      token: service.token,
      body: { source_file: 'o.ndjson' },
    });
    await fetch(started.body.upload.url, { method: 'PUT', headers: started.body.upload.headers, body: `${body}\nnot json\n${body}` });
    await service.bulkLoads.idle();
    const lines = printed();
    const chunk = lines.find((line) => line.operation === 'bulkLoadChunk' && line._aws);
    expect(chunk).toMatchObject({ BulkLinesLoaded: 2, BulkLinesFailed: 1, service: 'billing-run-actions' });
    expect(chunk?._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'operation']]);
    const steps = lines.filter((line) => line.message === 'bulk load step');
    expect(steps.map((line) => [line.operation, line.function_name])).toEqual([
      ['bulkLoadPrepare', 'bulkLoadPrepare'],
      ['bulkLoadChunk', 'bulkLoadChunk'],
      ['bulkLoadFinish', 'bulkLoadFinish'],
    ]);
    expect(steps[0]).toMatchObject({
      status: 'loading',
      lines: 3,
      cold_start: expect.any(Boolean),
      function_request_id: expect.any(String),
    });
    expect(steps[1]).toMatchObject({ loaded: 2, failed: 1 });
    // Each step's line names its tenant and what its storage calls consumed (a batch's writes in the chunk's).
    for (const line of steps) expect(line).toMatchObject({ tenant: 'tenant-a', consumedReadUnits: expect.any(Number) });
    expect(steps[1]?.consumedWriteUnits).toBeGreaterThan(0);
    expect(steps[2]).toMatchObject({ status: 'completed with errors', loaded: 2, failed: 1 });
  });
});
