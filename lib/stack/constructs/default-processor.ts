import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  IntegrationPattern,
  JsonPath,
  LogLevel,
  Pass,
  StateMachine,
  Succeed,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { DynamoAttributeValue, DynamoUpdateItem, EventBridgePutEvents } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { acknowledge } from '../nag.ts';
import { Construct } from 'constructs';
import { STATUSES } from '../../../lambdas/domain/billing-run-action.ts';
import { PARTITION_KEY, RECORD_KEY_FORMAT } from '../../../lambdas/adapters/dynamodb/table-design.ts';
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
} from '../../processor/default-processor-steps.ts';
import { RETRY_POLICIES } from '../../../lambdas/retry-policies.ts';
import { retrierOf } from '../retriers.ts';

/** How much longer than the worker's timeout an execution may run: its retries' waits. */
export const PROCESSOR_MARGIN = Duration.minutes(30);

/**
 * The errors of a write-back that say DynamoDB was busy, not that the write is wrong: retried with
 * jittered backoff for about ten minutes rather than ending the record's processing unwritten. The
 * optimized DynamoDB integration names its errors with the prefix `DynamoDB.` (AWS Step Functions
 * Developer Guide, "Perform DynamoDB CRUD operations with Step Functions", exception prefix differences).
 * Only these: a write-back refused for anything else (a bad request, say) is not tried again.
 */
export const WRITE_BACK_RETRY = retrierOf(RETRY_POLICIES.processorStep, [
  'DynamoDB.ProvisionedThroughputExceededException',
  'DynamoDB.ThrottlingException',
  'DynamoDB.RequestLimitExceeded',
  'DynamoDB.TransactionConflictException',
  'DynamoDB.InternalServerErrorException',
]);

/**
 * The dispatch's error that says EventBridge did not take the event: a `PutEvents` entry it refused
 * (throttled or failed on its side: `EventBridge.FailedEntry`, AWS Step Functions Developer Guide,
 * "Add EventBridge events with Step Functions"), so no worker holds the attempt's token. Retried the
 * same way; the worker's own failures (SendTaskFailure) and the timeout are not retried: they are the outcome.
 */
export const DISPATCH_RETRY = retrierOf(RETRY_POLICIES.processorStep, ['EventBridge.FailedEntry']);

export interface DefaultProcessorProps {
  table: ITable;
  /** How long the worker has to call back (SendTaskSuccess / SendTaskFailure). */
  timeout: Duration;
  logRetention: RetentionDays;
}

/**
 * The default processor (SPEC 2.3): publishes the action to an EventBridge bus, detail-type per action
 * type, with a task token; waits for the worker's callback; writes the outcome back to the record, on
 * the condition that the record still points at this execution. A failure or a timeout writes `error`.
 */
export class DefaultProcessor extends Construct {
  readonly stateMachine: StateMachine;
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: DefaultProcessorProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { description: 'Billing run actions to process; workers answer with the task token' });

    const key = {
      [PARTITION_KEY]: DynamoAttributeValue.fromString(
        JsonPath.format(RECORD_KEY_FORMAT, JsonPath.stringAt('$.tenantId'), JsonPath.stringAt('$.id')),
      ),
    };
    const superseded = new Succeed(this, 'Record moved on');
    /** The write-back `name` (default-processor-steps.ts): an UpdateItem of the record that only lands while the record still points at this execution. */
    const writeBack = (
      name: WriteBackName,
      status: { literal: string } | { at: string },
      values: Record<string, DynamoAttributeValue> = {},
    ) =>
      new DynamoUpdateItem(this, WRITE_BACKS[name].state, {
        table: props.table,
        key,
        updateExpression: writeBackExpression(WRITE_BACKS[name].set),
        conditionExpression: WRITE_BACK_CONDITION,
        expressionAttributeNames: { '#status': 'status' },
        expressionAttributeValues: {
          ...values,
          ':status': DynamoAttributeValue.fromString('literal' in status ? status.literal : JsonPath.stringAt(status.at)),
          // The status indexes' sort key (statusSortKey in table-design.ts): the status, '#', the id.
          ':status_key': DynamoAttributeValue.fromString(
            'literal' in status
              ? JsonPath.format(`${status.literal}#{}`, JsonPath.stringAt('$.id'))
              : JsonPath.format('{}#{}', JsonPath.stringAt(status.at), JsonPath.stringAt('$.id')),
          ),
          ':one': DynamoAttributeValue.fromNumber(1),
          ':now': DynamoAttributeValue.fromString(JsonPath.stringAt('$$.State.EnteredTime')),
          ':by': DynamoAttributeValue.fromString(PROCESSOR_PRINCIPAL),
          ':execution': DynamoAttributeValue.fromString(JsonPath.stringAt('$$.Execution.Id')),
          ':context': DynamoAttributeValue.fromMap({
            principal: DynamoAttributeValue.fromString(PROCESSOR_PRINCIPAL),
            tenant: DynamoAttributeValue.fromString(JsonPath.stringAt('$.tenantId')),
            source_ip: DynamoAttributeValue.fromString('-'),
            user_agent: DynamoAttributeValue.fromString('AWS Step Functions'),
            request_id: DynamoAttributeValue.fromString(JsonPath.stringAt('$$.Execution.Id')),
            time: DynamoAttributeValue.fromString(JsonPath.stringAt('$$.State.EnteredTime')),
            operation: DynamoAttributeValue.fromString(PROCESSOR_OPERATION),
          }),
        },
        resultPath: JsonPath.DISCARD,
      })
        .addRetry(WRITE_BACK_RETRY)
        .addCatch(superseded, { errors: ['DynamoDB.ConditionalCheckFailedException'] });
    const fixed = (name: 'completed' | 'unknownStatus' | 'stillProcessing') => {
      const write: { status: string; message?: string } = WRITE_BACKS[name];
      return writeBack(
        name,
        { literal: write.status },
        write.message ? { ':message': DynamoAttributeValue.fromString(write.message) } : {},
      );
    };

    const writeReported = writeBack('reported', { at: '$.outcome.status' });
    const writeCompleted = fixed('completed');
    const writeFailure = writeBack(
      'failure',
      { literal: WRITE_BACKS.failure.status },
      {
        ':message': DynamoAttributeValue.fromString(JsonPath.format(FAILURE_MESSAGE_FORMAT, JsonPath.stringAt('$.failure.Error'))),
        ':stack': DynamoAttributeValue.fromString(JsonPath.stringAt('$.failure.Cause')),
      },
    );
    const writeUnknownStatus = fixed('unknownStatus');
    const writeStillProcessing = fixed('stillProcessing');

    // A failure may carry no Error or Cause (SendTaskFailure without them, a timeout without a cause):
    // defaults first, then what the failure does carry, so that the write of `error` never fails on a missing path.
    const failureDefaults = new Pass(this, 'Failure defaults', {
      parameters: FAILURE_DEFAULTS,
      resultPath: '$.failureDefaults',
    });
    const failureFields = new Pass(this, 'Failure fields', {
      parameters: {
        'tenantId.$': '$.tenantId',
        'id.$': '$.id',
        'failure.$': 'States.JsonMerge($.failureDefaults, $.failure, false)',
      },
    });
    const handleFailure = failureDefaults.next(failureFields).next(writeFailure);

    const dispatch = new EventBridgePutEvents(this, 'Dispatch and wait for the worker', {
      entries: [
        {
          eventBus: this.bus,
          source: EVENT_SOURCE,
          detailType: JsonPath.stringAt('$.type'),
          detail: TaskInput.fromObject({
            tenantId: JsonPath.stringAt('$.tenantId'),
            id: JsonPath.stringAt('$.id'),
            type: JsonPath.stringAt('$.type'),
            executionArn: JsonPath.stringAt('$$.Execution.Id'),
            taskToken: JsonPath.taskToken,
          }),
        },
      ],
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      taskTimeout: Timeout.duration(props.timeout),
      resultPath: '$.outcome',
    })
      .addRetry(DISPATCH_RETRY)
      .addCatch(handleFailure, { errors: ['States.ALL'], resultPath: '$.failure' });

    const known = Condition.or(...STATUSES.map((status) => Condition.stringEquals('$.outcome.status', status)));
    const outcome = new Choice(this, 'Outcome reported?')
      .when(
        Condition.and(
          Condition.isPresent('$.outcome.status'),
          Condition.isString('$.outcome.status'),
          Condition.stringEquals('$.outcome.status', 'processing'),
        ),
        writeStillProcessing,
      )
      .when(Condition.and(Condition.isPresent('$.outcome.status'), Condition.isString('$.outcome.status'), known), writeReported)
      .when(Condition.isPresent('$.outcome.status'), writeUnknownStatus)
      .otherwise(writeCompleted);

    const logs = new LogGroup(this, 'Logs', {
      // Under /aws/vendedlogs/ the group needs no entry in the account's CloudWatch Logs resource policy,
      // whose 5,120 characters a few stacks' state machines would otherwise fill (AWS: Logging using CloudWatch Logs, Step Functions).
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-processor`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromChainable(dispatch.next(outcome)),
      // The worker's time, and room for the dispatch's and a write-back's retries (a test sums them from the definition).
      timeout: props.timeout.plus(PROCESSOR_MARGIN),
      tracingEnabled: true,
      // Execution data would include the task token: not logged.
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });
    acknowledge(this.stateMachine, {
      'AwsSolutions-IAM5[Resource::*]':
        'Only the X-Ray and CloudWatch Logs delivery actions Step Functions needs, which support no resource-level permissions.',
    });
  }
}
