import { Duration, type Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, type IMetric, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { METRIC } from '../../lambdas/domain/metric-names.ts';
import { bulkLoadStep } from '../../lambdas/stack-functions.ts';
import type { ServiceFunction } from './constructs/service-function.ts';
import { alarmTopic, allowAlarmsToPublish } from './alarm-topic.ts';
import type { AlarmThresholds } from './alarm-thresholds.ts';
import { addDashboard, serviceMetric } from './dashboard.ts';
import { tenantUsageRules } from './tenant-usage.ts';

export interface MonitoringProps {
  api: RestApi;
  functions: ServiceFunction[];
  /** The REQUEST authorizer's function, among `functions`. */
  authorizer: ServiceFunction;
  /** Each table, and what its throttling means and what to do (`DynamoDB throttled requests on the <id> table` without). */
  tables: { table: Table; whenThrottled?: string }[];
  processor: IStateMachine;
  /** The queue of processing starts, and its dead-letter queue. */
  starts: { queue: IQueue; deadLetters: IQueue; unclosed: IQueue };
  /** The records table's change stream: its consumer (among `functions`) and the event source's on-failure queue. */
  changes: { consumer: ServiceFunction; failures: IQueue };
  /** The bulk load state machine. */
  bulkLoads: IStateMachine;
  thresholds: AlarmThresholds;
  alarmEmail?: string;
}

const FIVE_MINUTES = Duration.minutes(5);
/**
 * The DynamoDB operations the functions and the commands use (an alarm's math may sum at most 10
 * metrics); the chunk step writes records with BatchWriteItem, the lists and the summary read with BatchGetItem.
 */
const OPERATIONS = [
  Operation.GET_ITEM,
  Operation.BATCH_GET_ITEM,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.QUERY,
  Operation.SCAN,
  Operation.TRANSACT_WRITE_ITEMS,
  Operation.BATCH_WRITE_ITEM,
];

/**
 * The sum of sparse metrics: in metric math a period has a value only where every term has data, so a
 * plain `a + b` of an operation that never throttled and one that did has none, and its alarm never
 * fires. Each term is FILL(term, 0) (CloudWatch metric math: FILL "fills the missing values of a time
 * series"), so any one term with data makes the sum.
 */
function filledSum(terms: Record<string, IMetric>, label: string): MathExpression {
  return new MathExpression({
    expression: Object.keys(terms)
      .map((id) => `FILL(${id}, 0)`)
      .join(' + '),
    usingMetrics: terms,
    label,
    period: FIVE_MINUTES,
  });
}

/**
 * Alarms, each notifying the stack's one SNS topic (an e-mail subscription from context `alarmEmail`),
 * the Contributor Insights rules of tenant usage, and one dashboard of the same signals. docs/operations.md
 * says what each alarm means and what to do.
 */
export function addMonitoring(stack: Stack, props: MonitoringProps): Topic {
  const topic = alarmTopic(stack, props.alarmEmail);
  const action = new SnsAction(topic);
  const alarms: Alarm[] = [];
  const alarm = (id: string, metric: IMetric, threshold: number, description: string, evaluationPeriods = 1): Alarm => {
    const created = new Alarm(stack, id, {
      alarmName: `${stack.stackName}-${id}`,
      metric,
      threshold,
      evaluationPeriods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    created.addAlarmAction(action);
    alarms.push(created);
    return created;
  };
  const t = props.thresholds;
  const service = (metricName: string, dimensions: Record<string, string> = {}) => serviceMetric(stack, metricName, dimensions);

  const requests = props.api.metricCount({ period: FIVE_MINUTES });
  const serverErrors = props.api.metricServerError({ period: FIVE_MINUTES });
  const errorRate = new MathExpression({
    expression: 'IF(FILL(requests, 0) > 0, 100 * FILL(errors, 0) / FILL(requests, 0), 0)',
    usingMetrics: { requests, errors: serverErrors },
    period: FIVE_MINUTES,
    label: '5xx %',
  });
  alarm('Api5xxRate', errorRate, t.api5xxRatePercent, 'API 5xx answers as a percentage of requests, over 5 minutes', 2);
  const p99 = props.api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' });
  alarm('ApiLatencyP99', p99, t.apiLatencyP99Ms, 'API p99 latency (ms), over 5 minutes', 3);
  for (const fn of props.functions) {
    const name = fn.node.id;
    // The REQUEST authorizer answers every bad or expired token by throwing Unauthorized, which Lambda
    // counts as an error: its real failures are AuthorizerFailures, alarmed below.
    if (fn !== props.authorizer) {
      alarm(`${name}Errors`, fn.function.metricErrors({ period: FIVE_MINUTES }), t.functionErrors, fn.errorsAlarmDescription);
    }
    alarm(`${name}Throttles`, fn.function.metricThrottles({ period: FIVE_MINUTES }), t.functionThrottles, `${name}: throttled invocations`);
  }
  const authorizerFailures = service(METRIC.authorizerFailures, { operation: 'authorize' });
  alarm(
    'AuthorizerFailures',
    authorizerFailures,
    t.authorizerFailures,
    'The authorizer could not decide (issuer keys unreadable, tenant registry unreachable): callers get 503',
  );
  // Each signal is one metric, shared by its alarm and its dashboard graph.
  const perOperation = (table: Table, metricName: string) =>
    filledSum(
      Object.fromEntries(
        OPERATIONS.map((operation) => [
          operation.toLowerCase(),
          table.metric(metricName, {
            dimensionsMap: { TableName: table.tableName, Operation: operation },
            statistic: 'Sum',
            period: FIVE_MINUTES,
          }),
        ]),
      ),
      `${table.node.id} ${metricName}`,
    );
  const tableSignals = props.tables.map(({ table, whenThrottled }) => ({
    name: table.node.id,
    whenThrottled: whenThrottled ?? `DynamoDB throttled requests on the ${table.node.id} table`,
    throttled: perOperation(table, 'ThrottledRequests'),
    systemErrors: perOperation(table, 'SystemErrors'),
  }));
  for (const { name, whenThrottled, throttled, systemErrors } of tableSignals) {
    alarm(`${name}Throttled`, throttled, t.dynamoDbThrottledRequests, whenThrottled);
    alarm(`${name}SystemErrors`, systemErrors, t.dynamoDbSystemErrors, `DynamoDB system errors on the ${name} table`);
  }
  const processorFailed = props.processor.metricFailed({ period: FIVE_MINUTES });
  const processorTimedOut = props.processor.metricTimedOut({ period: FIVE_MINUTES });
  alarm('ProcessorFailed', processorFailed, t.processorFailed, 'Processor executions failed');
  alarm('ProcessorTimedOut', processorTimedOut, t.processorTimedOut, 'Processor executions timed out');
  const startsWaiting = props.starts.queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' });
  alarm(
    'ProcessingStartsWaiting',
    startsWaiting,
    t.processingStartsOldestMinutes * 60,
    'The oldest processing start has waited this long in the queue of starts (seconds): the starter is not keeping up, or not running',
  );
  const messagesIn = (queue: IQueue) => queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' });
  alarm(
    'ProcessingStartsDeadLettered',
    messagesIn(props.starts.deadLetters),
    t.processingStartsDeadLettered,
    'Processing starts were refused on every delivery and wait in the dead-letter queue: their records stay in processing until moved back or swept',
  );
  alarm(
    'ExecutionsUnclosed',
    messagesIn(props.starts.unclosed),
    t.executionsUnclosed,
    "Ended processor executions kept their tenant's place (their event is in the dead-letter queue): the tenant's cap counts them until the sweep closes them; read the closer's log, then purge",
  );
  // IteratorAge (ms): how old the last change of a batch was when the event source handed it over.
  const changesLag = props.changes.consumer.function.metric('IteratorAge', { statistic: 'Maximum', period: FIVE_MINUTES });
  alarm(
    'RecordChangesLag',
    changesLag,
    t.changeStreamLagMinutes * 60_000,
    "The change stream's consumer is behind (its iterator age, ms, in two 5-minute periods running): run summaries and change events lag the writes. Check PublishRecordChanges' errors, throttles and log; a change failing again and again holds its shard until its retries are spent.",
    2,
  );
  const changesGivenUp = messagesIn(props.changes.failures);
  alarm(
    'RecordChangesGivenUp',
    changesGivenUp,
    t.changesGivenUp,
    "Changes of the records table were given up (retries spent or 6 hours old): their runs' summaries are no longer exact and their events may be missing. Each message of the on-failure queue names a stream, a shard and a range of sequence numbers; within 24 hours of the change (the stream's retention) read those records (get-shard-iterator AT_SEQUENCE_NUMBER, get-records), invoke PublishRecordChanges with them once its log's error is fixed (a version counts once), then delete the message (docs/operations.md).",
  );
  alarm(
    'RecordsSwept',
    service(METRIC.recordsSwept, { operation: 'sweepStuckProcessing' }).with({ period: Duration.minutes(15) }),
    t.recordsSwept,
    'Records were stuck in processing past the timeout and were moved to error',
  );

  // A load fails when its file cannot be read (counted by the prepare step) or loading stops (the finish step).
  const bulkLoadsFailed = filledSum(
    {
      prepare: service(METRIC.bulkLoadsFailed, { operation: bulkLoadStep('prepare').operation }),
      finish: service(METRIC.bulkLoadsFailed, { operation: bulkLoadStep('finish').operation }),
    },
    METRIC.bulkLoadsFailed,
  );
  alarm('BulkLoadsFailed', bulkLoadsFailed, t.bulkLoadsFailed, 'Bulk loads ended failed: their file could not be read, or loading stopped');
  const bulkExecutionsFailed = props.bulkLoads.metricFailed({ period: FIVE_MINUTES, label: 'BulkLoadExecutionsFailed' });
  alarm(
    'BulkLoadExecutionsFailed',
    bulkExecutionsFailed,
    t.bulkLoadsFailed,
    'Bulk load state machine executions failed (a load may be left loading)',
  );
  const bulkBatchesGivenUp = service(METRIC.bulkBatchesGivenUp, { operation: bulkLoadStep('chunk').operation }).with({
    period: FIVE_MINUTES,
  });
  alarm(
    'BulkBatchesGivenUp',
    bulkBatchesGivenUp,
    t.bulkLoadsFailed,
    'Bulk load batches failed on every attempt and were given up: their unwritten lines are line errors to send again',
  );
  const bulkLines = [METRIC.bulkLinesLoaded, METRIC.bulkLinesFailed, METRIC.bulkBatchesGivenUp].map((name) =>
    service(name, { operation: bulkLoadStep('chunk').operation }).with({ label: name }),
  );

  allowAlarmsToPublish(stack, topic, alarms);
  addDashboard(stack, props, {
    topic,
    requests,
    serverErrors,
    errorRate,
    p99,
    authorizerFailures,
    tableSignals,
    processorFailed,
    processorTimedOut,
    bulkLines,
    bulkLoadsFailed,
    bulkExecutionsFailed,
    changesLag,
    changesGivenUp,
    tenantUsage: tenantUsageRules(stack, props.functions),
  });
  return topic;
}
