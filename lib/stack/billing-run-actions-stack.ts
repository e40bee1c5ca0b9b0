import type { Lookup } from '../../lambdas/domain/billing-run-action.ts';
import { CfnOutput, type Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { LambdaIntegration, Period, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { type IStateMachine, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { acknowledge } from './nag.ts';
import type { Construct } from 'constructs';
import { ROUTES, type Route } from '../../lambdas/routes.ts';
import { STATUS_INDEX_ORDER } from '../../lambdas/adapters/dynamodb/table-design.ts';
import { TIERS } from '../../lambdas/domain/tenant.ts';
import { BulkLoader } from './constructs/bulk-loader.ts';
import { SUMMARIES_THROTTLED, indexesOf, recordsTable, summariesTable, tenantRegistryTable } from './service-tables.ts';
import type { AlarmThresholds } from './alarm-thresholds.ts';
import { addMonitoring } from './monitoring.ts';
import { DefaultProcessor } from './constructs/default-processor.ts';
import { ProcessingStarts } from './constructs/processing-starts.ts';
import { RecordChanges } from './constructs/record-changes.ts';
import { serviceRestApi } from './rest-api.ts';
import { scheduleSweep } from './processing-sweep.ts';
import { requestAuthorizer } from './request-authorizer.ts';
import { addGatewayResponses } from './constructs/gateway-responses.ts';
import { ServiceFunction } from './constructs/service-function.ts';
import { OUTPUT_NAMES } from './output-names.ts';
import type { StageThrottle, Tiers } from './tiers.ts';

export interface BillingRunActionsStackProps extends StackProps {
  /**
   * The JWT issuer (`iss`) and where its keys are published (HTTPS). They become the template's Issuer
   * and JwksUrl parameters, with these as defaults; without them the parameters have no default, so the
   * template cannot deploy until they are given (never with a placeholder).
   */
  issuer: string | undefined;
  jwksUrl: string | undefined;
  audience: string;
  tenantClaim: string;
  tiers: Tiers;
  /** The stage's default method throttling, above the largest tier. */
  stageThrottle: StageThrottle;
  /** AWS WAF's per-IP rate limit (5 minutes), or false for no WAF (context `waf=false`). */
  wafRateLimitPerFiveMinutes: number | false;
  /** An existing processor state machine; without it the stack provisions the default processor. */
  processorStateMachineArn?: string;
  processingTimeout: Duration;
  logRetention: RetentionDays;
  /** Whether this stack sets the account's API Gateway CloudWatch role (one setting per account and region). */
  apiGatewayAccount: boolean;
  deletedRetentionDays: number;
  /** How long after a rotation of the cursor key the cursors signed with the previous key stay valid. */
  cursorKeyGraceHours: number;
  /** When each alarm fires, and who gets its e-mail (none without). */
  alarmThresholds: AlarmThresholds;
  alarmEmail?: string;
  /** Bulk load: batches loading at once, lines per batch, days an upload is kept. */
  bulkLoad: { concurrency: number; batchLines: number; uploadRetentionDays: number; writeUnitsPerSecond: number };
  /** Write units a second the records table and each of its indexes take from their creation (WarmThroughput); AWS's 4,000 without. */
  warmWriteUnits?: number;
  /** How many status indexes the records table has, in STATUS_INDEX_ORDER (4; fewer while an upgrade adds them one a deploy). */
  statusIndexes: number;
}

/** The whole service: tables, one function per operation of the route table, the authorizer, the REST API and its usage plans, the processor. */
export class BillingRunActionsStack extends Stack {
  readonly api: RestApi;
  readonly table: Table;
  /** The lookups whose lists may filter by status: those whose status index the table has. */
  readonly statusLookups: readonly Lookup[];
  readonly tenantsTable: Table;
  /** The run summaries' counters and bookkeeping, which the change stream's consumer keeps. */
  readonly summariesTable: Table;
  readonly processor: IStateMachine;
  /** The queue of processing starts and its consumer. */
  readonly starts: ProcessingStarts;
  readonly bulkLoader: BulkLoader;
  /** The records table's change stream: its consumer, the change events' bus, the changes given up. */
  readonly changes: RecordChanges;

  constructor(scope: Construct, id: string, props: BillingRunActionsStackProps) {
    super(scope, id, props);
    // Named steps on this one scope: the construct ids, and so the deployed resources, stay as they were.
    this.statusLookups = STATUS_INDEX_ORDER.slice(0, props.statusIndexes);
    this.table = recordsTable(this, props.warmWriteUnits, this.statusLookups);
    this.tenantsTable = tenantRegistryTable(this);
    this.summariesTable = summariesTable(this, props.warmWriteUnits);
    this.processor = props.processorStateMachineArn
      ? StateMachine.fromStateMachineArn(this, 'Processor', props.processorStateMachineArn)
      : new DefaultProcessor(this, 'DefaultProcessor', {
          table: this.table,
          timeout: props.processingTimeout,
          logRetention: props.logRetention,
        }).stateMachine;
    this.starts = new ProcessingStarts(this, 'ProcessingStarts', {
      processor: this.processor,
      table: this.table,
      tenantsTable: this.tenantsTable,
      logRetention: props.logRetention,
    });
    this.changes = new RecordChanges(this, 'RecordChanges', {
      table: this.table,
      tenantsTable: this.tenantsTable,
      summariesTable: this.summariesTable,
      logRetention: props.logRetention,
    });
    scheduleSweep(this, { table: this.table, tenantsTable: this.tenantsTable, ...props });
    this.bulkLoader = new BulkLoader(this, 'BulkLoads', {
      table: this.table,
      tenantsTable: this.tenantsTable,
      starts: this.starts,
      ...props,
      ...props.bulkLoad,
    });
    const functionFor = this.operationFunctions(props);
    this.api = serviceRestApi(this, props, requestAuthorizer(this, { tenantsTable: this.tenantsTable, ...props }));
    for (const route of ROUTES) {
      this.api.root
        .resourceForPath(route.path)
        .addMethod(route.method, new LambdaIntegration(functionFor(route).function), { operationName: route.operation });
    }
    addGatewayResponses(this.api);
    this.addUsagePlans(props.tiers);
    const alarms = addMonitoring(this, {
      api: this.api,
      functions: this.node.findAll().filter((construct): construct is ServiceFunction => construct instanceof ServiceFunction),
      authorizer: this.node.findChild('Authorizer') as ServiceFunction,
      tables: [{ table: this.table }, { table: this.tenantsTable }, { table: this.summariesTable, whenThrottled: SUMMARIES_THROTTLED }],
      processor: this.processor,
      starts: this.starts,
      changes: this.changes,
      bulkLoads: this.bulkLoader.stateMachine,
      thresholds: props.alarmThresholds,
      ...(props.alarmEmail && { alarmEmail: props.alarmEmail }),
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topicArn, description: 'Every alarm notifies this SNS topic' });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL; paths start with billingRunActions/' });
    new CfnOutput(this, OUTPUT_NAMES.tableName, { value: this.table.tableName });
    new CfnOutput(this, OUTPUT_NAMES.tenantsTableName, { value: this.tenantsTable.tableName });
    new CfnOutput(this, OUTPUT_NAMES.summariesTableName, { value: this.summariesTable.tableName });
    new CfnOutput(this, OUTPUT_NAMES.changeEventBusName, {
      value: this.changes.bus.eventBusName,
      description: 'The change events bus (docs/events.md)',
    });
    new CfnOutput(this, OUTPUT_NAMES.changeEventBusArn, { value: this.changes.bus.eventBusArn });
    new CfnOutput(this, 'ProcessorStateMachineArn', { value: this.processor.stateMachineArn });
    new CfnOutput(this, 'BulkLoadBucketName', {
      value: this.bulkLoader.bucket.bucketName,
      description: 'Bulk load uploads (presigned PUTs)',
    });
  }

  /** One function per route of the route table, with exactly the table actions (and the queue of starts) its route names. */
  private operationFunctions(props: BillingRunActionsStackProps): (route: Route) => ServiceFunction {
    const cursorSecret = new Secret(this, 'CursorSecret', {
      description: 'HMAC key that signs list cursors; read at run time by the list functions only',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    acknowledge(cursorSecret, {
      'AwsSolutions-SMG4':
        'Rotated by the operator with put-secret-value (docs/operations.md): cursors carry the key id and the previous key stays valid for cursorKeyGraceHours, so no rotation function is needed.',
    });
    const serviceEnvironment = {
      TABLE_NAME: this.table.tableName,
      TENANTS_TABLE_NAME: this.tenantsTable.tableName,
      DELETED_RETENTION_DAYS: String(props.deletedRetentionDays),
    };
    const listEnvironment = { CURSOR_SECRET_ARN: cursorSecret.secretArn, CURSOR_KEY_GRACE_HOURS: String(props.cursorKeyGraceHours) };
    return (route) => {
      const fn = new ServiceFunction(this, route.operation, {
        entry: route.entry,
        description: route.summary,
        logRetention: props.logRetention,
        tenantUsage: true,
        environment: {
          ...serviceEnvironment,
          ...(route.access.startsProcessing && this.starts.environment),
          ...(route.lookup && listEnvironment),
          // A list whose status index this stack does not have yet refuses `?status=` (an upgrade in steps).
          ...(route.lookup && !this.statusLookups.includes(route.lookup) && { STATUS_LISTS: 'off' }),
          ...(route.access.bulkLoads && { BULK_LOAD_BUCKET: this.bulkLoader.bucket.bucketName }),
          ...(route.access.summaries && { SUMMARIES_TABLE_NAME: this.summariesTable.tableName }),
        },
      });
      if (route.access.bulkLoads === 'start') this.bulkLoader.grantUploads(fn);
      if (route.lookup) {
        fn.role.addToPrincipalPolicy(
          new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [cursorSecret.secretArn] }),
        );
      }
      fn.grantTable(this.table, route.access.records, indexesOf(route, this.statusLookups));
      fn.grantTable(this.tenantsTable, route.access.tenants);
      // A run's summary: its 16 counter items in one BatchGetItem, nothing else of the summaries table.
      if (route.access.summaries) fn.grantTable(this.summariesTable, ['BatchGetItem']);
      if (route.access.startsProcessing) this.starts.grantEnqueue(fn);
      return fn;
    };
  }

  /** One usage plan per tier, with its throttle and monthly quota, and its id as an output for the tenants command. */
  private addUsagePlans(tiers: Tiers): void {
    for (const tier of TIERS) {
      const limits = tiers[tier];
      const plan = this.api.addUsagePlan(`UsagePlan-${tier}`, {
        name: `${this.stackName}-${tier}`,
        description: `Tier ${tier}`,
        throttle: { rateLimit: limits.rateLimit, burstLimit: limits.burstLimit },
        ...(limits.monthlyQuota !== null && { quota: { limit: limits.monthlyQuota, period: Period.MONTH } }),
        apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
      });
      new CfnOutput(this, OUTPUT_NAMES.usagePlanId(tier), { value: plan.usagePlanId, description: `Usage plan of tier ${tier}` });
    }
  }
}
