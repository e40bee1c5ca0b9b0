import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { executionName } from '../../lambdas/domain/processing.ts';
import { QueuedProcessingStarter } from '../../lambdas/adapters/sqs/queued-processing-starter.ts';
import { createBillingRunAction } from '../../lambdas/use-cases/create-billing-run-action.ts';
import { patchBillingRunAction } from '../../lambdas/use-cases/patch-billing-run-action.ts';
import { updateBillingRunAction } from '../../lambdas/use-cases/update-billing-run-action.ts';
import { caller } from '../support/fixtures.ts';
import { validBody } from '../../testkit/bodies.ts';
import { dependencies, inMemoryRepository } from '../support/in-memory-repository.ts';

const STATE_MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:processor';
const EXECUTIONS = 'arn:aws:states:eu-west-1:123456789012:execution:processor';
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/starts';
const sqs = mockClient(SQSClient);
const processing = QueuedProcessingStarter.forQueue(QUEUE, STATE_MACHINE, 'eu-west-1');
const me = caller({ tenantId: 't1' });

function setUp() {
  const store = inMemoryRepository({ tenant: 't1' });
  const reported: unknown[] = [];
  const deps = dependencies(store.repository, { processing, reportError: (error) => reported.push(error) });
  return { store, deps, reported };
}

/** The starts the writes handed to the queue, as its consumer reads them. */
const starts = () =>
  sqs.commandCalls(SendMessageCommand).map((call) => {
    expect(call.args[0].input.QueueUrl).toBe(QUEUE);
    // Each start in its tenant's message group: SQS fair queues deliver a quiet tenant's starts before a busy one's backlog.
    expect(call.args[0].input.MessageGroupId).toBe(JSON.parse(call.args[0].input.MessageBody as string).tenantId);
    return JSON.parse(call.args[0].input.MessageBody as string) as Record<string, string>;
  });

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

describe('processing starts handed to the queue of starts', () => {
  it('starts an execution with a deterministic name when a create leaves the record in processing, and records its ARN', async () => {
    const { deps, store } = setUp();
    const { record } = await createBillingRunAction(deps, me, { body: validBody({ status: 'processing' }) });
    const name = executionName('t1', record.id, 1);
    expect(name).toMatch(/^bra-[0-9a-f]{64}$/);
    expect(starts()).toEqual([{ name, tenantId: 't1', id: record.id, type: 'send renewal reminder' }]);
    expect(record.step_function_execution_arn).toBe(`${EXECUTIONS}:${name}`);
    expect(store.records.get(record.id)?.step_function_execution_arn).toBe(`${EXECUTIONS}:${name}`);
  });

  it('starts nothing for other statuses', async () => {
    const { deps } = setUp();
    const { record } = await createBillingRunAction(deps, me, { body: validBody({ status: 'pending' }) });
    expect(starts()).toEqual([]);
    expect(record).not.toHaveProperty('step_function_execution_arn');
  });

  it('keeps one attempt while the record stays in processing, even across a PUT that leaves the ARN out', async () => {
    const { deps } = setUp();
    const { record } = await createBillingRunAction(deps, me, { body: validBody({ status: 'processing' }) });
    const patched = await patchBillingRunAction(deps, me, { id: record.id, patch: [{ op: 'replace', path: '/name', value: 'renamed' }] });
    const replaced = await updateBillingRunAction(deps, me, { id: record.id, body: validBody({ status: 'processing', name: 'again' }) });
    expect(patched.step_function_execution_arn).toBe(record.step_function_execution_arn);
    expect(replaced.step_function_execution_arn).toBe(record.step_function_execution_arn);
    // Every write re-asserts the start; Step Functions runs one execution per name and input.
    expect(new Set(starts().map((input) => input.name))).toEqual(new Set([executionName('t1', record.id, 1)]));
  });

  it('begins a new attempt when the record re-enters processing', async () => {
    const { deps } = setUp();
    const { record } = await createBillingRunAction(deps, me, { body: validBody({ status: 'processing' }) });
    await patchBillingRunAction(deps, me, { id: record.id, patch: [{ op: 'replace', path: '/status', value: 'error' }] });
    const again = await patchBillingRunAction(deps, me, {
      id: record.id,
      patch: [{ op: 'replace', path: '/status', value: 'processing' }],
    });
    expect(again.step_function_execution_arn).toBe(`${EXECUTIONS}:${executionName('t1', record.id, 3)}`);
    expect(starts().map((input) => input.name)).toEqual([executionName('t1', record.id, 1), executionName('t1', record.id, 3)]);
  });

  it('moves the record to error with a message when the start cannot be queued, never leaving it in processing', async () => {
    const { deps, store, reported } = setUp();
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    const { record } = await createBillingRunAction(deps, me, { body: validBody({ status: 'processing' }) });
    expect(record).toMatchObject({ status: 'error', sys_version: 2 });
    expect(record.error_message).toMatch(/^Processing could not start \(AccessDeniedException\); request id req-1$/);
    expect(store.records.get(record.id)).toEqual(record);
    expect(reported).toHaveLength(1);
  });

  it('builds the SQS client on the first start, not before, and only once', async () => {
    const built: SQSClient[] = [];
    const starter = new QueuedProcessingStarter(
      () => {
        const client = new SQSClient({ region: 'eu-west-1' });
        built.push(client);
        return client;
      },
      QUEUE,
      STATE_MACHINE,
    );
    expect(starter.executionArnFor('bra-1')).toBe(`${EXECUTIONS}:bra-1`);
    expect(built).toHaveLength(0);
    const input = { tenantId: 't1', id: 'a', type: 'send renewal reminder' };
    await starter.start('bra-1', input);
    await starter.start('bra-2', input);
    expect(built).toHaveLength(1);
    expect(starts().map((start) => start.name)).toEqual(['bra-1', 'bra-2']);
  });
});
