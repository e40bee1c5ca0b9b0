import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { queuedStartOf } from '../../lambdas/adapters/sqs/queued-processing-starter.ts';
import { StepFunctionsProcessingStarter } from '../../lambdas/adapters/step-functions/step-functions-processing-starter.ts';
import { METRIC } from '../../lambdas/domain/metric-names.ts';
import { executionName } from '../../lambdas/domain/processing.ts';
import { STARTER_PRINCIPAL, startQueuedProcessing } from '../../lambdas/use-cases/start-queued-processing.ts';
import { storedRecord } from '../support/fixtures.ts';
import { inMemoryOpenExecutions } from '../support/in-memory-open-executions.ts';
import { dependencies, inMemoryRepository } from '../support/in-memory-repository.ts';
import { useMockedEnvironment } from '../../testkit/mocked-environment.ts';

const STATE_MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:processor';
const sfn = mockClient(SFNClient);
const ddb = mockClient(DynamoDBDocumentClient);
const processor = StepFunctionsProcessingStarter.forStateMachine(STATE_MACHINE, 'eu-west-1');
const NAME = executionName('t1', 'id-1', 1);
const START = { name: NAME, tenantId: 't1', id: 'id-1', type: 'send renewal reminder' };
const refusal = (name: string, httpStatusCode: number | undefined) =>
  Object.assign(new Error(name), { name, $metadata: httpStatusCode === undefined ? {} : { httpStatusCode } });

/** A record in processing for the queued execution, and the starter's dependencies on it. */
function setUp(record = storedRecord({ status: 'processing', step_function_execution_arn: processor.executionArnFor(NAME) })) {
  const store = inMemoryRepository({ tenant: 't1', records: [record] });
  const counted: string[] = [];
  const executions = inMemoryOpenExecutions();
  const deps = {
    ...dependencies(store.repository, { count: (metric) => counted.push(metric) }),
    processor,
    executions,
    capOf: async () => 10,
    queue: { defer: async () => undefined },
  };
  return { store, deps, counted, executions };
}

beforeEach(() => {
  sfn.reset();
  ddb.reset();
});

describe('the consumer of the queue of processing starts', () => {
  it('starts the execution the message names, with its input, and counts it', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: processor.executionArnFor(NAME), startDate: new Date() });
    const { deps, counted } = setUp();
    expect(await startQueuedProcessing(deps, START, { requestId: 'r-1' })).toBe('started');
    expect(sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input)).toEqual([
      { stateMachineArn: STATE_MACHINE, name: NAME, input: JSON.stringify({ tenantId: 't1', id: 'id-1', type: 'send renewal reminder' }) },
    ]);
    expect(counted).toEqual([METRIC.processingStarts]);
  });

  it('takes an execution that already ran for the attempt as started: one execution per record version', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: { httpStatusCode: 400 } }));
    expect(await startQueuedProcessing(setUp().deps, START, { requestId: 'r-1' })).toBe('started');
  });

  it.each([
    ['ThrottlingException', 400],
    ['ExecutionLimitExceeded', 400],
    ['ServiceUnavailable', 503],
    ['InternalServerError', 500],
    ['TimeoutError', undefined],
  ])('leaves a start refused with %s to a later delivery, and the record as it was', async (name, status) => {
    sfn.on(StartExecutionCommand).rejects(refusal(name, status));
    const { deps, store, counted, executions } = setUp();
    const before = structuredClone(store.records.get('id-1'));
    expect(await startQueuedProcessing(deps, START, { requestId: 'r-1' })).toBe('later');
    expect(store.records.get('id-1')).toEqual(before);
    expect(counted).toEqual([METRIC.processingStartsDeferred]);
    expect(await executions.count('t1')).toBe(0);
  });

  it('moves the record to error when the start is refused for good, while it still waits for this execution', async () => {
    sfn.on(StartExecutionCommand).rejects(refusal('StateMachineDoesNotExist', 400));
    const { deps, store, counted, executions } = setUp();
    expect(await startQueuedProcessing(deps, START, { requestId: 'r-9' })).toBe('failed');
    expect(await executions.count('t1')).toBe(0);
    expect(store.records.get('id-1')).toMatchObject({
      status: 'error',
      sys_version: 2,
      error_message: 'Processing could not start (StateMachineDoesNotExist); request id r-9',
      sys_last_modified_by_id: STARTER_PRINCIPAL,
    });
    expect(counted).toEqual([METRIC.processingStartFailures]);
  });

  it.each([
    ['left processing', { status: 'completed' as const }],
    ['started another attempt', { step_function_execution_arn: processor.executionArnFor(executionName('t1', 'id-1', 3)) }],
    ['was deleted', { sys_deleted_by_id: 'u1' }],
  ])('starts nothing for a record that %s while its start waited in the queue', async (_, change) => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn', startDate: new Date() });
    const record = storedRecord({ status: 'processing', step_function_execution_arn: processor.executionArnFor(NAME), ...change });
    const { deps, store } = setUp(record);
    expect(await startQueuedProcessing(deps, START, { requestId: 'r-1' })).toBe('superseded');
    expect(sfn.commandCalls(StartExecutionCommand)).toEqual([]);
    expect(store.records.get('id-1')).toEqual(record);
  });

  it('reads back exactly the starts the writers send, and nothing else', () => {
    expect(queuedStartOf(JSON.stringify(START))).toEqual(START);
    for (const body of ['', 'null', '[]', '{}', JSON.stringify({ ...START, id: 1 }), JSON.stringify({ ...START, name: '' })]) {
      expect(queuedStartOf(body), body).toBeUndefined();
    }
  });

  it('answers the queue with the messages to deliver again only: a throttled start, one whose record could not be read', async () => {
    useMockedEnvironment({
      STATE_MACHINE_ARN: STATE_MACHINE,
      PROCESSING_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/starts',
    });
    const waiting = (id: string, name: string) => ({
      ...storedRecord({ id, status: 'processing', step_function_execution_arn: processor.executionArnFor(name) }),
      pk: `t1#${id}`,
    });
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(GetCommand).callsFake((input: { Key: { pk?: string } }) => {
      // The tenant's registration (none: a basic tenant's cap) and its open executions (none) besides the records.
      if (input.Key.pk === undefined) return {};
      if (input.Key.pk === 't1#id-4') throw refusal('ProvisionedThroughputExceededException', 400);
      if (input.Key.pk.startsWith('t1#executions#')) return {};
      return { Item: { 't1#id-1': waiting('id-1', NAME), 't1#id-2': waiting('id-2', 'bra-throttled') }[input.Key.pk] };
    });
    sfn
      .on(StartExecutionCommand)
      .resolves({ executionArn: 'arn', startDate: new Date() })
      .on(StartExecutionCommand, { name: 'bra-throttled' })
      .rejects(refusal('ThrottlingException', 400));
    const { handler } = await import('../../lambdas/handlers/start-processing.ts');
    const message = (messageId: string, body: string) => ({ messageId, body }) as SQSEvent['Records'][number];
    const answer = await handler(
      {
        Records: [
          message('m-1', JSON.stringify(START)),
          message('m-2', JSON.stringify({ ...START, id: 'id-2', name: 'bra-throttled' })),
          message('m-3', 'not a start'),
          message('m-4', JSON.stringify({ ...START, id: 'id-4', name: 'bra-unread' })),
        ],
      },
      { awsRequestId: 'r-1', functionName: 'starter', getRemainingTimeInMillis: () => 30_000 } as unknown as Context,
    );
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }, { itemIdentifier: 'm-4' }] });
    expect(sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input.name)).toEqual([NAME, 'bra-throttled']);
  });
});
