import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { createDocumentClient } from '../../../lambdas/adapters/dynamodb/document-client.ts';
import { PARTITION_KEY, recordKey, statusSortKey } from '../../../lambdas/adapters/dynamodb/table-design.ts';
import type { ProcessingInput } from '../../../lambdas/ports/processing-starter.ts';
import { RetriesExhausted, retrying } from '../../../lambdas/retry.ts';
import { RETRY_POLICIES } from '../../../lambdas/retry-policies.ts';
import {
  EVENT_SOURCE,
  FAILURE_DEFAULTS,
  FAILURE_MESSAGE_FORMAT,
  PROCESSOR_OPERATION,
  PROCESSOR_PRINCIPAL,
  WRITE_BACKS,
  WRITE_BACK_CONDITION,
  type WriteBackName,
  writeBackExpression,
  writeBackOf,
} from '../../processor/default-processor-steps.ts';
import type { TaskOutcome, TaskTokens } from './task-tokens.ts';

/** The event the processor dispatches to a worker: EventBridge's envelope around the action and its task token. */
export interface DispatchedEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: typeof EVENT_SOURCE;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: ProcessingInput & { executionArn: string; taskToken: string };
}

/** Where dispatched events go: the rule's target (a worker). */
export type Dispatch = (event: DispatchedEvent) => void;

/** The errors of a write-back that say DynamoDB was busy: the state machine's WRITE_BACK_RETRY, without its `DynamoDB.` prefix. */
const BUSY = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'InternalServerError',
]);
const WRITE_BACK_SCHEDULE = { ...RETRY_POLICIES.processorStep, jitter: 'none' as const };

/** How an execution of the processor ended, as Step Functions reports it. */
export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface LocalProcessorOptions {
  client: ReturnType<typeof createDocumentClient>;
  tableName: string;
  /** How long the worker has to call back (the stack's processingTimeoutHours). */
  timeoutMs: number;
  tokens: TaskTokens;
  dispatch: Dispatch;
  region: string;
}

/**
 * The default processor's steps (lib/processor/default-processor-steps.ts), run for one execution as
 * its state machine runs them in AWS: dispatch the action with a task token, wait for the worker's
 * callback or the timeout, and write the outcome back to the record on the condition that it still
 * points at this execution (a record that moved on ends the execution quietly).
 */
export async function runDefaultProcessor(
  options: LocalProcessorOptions,
  execution: { arn: string; input: ProcessingInput },
): Promise<ExecutionStatus> {
  const { tenantId, id, type } = execution.input;
  const { token, outcome } = options.tokens.issue(options.timeoutMs);
  options.dispatch({
    version: '0',
    id: randomUUID(),
    'detail-type': type,
    source: EVENT_SOURCE,
    account: '000000000000',
    time: new Date().toISOString(),
    region: options.region,
    resources: [],
    detail: { tenantId, id, type, executionArn: execution.arn, taskToken: token },
  });
  const ended = await outcome;
  if ('failure' in ended && ended.failure.Error === 'States.Aborted') return 'ABORTED';
  try {
    await writeBack(options, execution, ended);
    return 'SUCCEEDED';
  } catch {
    // The write-back failed for good (its retries ran out, or DynamoDB refused it): the execution fails, as its state would.
    return 'FAILED';
  }
}

async function writeBack(options: LocalProcessorOptions, execution: { arn: string; input: ProcessingInput }, ended: TaskOutcome) {
  const { name, values } = writeOf(ended);
  const now = new Date().toISOString();
  const update = new UpdateCommand({
    TableName: options.tableName,
    Key: { [PARTITION_KEY]: recordKey(execution.input.tenantId, execution.input.id) },
    UpdateExpression: writeBackExpression(WRITE_BACKS[name].set),
    ConditionExpression: WRITE_BACK_CONDITION,
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ...values,
      ':status_key': statusSortKey(values[':status'] as string, execution.input.id),
      ':one': 1,
      ':now': now,
      ':by': PROCESSOR_PRINCIPAL,
      ':execution': execution.arn,
      ':context': {
        principal: PROCESSOR_PRINCIPAL,
        tenant: execution.input.tenantId,
        source_ip: '-',
        user_agent: 'AWS Step Functions',
        request_id: execution.arn,
        time: now,
        operation: PROCESSOR_OPERATION,
      },
    },
  });
  try {
    await retrying(
      WRITE_BACK_SCHEDULE,
      () => options.client.send(update),
      (error) => BUSY.has((error as Error).name),
    );
  } catch (error) {
    const last = error instanceof RetriesExhausted ? error.last : error;
    // The record moved on (another attempt, a client's write, a delete): the state machine's "Record moved on".
    if ((last as Error).name === 'ConditionalCheckFailedException') return;
    throw last;
  }
}

/** The write-back an outcome leads to, and its values besides the change stamp's. */
function writeOf(ended: TaskOutcome): { name: WriteBackName; values: Record<string, string> } {
  if ('failure' in ended) {
    const failure = { ...FAILURE_DEFAULTS, ...ended.failure };
    return {
      name: 'failure',
      values: {
        ':status': WRITE_BACKS.failure.status,
        // As States.Format inserts it: literally (a function, so that `$&` in the worker's error is text).
        ':message': FAILURE_MESSAGE_FORMAT.replace('{}', () => failure.Error),
        ':stack': failure.Cause,
      },
    };
  }
  const name = writeBackOf(ended.output);
  if (name === 'reported') return { name, values: { ':status': (ended.output as { status: string }).status } };
  const write: { status: string; message?: string } = WRITE_BACKS[name];
  return { name, values: { ':status': write.status, ...(write.message && { ':message': write.message }) } };
}
