import { type Server, createServer } from 'node:http';
import { SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand, TaskTimedOut } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';
import { pollUntil } from '../support/poll.ts';

/**
 * Processing through the local service as in AWS: the write hands its start to the local queue, the
 * starter's handler starts an execution of the local processor, which dispatches the action to the
 * worker (here a worker of the test's at a URL, which calls back through the SDK as a worker in AWS
 * would) and writes its outcome back. Two tenants' records go through side by side.
 */
const events: Record<string, any>[] = [];
/** The test's worker: it takes each dispatched event, and the test answers for it. */
const worker: Server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  request.on('end', () => {
    events.push(JSON.parse(body) as Record<string, any>);
    response.writeHead(200).end();
  });
});
await new Promise<void>((resolve) => worker.listen(0, '127.0.0.1', resolve));
const address = worker.address();
const workerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
afterAll(() => new Promise<void>((resolve) => worker.close(() => resolve())));

const service = serviceForThisFile({ processing: { worker: { kind: 'url', url: workerUrl }, timeoutMs: 60_000 } });
/** The worker's SDK client: AWS_ENDPOINT_URL_SFN, as the local service sets it, reaches the local Step Functions. */
const sfn = () => new SFNClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

async function createIn(tenant: string, name: string): Promise<Record<string, any>> {
  const token = await service.issuer.sign({ tenant });
  const created = await service.call('POST', `/billingRunActions/${tenant}`, { token, body: validBody({ name, status: 'processing' }) });
  expect(created.status, created.text).toBe(200);
  return created.body as Record<string, any>;
}

const dispatchedFor = async (id: string): Promise<Record<string, any>> =>
  (await pollUntil(() => events.find((event) => event.detail.id === id), { what: `The dispatch of ${id}`, timeoutMs: 15_000 })) as Record<
    string,
    any
  >;

async function endOf(tenant: string, id: string): Promise<Record<string, any>> {
  const token = await service.issuer.sign({ tenant });
  const read = await pollUntil(() => service.call('GET', `/billingRunActions/${tenant}/${id}?consistentRead=true`, { token }), {
    what: `The end of processing of ${id}`,
    timeoutMs: 15_000,
    until: (answer) => answer.status === 200 && answer.body.status !== 'processing',
  });
  return read.body as Record<string, any>;
}

describe('processing in the local service', () => {
  it("dispatches each tenant's action to the worker and writes its callback's outcome back", async () => {
    const done = await createIn('tenant-a', 'to complete');
    const failed = await createIn('tenant-b', 'to fail');
    const reported = await createIn('tenant-a', 'to report');

    const doneEvent = await dispatchedFor(done.id);
    const failedEvent = await dispatchedFor(failed.id);
    const reportedEvent = await dispatchedFor(reported.id);
    expect(doneEvent).toMatchObject({
      source: 'billing-run-actions',
      'detail-type': 'send renewal reminder',
      detail: { tenantId: 'tenant-a', id: done.id, type: 'send renewal reminder', executionArn: done.step_function_execution_arn },
    });
    expect(failedEvent.detail.tenantId).toBe('tenant-b');

    await sfn().send(new SendTaskSuccessCommand({ taskToken: doneEvent.detail.taskToken, output: '{}' }));
    await sfn().send(
      new SendTaskFailureCommand({ taskToken: failedEvent.detail.taskToken, error: 'CardDeclined', cause: 'the card was declined' }),
    );
    await sfn().send(
      new SendTaskSuccessCommand({ taskToken: reportedEvent.detail.taskToken, output: JSON.stringify({ status: 'payment failure' }) }),
    );

    expect(await endOf('tenant-a', done.id)).toMatchObject({
      status: 'completed',
      sys_version: done.sys_version + 1,
      sys_last_modified_by_id: 'billing-run-actions-processor',
      step_function_execution_arn: done.step_function_execution_arn,
    });
    expect(await endOf('tenant-b', failed.id)).toMatchObject({
      status: 'error',
      error_message: 'Processing failed: CardDeclined',
      error_stack: 'the card was declined',
    });
    expect((await endOf('tenant-a', reported.id)).status).toBe('payment failure');
    // The write-back moved each record's entry in the status lists with its status.
    const inStatus = async (status: string) =>
      (
        await service.call('GET', `/billingRunActions/tenant-a/billingRun/${done.billing_run_id}?status=${encodeURIComponent(status)}`, {
          token: service.token,
        })
      ).body.Items.map((item: { id: string }) => item.id);
    expect(await inStatus('completed')).toContain(done.id);
    expect(await inStatus('payment failure')).toContain(reported.id);
    expect(await inStatus('processing')).not.toContain(done.id);

    // A token answered once is closed: a second callback is refused as Step Functions refuses it.
    await expect(sfn().send(new SendTaskSuccessCommand({ taskToken: doneEvent.detail.taskToken, output: '{}' }))).rejects.toBeInstanceOf(
      TaskTimedOut,
    );
  });
});
