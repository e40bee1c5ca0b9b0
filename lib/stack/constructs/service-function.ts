import { resolve } from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { FUNCTION_TIMEOUT_SECONDS } from '../api-settings.ts';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { acknowledge } from '../nag.ts';
import { Construct } from 'constructs';
import type { TableAction } from '../../../lambdas/routes.ts';
import { BUNDLE_OPTIONS } from '../bundling.ts';

const PROJECT_ROOT = resolve(import.meta.dirname, '../../..');

const BUNDLING = {
  format: OutputFormat.ESM,
  minify: BUNDLE_OPTIONS.minify,
  target: BUNDLE_OPTIONS.target,
  mainFields: [...BUNDLE_OPTIONS.mainFields],
  banner: BUNDLE_OPTIONS.banner,
  externalModules: [],
  sourceMap: false,
};

export interface ServiceFunctionProps {
  /** Handler module relative to the project root, exporting `handler` (or the export named by `handler`). */
  entry: string;
  handler?: string;
  description: string;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  memorySize?: number;
  timeout?: Duration;
  /**
   * How it is invoked: by API Gateway (the default), on a schedule, as a task of a state machine, by a
   * queue's or a DynamoDB stream's event source, or asynchronously by an EventBridge rule (`event`: its
   * failed invocations, after Lambda's own two retries, go to `deadLetterQueue`).
   */
  invocation?: 'api' | 'schedule' | 'state machine' | 'queue' | 'stream' | 'event';
  /** Where its failed asynchronous invocations go (an `event` function's). */
  deadLetterQueue?: IQueue;
  /**
   * Whether its lines name a tenant and the capacity its storage calls consumed (an API operation's
   * access line, a bulk load step's line): the Contributor Insights rules of tenant usage read its log group.
   */
  tenantUsage?: boolean;
  /** What its failed invocations mean and what to do: its Errors alarm's description (monitoring.ts); `<id>: failed invocations` without. */
  errorsAlarmDescription?: string;
}

/**
 * A Lambda function with the service's defaults fixed once: nodejs24.x on arm64, active tracing, its
 * own log group with retention, a role of its own that may only write that log group, and a typed way
 * to grant exactly the table actions the function needs.
 */
export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly tenantUsage: boolean;
  readonly errorsAlarmDescription: string;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.RETAIN });
    this.logGroup = logGroup;
    this.tenantUsage = props.tenantUsage ?? false;
    this.errorsAlarmDescription = props.errorsAlarmDescription ?? `${id}: failed invocations`;
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: props.description });
    this.function = new NodejsFunction(this, 'Function', {
      entry: resolve(PROJECT_ROOT, props.entry),
      handler: props.handler ?? 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(FUNCTION_TIMEOUT_SECONDS),
      tracing: Tracing.ACTIVE,
      logGroup,
      role: this.role,
      ...(props.deadLetterQueue && { deadLetterQueue: props.deadLetterQueue }),
      // Every function logs and counts under the service's name, its metrics in the stack's namespace.
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: 'billing-run-actions',
        POWERTOOLS_METRICS_NAMESPACE: Stack.of(this).stackName,
      },
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: resolve(PROJECT_ROOT, 'package-lock.json'),
      bundling: BUNDLING,
    });
    logGroup.grantWrite(this.role);
    const invocation = props.invocation ?? 'api';
    // An `event` function has its dead-letter queue; the others are invoked synchronously, which none receives.
    if (invocation !== 'event')
      acknowledge(this.function, {
        'Serverless-LambdaDLQ': {
          schedule:
            'A scheduled, idempotent run: a failed run is repeated by the next one, and shows in the function error metric; a dead-letter queue would only hold empty schedule events.',
          api: 'Invoked synchronously (by API Gateway, as an integration or the authorizer): the caller gets the error; a dead-letter queue only receives failed asynchronous invocations.',
          'state machine':
            'Invoked synchronously by a state machine task, which retries it and catches its failure: a dead-letter queue only receives failed asynchronous invocations.',
          queue:
            "Invoked synchronously by an SQS event source mapping: a failed message returns to its queue and ends in the queue's own dead-letter queue; a function's dead-letter queue only receives failed asynchronous invocations.",
          stream:
            "Invoked synchronously by a DynamoDB stream event source mapping: the changes it gives up after its retries go to the mapping's on-failure destination (an SQS queue); a function's dead-letter queue only receives failed asynchronous invocations.",
        }[invocation],
      });
    const xray = 'X-Ray PutTraceSegments/PutTelemetryRecords, which support no resource-level permissions';
    acknowledge(this.role, {
      'AwsSolutions-IAM5[Resource::*]':
        invocation === 'stream'
          ? `Only ${xray}, and dynamodb:ListStreams, which Lambda's DynamoDB event source needs of the function's role and CDK's Table grants on *: it lists stream ARNs, no data.`
          : `Only ${xray}.`,
    });
  }

  /** Grants exactly these actions on the table (and `Query` on the given indexes only). */
  grantTable(table: ITable, actions: readonly TableAction[], indexNames: readonly string[] = []): void {
    if (actions.length === 0) return;
    const itemActions = actions.filter((action) => action !== 'Query');
    if (itemActions.length > 0) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: itemActions.map((action) => `dynamodb:${action}`), resources: [table.tableArn] }),
      );
    }
    if (actions.includes('Query')) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['dynamodb:Query'], resources: indexNames.map((name) => `${table.tableArn}/index/${name}`) }),
      );
    }
  }
}
