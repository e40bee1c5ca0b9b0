import { Duration, type Stack } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, type IMetric, MathExpression, Metric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { METRIC } from '../../lambdas/domain/metric-names.ts';
import { ROUTES } from '../../lambdas/routes.ts';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { ServiceFunction } from './constructs/service-function.ts';
import { type TenantUsageRules, tenantUsageWidgets } from './tenant-usage.ts';

/** What the dashboard shows besides the alarms' signals (the monitoring's own props hold them). */
interface Sources {
  api: RestApi;
  functions: ServiceFunction[];
  processor: IStateMachine;
  bulkLoads: IStateMachine;
}

const FIVE_MINUTES = Duration.minutes(5);

/** The signals the alarms watch, each one metric shared by its alarm and its graph. */
export interface Signals {
  topic: Topic;
  requests: IMetric;
  serverErrors: IMetric;
  errorRate: IMetric;
  p99: IMetric;
  authorizerFailures: IMetric;
  tableSignals: { name: string; throttled: IMetric; systemErrors: IMetric }[];
  processorFailed: IMetric;
  processorTimedOut: IMetric;
  bulkLines: IMetric[];
  bulkLoadsFailed: IMetric;
  bulkExecutionsFailed: IMetric;
  /** The change stream's consumer: its iterator age (ms, maximum), and the batches its event source gave up. */
  changesLag: IMetric;
  changesGivenUp: IMetric;
  /** The Contributor Insights rules of tenant usage (tenant-usage.ts). */
  tenantUsage: TenantUsageRules;
}

/** The service's metric of this stack's namespace (the functions' EMF documents). */
export const serviceMetric = (stack: Stack, metricName: string, dimensions: Record<string, string> = {}): Metric =>
  new Metric({
    namespace: stack.stackName,
    metricName,
    dimensionsMap: { service: 'billing-run-actions', ...dimensions },
    statistic: 'Sum',
    period: FIVE_MINUTES,
  });

/** One CloudWatch dashboard of the same signals as the alarms, the service's figures by operation, and who uses the table. */
export function addDashboard(stack: Stack, props: Sources, signals: Signals): void {
  const service = (metricName: string, dimensions: Record<string, string> = {}) => serviceMetric(stack, metricName, dimensions);
  const byOperation = (metricName: string) =>
    ROUTES.map((route) => service(metricName, { operation: route.operation }).with({ label: route.operation }));
  /** A metric summed over every operation that counts it (a dashboard search; alarms cannot search). */
  const overOperations = (metricName: string) =>
    new MathExpression({
      // A namespace with a hyphen (BillingRunActions-dev) must be in double quotes inside SEARCH.
      expression: `SUM(SEARCH('{"${stack.stackName}",service,operation} MetricName="${metricName}"', 'Sum', 300))`,
      label: metricName,
      period: FIVE_MINUTES,
    });
  new Dashboard(stack, 'Dashboard', {
    dashboardName: stack.stackName,
    widgets: [
      [new TextWidget({ markdown: `# ${stack.stackName}\nAlarms notify the SNS topic ${signals.topic.topicName}.`, width: 24, height: 2 })],
      [
        new GraphWidget({
          title: 'API requests, 4xx, 5xx',
          left: [signals.requests, props.api.metricClientError({ period: FIVE_MINUTES }), signals.serverErrors],
        }),
        new GraphWidget({
          title: 'API latency p50 / p99 (ms)',
          left: [props.api.metricLatency({ period: FIVE_MINUTES, statistic: 'p50' }), signals.p99],
        }),
        new GraphWidget({ title: 'API 5xx %', left: [signals.errorRate] }),
      ],
      [
        new GraphWidget({ title: 'Requests by operation', left: byOperation(METRIC.requests), width: 12 }),
        new GraphWidget({ title: 'Errors (5xx) by operation', left: byOperation(METRIC.errors), width: 12 }),
      ],
      [
        new GraphWidget({
          title: 'Conflicts, limit refusals, storage throttling',
          left: [METRIC.conflicts, METRIC.limitRefusals, METRIC.storageThrottled].map(overOperations),
        }),
        new GraphWidget({
          title: 'Idempotent replays, processing starts and failures',
          left: [METRIC.idempotentReplays, METRIC.processingStarts, METRIC.processingStartFailures].map(overOperations),
        }),
        new GraphWidget({
          title: 'Records swept, authorizer failures',
          left: [service(METRIC.recordsSwept, { operation: 'sweepStuckProcessing' }), signals.authorizerFailures],
        }),
      ],
      [
        new GraphWidget({
          title: 'Function errors',
          left: props.functions.map((fn) => fn.function.metricErrors({ period: FIVE_MINUTES, label: fn.node.id })),
          width: 12,
        }),
        new GraphWidget({
          title: 'Function throttles',
          left: props.functions.map((fn) => fn.function.metricThrottles({ period: FIVE_MINUTES, label: fn.node.id })),
          width: 12,
        }),
      ],
      [
        ...signals.tableSignals.flatMap(({ name, throttled, systemErrors }) => [
          new GraphWidget({ title: `DynamoDB ${name}: throttled requests`, left: [throttled], width: 6 }),
          new GraphWidget({ title: `DynamoDB ${name}: system errors`, left: [systemErrors], width: 6 }),
        ]),
      ],
      [
        new GraphWidget({
          title: 'Processor executions',
          left: [
            props.processor.metricStarted({ period: FIVE_MINUTES }),
            props.processor.metricSucceeded({ period: FIVE_MINUTES }),
            signals.processorFailed,
            signals.processorTimedOut,
          ],
          width: 12,
        }),
        new GraphWidget({ title: 'Bulk load lines loaded and failed', left: signals.bulkLines, width: 6 }),
        new GraphWidget({
          title: 'Bulk loads failed, bulk executions',
          left: [signals.bulkLoadsFailed, props.bulkLoads.metricStarted({ period: FIVE_MINUTES }), signals.bulkExecutionsFailed],
          width: 6,
        }),
      ],
      [
        new GraphWidget({ title: 'Change stream: consumer iterator age (ms, max)', left: [signals.changesLag], width: 12 }),
        new GraphWidget({ title: 'Change stream: batches given up (on-failure queue)', left: [signals.changesGivenUp], width: 12 }),
      ],
      ...tenantUsageWidgets(signals.tenantUsage),
    ],
  });
}
