import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/document-client.ts';
import { logger } from '../../../lambdas/logger.ts';
import { retrying } from '../../../lambdas/retry.ts';
import { PROCESSING_ENDED, PROCESSING_STARTS } from '../../../lambdas/stack-functions.ts';
import { inInvocation } from '../gateway/invocation.ts';
import { lambdaContext } from '../gateway/proxy-event.ts';
import { LOCAL_AWS_PATH, type LocalAws } from './aws-endpoint.ts';
import { LocalQueue } from './local-queue.ts';
import { type ExecutionStatus, runDefaultProcessor } from './local-processor.ts';
import { LocalStepFunctions } from './local-step-functions.ts';
import { type QueueHandler, QueueEventSource } from './queue-event-source.ts';
import { TaskTokens } from './task-tokens.ts';
import { type WorkerSetting, dispatcherFor } from './workers.ts';

const PROJECT_ROOT = resolve(import.meta.dirname, '../../..');
const ACCOUNT = '000000000000';
/** EventBridge retries a target that fails; locally the closer is tried a few times, a second apart. */
const CLOSE_SCHEDULE = { attempts: 5, baseMs: 1_000, capMs: 1_000, jitter: 'none' as const };

type EndedHandler = (event: EventBridgeEvent<'Step Functions Execution Status Change', unknown>, context: Context) => Promise<unknown>;

async function handlerOf<T>(entry: string): Promise<T> {
  return ((await import(pathToFileURL(resolve(PROJECT_ROOT, entry)).href)) as { handler: T }).handler;
}

export interface LocalProcessingOptions {
  region: string;
  /** Where the write-backs reach DynamoDB (the capacity emulator's background door when it runs). */
  dynamoDbEndpoint: string;
  tableName: string;
  /** How long a worker has to call back (PROCESSING_TIMEOUT_SECONDS). */
  timeoutMs: number;
  worker: WorkerSetting;
}

export interface LocalProcessing {
  /** What the gateway serves as SQS and Step Functions; its queue URL is set once the gateway listens. */
  aws: LocalAws;
  worker: WorkerSetting;
  /** Takes the local service's URL: the functions' environment for the queue and the processor, and the queue's consumer starts. */
  listenAt(serviceUrl: string): Record<string, string>;
  /** No start waits in the queue (visible or not) and none is being handled: the starter's writes are done. */
  settled(): boolean;
  stop(): Promise<void>;
}

/**
 * Processing as it runs in AWS, inside the local service: the writers' SQS client sends each start to a
 * local queue (SQS's semantics: delay, visibility timeout, redelivery, dead letters, fair by tenant);
 * its event source mapping invokes the starter's handler, whose Step Functions client starts an
 * execution of the local processor; the processor's steps dispatch the action to the worker with a
 * task token and write its callback's outcome back; each ended execution is told to the closer's handler.
 */
export async function startLocalProcessing(options: LocalProcessingOptions): Promise<LocalProcessing> {
  const stateMachineArn = `arn:aws:states:${options.region}:${ACCOUNT}:stateMachine:billing-run-actions-local-processor`;
  const queue = new LocalQueue({
    visibilityTimeoutMs: PROCESSING_STARTS.visibilityTimeoutSeconds * 1000,
    maxReceives: PROCESSING_STARTS.maxDeliveries,
  });
  const tokens = new TaskTokens();
  const client = createDocumentClient({ region: options.region, endpoint: options.dynamoDbEndpoint });
  const dispatch = dispatcherFor(options.worker, tokens);
  const closer = await handlerOf<EndedHandler>(PROCESSING_ENDED.entry);
  const ended = async (execution: { name: string; input: string; status: ExecutionStatus }) => {
    const arn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${execution.name}`;
    const event = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Step Functions Execution Status Change' as const,
      source: 'aws.states',
      account: ACCOUNT,
      time: new Date().toISOString(),
      region: options.region,
      resources: [arn],
      detail: { executionArn: arn, stateMachineArn, name: execution.name, status: execution.status, input: execution.input },
    };
    await retrying(
      CLOSE_SCHEDULE,
      () => {
        const context = lambdaContext(PROCESSING_ENDED.operation, PROCESSING_ENDED.timeoutSeconds * 1000);
        return inInvocation(context, () => closer(event, context));
      },
      () => true,
    );
  };
  const stepFunctions = new LocalStepFunctions({
    stateMachineArn,
    run: (execution) =>
      runDefaultProcessor(
        { client, tableName: options.tableName, timeoutMs: options.timeoutMs, tokens, dispatch, region: options.region },
        execution,
      ),
    ended,
  });
  const aws: LocalAws = { queue, queueUrl: '', stepFunctions, tokens };
  const starter = await handlerOf<QueueHandler>(PROCESSING_STARTS.entry);
  let consumer: QueueEventSource | undefined;

  return {
    aws,
    worker: options.worker,
    listenAt(serviceUrl) {
      aws.queueUrl = `${serviceUrl}/${ACCOUNT}/processing-starts`;
      consumer ??= new QueueEventSource({
        queue,
        queueArn: `arn:aws:sqs:${options.region}:${ACCOUNT}:processing-starts`,
        handler: starter,
        functionName: PROCESSING_STARTS.operation,
        timeoutMs: PROCESSING_STARTS.timeoutSeconds * 1000,
        batchSize: PROCESSING_STARTS.batchSize,
        maxConcurrency: PROCESSING_STARTS.maxConcurrency,
      });
      return {
        STATE_MACHINE_ARN: stateMachineArn,
        PROCESSING_QUEUE_URL: aws.queueUrl,
        // The SQS client posts to its queue URL's host; named as its endpoint too, it says nothing of the difference.
        AWS_ENDPOINT_URL_SQS: serviceUrl,
        AWS_ENDPOINT_URL_SFN: `${serviceUrl}${LOCAL_AWS_PATH}`,
        LOCAL_AWS_ENDPOINTS: 'true',
      };
    },
    settled: () => queue.depth().waiting === 0 && (consumer?.idle() ?? true),
    async stop() {
      await consumer?.stop();
      tokens.abandonAll();
      await stepFunctions.settle();
      const { waiting, deadLetters } = queue.depth();
      if (waiting > 0 || deadLetters > 0) logger.info('the local queue of starts stopped with messages left', { waiting, deadLetters });
      client.destroy();
    },
  };
}
