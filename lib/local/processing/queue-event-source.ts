import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../../../lambdas/logger.ts';
import { inInvocation } from '../gateway/invocation.ts';
import { lambdaContext } from '../gateway/proxy-event.ts';
import type { LocalQueue, QueuedMessage } from './local-queue.ts';

export type QueueHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface EventSourceOptions {
  queue: LocalQueue;
  queueArn: string;
  handler: QueueHandler;
  /** The function's name and timeout, as the stack gives them. */
  functionName: string;
  timeoutMs: number;
  batchSize: number;
  maxConcurrency: number;
}

/** The longest a poller waits on an empty queue before it looks again (SQS's long poll is 20 s). */
const LONG_POLL_MS = 1_000;

function recordOf(message: QueuedMessage, queueArn: string): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.receipt as string,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receives),
      SentTimestamp: String(message.sentAt),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(message.sentAt),
      ...(message.groupId !== undefined && { MessageGroupId: message.groupId }),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'local',
  };
}

/**
 * Lambda's SQS event source mapping, with `ReportBatchItemFailures`: up to `maxConcurrency` pollers
 * each receive a batch of up to `batchSize` messages and invoke the function with it; the messages it
 * did not name as failed are deleted, those it named (or all, when it throws or times out) are left to
 * come back after the visibility timeout.
 */
export class QueueEventSource {
  private running = true;
  /** Batches being handled now. */
  private handling = 0;
  private readonly pollers: Promise<void>[];
  private readonly options: EventSourceOptions;

  constructor(options: EventSourceOptions) {
    this.options = options;
    this.pollers = Array.from({ length: options.maxConcurrency }, () => this.poll());
  }

  /** Whether no batch is being handled now. */
  idle(): boolean {
    return this.handling === 0;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.pollers);
  }

  private async poll(): Promise<void> {
    const { queue, batchSize } = this.options;
    while (this.running) {
      const messages = queue.receive(batchSize);
      if (messages.length === 0) {
        const next = queue.nextVisibleAt();
        await queue.waitForMessages(next === undefined ? LONG_POLL_MS : Math.min(LONG_POLL_MS, Math.max(next - Date.now(), 10)));
        continue;
      }
      this.handling += 1;
      const failed = await this.invoke(messages).finally(() => (this.handling -= 1));
      for (const message of messages) if (!failed.has(message.messageId)) queue.delete(message.messageId, message.receipt as string);
    }
  }

  /** The ids of the messages to deliver again. */
  private async invoke(messages: QueuedMessage[]): Promise<Set<string>> {
    const { handler, functionName, timeoutMs, queueArn } = this.options;
    const everyOne = new Set(messages.map((message) => message.messageId));
    const context = lambdaContext(functionName, timeoutMs);
    const event: SQSEvent = { Records: messages.map((message) => recordOf(message, queueArn)) };
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        inInvocation(context, () => handler(event, context)),
        new Promise<'timed out'>((resolve) => (timer = setTimeout(() => resolve('timed out'), timeoutMs))),
      ]);
      if (answer === 'timed out') {
        logger.warn('the local queue consumer timed out: its batch comes back after the visibility timeout', { functionName });
        return everyOne;
      }
      const named = (answer?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier);
      // Lambda reads a batch whose response names an empty or unknown identifier as failed whole.
      if (named.some((id) => typeof id !== 'string' || !everyOne.has(id))) return everyOne;
      return new Set(named);
    } catch (error) {
      logger.error('the local queue consumer failed: its batch comes back after the visibility timeout', {
        functionName,
        error: error as Error,
      });
      return everyOne;
    } finally {
      clearTimeout(timer);
    }
  }
}
