import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../gateway/answers.ts';
import { LocalAwsError } from './local-aws-error.ts';
import type { LocalQueue } from './local-queue.ts';
import type { LocalStepFunctions } from './local-step-functions.ts';
import type { TaskTokens } from './task-tokens.ts';
import type { LocalEventBus } from '../events/local-event-bus.ts';

/** Where the SDK's Step Functions client reaches the local service (AWS_ENDPOINT_URL_SFN): the gateway's port, this path. */
export const LOCAL_AWS_PATH = '/_aws';
/** SQS's limit on one message's body (bytes) and on a message's delay (seconds). */
const MESSAGE_LIMIT_BYTES = 1024 * 1024;
const LONGEST_DELAY_SECONDS = 900;

/** Whether a request to the local service is an AWS API call (JSON protocol) rather than one of the API's. */
export function isAwsCall(request: IncomingMessage, path: string): boolean {
  const target = request.headers['x-amz-target'];
  return (
    request.method === 'POST' &&
    typeof target === 'string' &&
    (path === '/' || path === LOCAL_AWS_PATH || path === `${LOCAL_AWS_PATH}/`) &&
    (target.startsWith('AmazonSQS.') || target.startsWith('AWSStepFunctions.') || target.startsWith('AWSEvents.'))
  );
}

export interface LocalAws {
  queue: LocalQueue;
  queueUrl: string;
  stepFunctions: LocalStepFunctions;
  tokens: TaskTokens;
  /** The stack's event bus, where the stream consumer puts the change events (AWS_ENDPOINT_URL_EVENTBRIDGE). */
  events?: LocalEventBus;
}

type Operation = (aws: LocalAws, request: Record<string, unknown>) => Record<string, unknown>;

const OPERATIONS: Record<string, Operation> = {
  'AmazonSQS.SendMessage': (aws, { QueueUrl, MessageBody, DelaySeconds, MessageGroupId }) => {
    if (QueueUrl !== aws.queueUrl) throw new LocalAwsError('QueueDoesNotExist', 'The specified queue does not exist.');
    if (typeof MessageBody !== 'string' || MessageBody === '' || Buffer.byteLength(MessageBody) > MESSAGE_LIMIT_BYTES) {
      throw new LocalAwsError('InvalidParameterValue', `MessageBody must be 1 to ${MESSAGE_LIMIT_BYTES} bytes`);
    }
    const delaySeconds = DelaySeconds ?? 0;
    if (!Number.isInteger(delaySeconds) || (delaySeconds as number) < 0 || (delaySeconds as number) > LONGEST_DELAY_SECONDS) {
      throw new LocalAwsError('InvalidParameterValue', `DelaySeconds must be 0 to ${LONGEST_DELAY_SECONDS}`);
    }
    const messageId = aws.queue.send(MessageBody, {
      delaySeconds: delaySeconds as number,
      ...(typeof MessageGroupId === 'string' && { groupId: MessageGroupId }),
    });
    return { MessageId: messageId, MD5OfMessageBody: createHash('md5').update(MessageBody).digest('hex') };
  },
  'AWSEvents.PutEvents': (aws, request) => {
    if (!aws.events) throw new LocalAwsError('ResourceNotFoundException', 'The local service runs no event bus');
    return aws.events.putEvents(request);
  },
  'AWSStepFunctions.StartExecution': (aws, request) => aws.stepFunctions.startExecution(request),
  'AWSStepFunctions.DescribeExecution': (aws, request) => aws.stepFunctions.describeExecution(request),
  'AWSStepFunctions.SendTaskSuccess': (aws, { taskToken, output }) => {
    aws.tokens.succeed(taskToken, output);
    return {};
  },
  'AWSStepFunctions.SendTaskFailure': (aws, { taskToken, error, cause }) => {
    aws.tokens.fail(taskToken, error, cause);
    return {};
  },
  'AWSStepFunctions.SendTaskHeartbeat': (aws, { taskToken }) => {
    aws.tokens.heartbeat(taskToken);
    return {};
  },
};

/**
 * The local SQS and Step Functions, as their JSON protocol answers the SDK (and a worker's callback):
 * `X-Amz-Target` names the operation, the body is its request, an error is a 400 whose `__type` names it.
 * The SQS client posts to its queue URL's host (the gateway's port); the Step Functions client to
 * AWS_ENDPOINT_URL_SFN, which the local service sets to this path.
 */
export async function serveAwsCall(aws: LocalAws, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const target = request.headers['x-amz-target'] as string;
  const answer = (status: number, body: Record<string, unknown>) => {
    // EventBridge speaks JSON 1.1, SQS and Step Functions 1.0.
    response.writeHead(status, { 'Content-Type': `application/x-amz-json-${target.startsWith('AWSEvents.') ? '1.1' : '1.0'}` });
    response.end(JSON.stringify(body));
  };
  try {
    const operation = OPERATIONS[target];
    if (!operation) throw new LocalAwsError('UnknownOperationException', `The local service does not serve ${target}`);
    let body: unknown;
    try {
      body = JSON.parse((await readBody(request)).toString('utf8') || '{}');
    } catch {
      throw new LocalAwsError('SerializationException', 'The request body is not JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new LocalAwsError('SerializationException', 'The request body is not an object');
    answer(200, operation(aws, body as Record<string, unknown>));
  } catch (error) {
    if (!(error instanceof LocalAwsError)) throw error;
    answer(error.statusCode, { __type: error.code, message: error.message });
  }
}
