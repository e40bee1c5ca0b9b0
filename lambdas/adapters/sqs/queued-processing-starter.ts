import { SDK_ATTEMPTS } from '../../retry-policies.ts';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { processorExecutions } from '../../domain/processing.ts';
import type { ProcessingInput, ProcessingStarter, QueuedStart, StartQueue } from '../../ports/processing-starter.ts';

const SEND_TIMEOUT_MS = 2_000;
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * Hands each start to the queue of processing starts, whose consumer (handlers/start-processing.ts)
 * starts the execution at the rate Step Functions allows and tries a throttled start again until it
 * succeeds. A standard queue takes a nearly unlimited number of sends a second (Amazon SQS Developer
 * Guide, "Amazon SQS standard queues"), so a burst of writes or a bulk load never meets the start quota
 * here. The SQS client is built on the first start: most requests start nothing.
 */
export class QueuedProcessingStarter implements ProcessingStarter, StartQueue {
  /** `local`: the local service's queue, which takes placeholder credentials (the machine's are never sent there). */
  static forQueue(queueUrl: string, stateMachineArn: string, region: string, local = false): QueuedProcessingStarter {
    // An attempt that hangs is given up after 2 s and tried again (the SDK's three attempts), well within
    // the writer's 10 s: a start that cannot be queued moves its record to error rather than time the write out.
    return new QueuedProcessingStarter(
      () =>
        new SQSClient({
          region,
          maxAttempts: SDK_ATTEMPTS,
          requestHandler: { requestTimeout: SEND_TIMEOUT_MS, throwOnRequestTimeout: true },
          ...(local && { credentials: LOCAL_CREDENTIALS }),
        }),
      queueUrl,
      stateMachineArn,
    );
  }

  readonly executionArnFor: (name: string) => string;
  readonly owns: (executionArn: string) => boolean;
  private readonly createClient: () => SQSClient;
  private client: SQSClient | undefined;
  private readonly queueUrl: string;

  constructor(createClient: () => SQSClient, queueUrl: string, stateMachineArn: string) {
    this.createClient = createClient;
    this.queueUrl = queueUrl;
    ({ executionArnFor: this.executionArnFor, owns: this.owns } = processorExecutions(stateMachineArn));
  }

  async start(name: string, input: ProcessingInput): Promise<void> {
    await this.send({ name, ...input });
  }

  /** The start, sent again as a new message that the queue delivers after `delaySeconds` (at most 900). */
  async defer(start: QueuedStart, delaySeconds: number): Promise<void> {
    await this.send(start, delaySeconds);
  }

  private async send(message: QueuedStart, delaySeconds?: number): Promise<void> {
    this.client ??= this.createClient();
    // The tenant as the message group: the queue is then a fair queue (Amazon SQS Developer Guide, "Amazon
    // SQS fair queues": a standard queue identifies each message's tenant by its MessageGroupId and, when one
    // tenant holds a disproportionate share of the messages in flight, delivers the quiet tenants' first),
    // so a tenant's backlog of a million starts does not delay another tenant's first start.
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        MessageGroupId: message.tenantId,
        ...(delaySeconds !== undefined && { DelaySeconds: delaySeconds }),
      }),
    );
  }
}

/** A message's start, as `start` sent it; undefined for a body that is not one. */
export function queuedStartOf(body: string): QueuedStart | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const fields = ['name', 'tenantId', 'id', 'type'] as const;
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const start = parsed as Record<string, unknown>;
  if (!fields.every((field) => typeof start[field] === 'string' && start[field] !== '')) return undefined;
  const deferrals =
    Number.isSafeInteger(start.deferrals) && (start.deferrals as number) > 0 ? { deferrals: start.deferrals as number } : {};
  return {
    name: start.name as string,
    tenantId: start.tenantId as string,
    id: start.id as string,
    type: start.type as string,
    ...deferrals,
  };
}
