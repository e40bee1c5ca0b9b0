import { Duration, Names } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { PROCESSING_ENDED, PROCESSING_STARTS } from '../../../lambdas/stack-functions.ts';
import { acknowledge } from '../nag.ts';
import { ServiceFunction } from './service-function.ts';

export interface ProcessingStartsProps {
  processor: IStateMachine;
  table: ITable;
  tenantsTable: ITable;
  logRetention: RetentionDays;
}

/** How long a start may go on being delivered before the dead-letter queue takes it: each delivery a visibility timeout at least. */
export const LONGEST_DELIVERIES = Duration.seconds(PROCESSING_STARTS.maxDeliveries * PROCESSING_STARTS.visibilityTimeoutSeconds);

/**
 * The queue of processing starts (SPEC 2.3 and 7): the writes hand each start to it, and its consumer
 * starts the executions at the rate Step Functions takes, at most `maxConcurrency` invocations of
 * `batchSize` starts at once (`PROCESSING_STARTS`); a start refused for load goes back to the queue
 * (a partial batch response) and is delivered again after the visibility timeout.
 */
export class ProcessingStarts extends Construct {
  readonly queue: Queue;
  readonly deadLetters: Queue;
  readonly starter: ServiceFunction;
  /** Told of each execution that ended, it gives the execution's place among its tenant's open ones back. */
  readonly closer: ServiceFunction;
  /** Ended executions whose place could not be given back: EventBridge's deliveries, and the closer's invocations, that failed for good. */
  readonly unclosed: Queue;
  /** What a writer needs to hand over a start: the processor, for the execution's ARN, and the queue. */
  readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string, props: ProcessingStartsProps) {
    super(scope, id);
    const timeout = Duration.seconds(PROCESSING_STARTS.timeoutSeconds);
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const lastStop =
      'It is the dead-letter queue of the queue of starts: its messages are alarmed on, and moved back to the queue by the operator.';
    acknowledge(this.deadLetters, { 'AwsSolutions-SQS3': lastStop, 'Serverless-SQSRedrivePolicy': lastStop });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(PROCESSING_STARTS.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: PROCESSING_STARTS.maxDeliveries },
    });
    this.starter = new ServiceFunction(this, 'StartProcessing', {
      entry: PROCESSING_STARTS.entry,
      description: 'Starts the processor executions the writes queued, at the rate Step Functions takes',
      logRetention: props.logRetention,
      timeout,
      invocation: 'queue',
      environment: {
        TABLE_NAME: props.table.tableName,
        TENANTS_TABLE_NAME: props.tenantsTable.tableName,
        STATE_MACHINE_ARN: props.processor.stateMachineArn,
        PROCESSING_QUEUE_URL: this.queue.queueUrl,
      },
    });
    props.processor.grantStartExecution(this.starter.role);
    // Each record is read before its start (one that moved on gets none); a start refused for good moves it to error, conditionally on that version.
    // Each execution takes a place among its tenant's open ones (a count updated, an item put; both deleted or given back if it does not start).
    this.starter.grantTable(props.table, ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']);
    // The tenant's tier, for its cap of open executions.
    this.starter.grantTable(props.tenantsTable, ['GetItem']);
    // A start over its tenant's cap goes back to the queue, delayed.
    this.queue.grant(this.starter.role, 'sqs:SendMessage');
    const source = new SqsEventSource(this.queue, {
      batchSize: PROCESSING_STARTS.batchSize,
      maxConcurrency: PROCESSING_STARTS.maxConcurrency,
      reportBatchItemFailures: true,
    });
    this.starter.function.addEventSource(source);
    acknowledge(this.starter.function.node.findChild(`SqsEventSource:${Names.nodeUniqueId(this.queue.node)}`), {
      'Serverless-LambdaEventSourceMappingDestination':
        "An SQS event source takes no on-failure destination (those are for stream and Kafka sources): a start failing every delivery goes to the queue's dead-letter queue.",
    });
    ({ closer: this.closer, unclosed: this.unclosed } = this.closeEndedExecutions(props));
    this.environment = { STATE_MACHINE_ARN: props.processor.stateMachineArn, PROCESSING_QUEUE_URL: this.queue.queueUrl };
  }

  /**
   * The processor's executions that ended (succeeded, failed, timed out, aborted), as Step Functions tells
   * EventBridge ("Step Functions Execution Status Change", best-effort delivery: the sweep closes what a
   * lost event left open), each handed to the closer. EventBridge retries a failed delivery for up to 24
   * hours and Lambda a failed invocation twice; what still fails goes to one dead-letter queue, alarmed on.
   */
  private closeEndedExecutions(props: ProcessingStartsProps): { closer: ServiceFunction; unclosed: Queue } {
    const unclosed = new Queue(this, 'Unclosed', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const lastStop = 'It is a dead-letter queue itself (of the closer and of its rule): its messages are alarmed on.';
    acknowledge(unclosed, { 'AwsSolutions-SQS3': lastStop, 'Serverless-SQSRedrivePolicy': lastStop });
    const closer = new ServiceFunction(this, 'CloseEndedExecutions', {
      entry: PROCESSING_ENDED.entry,
      description: "Gives an ended processor execution's place among its tenant's open executions back",
      logRetention: props.logRetention,
      timeout: Duration.seconds(PROCESSING_ENDED.timeoutSeconds),
      invocation: 'event',
      deadLetterQueue: unclosed,
      environment: { TABLE_NAME: props.table.tableName, TENANTS_TABLE_NAME: props.tenantsTable.tableName },
    });
    closer.grantTable(props.table, ['UpdateItem', 'DeleteItem']);
    new Rule(this, 'ExecutionsEnded', {
      description: "The processor's executions that ended: each gives its tenant's place back",
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { stateMachineArn: [props.processor.stateMachineArn], status: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] },
      },
      targets: [new LambdaFunction(closer.function, { deadLetterQueue: unclosed, maxEventAge: Duration.hours(24), retryAttempts: 185 })],
    });
    return { closer, unclosed };
  }

  /** A writer may send starts to the queue, and nothing else. */
  grantEnqueue(fn: ServiceFunction): void {
    // Not grantSendMessages, which adds GetQueueAttributes and GetQueueUrl: the writers have the queue's URL.
    this.queue.grant(fn.role, 'sqs:SendMessage');
  }
}
