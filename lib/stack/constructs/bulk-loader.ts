import { Annotations, type CfnElement, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import {
  Choice,
  Condition,
  DefinitionBody,
  DistributedMap,
  JsonPath,
  LogLevel,
  ProcessorMode,
  ProcessorType,
  S3JsonLItemReader,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { type BulkLoadStepName, bulkLoadStep } from '../../../lambdas/stack-functions.ts';
import { BATCHES_PREFIX, UPLOAD_PREFIX } from '../../../lambdas/adapters/s3/upload-keys.ts';
import { acknowledge } from '../nag.ts';
import { RESULTS_PREFIX, ResultsUnderPrefix } from './results-under-prefix.ts';
import type { ProcessingStarts } from './processing-starts.ts';
import { ServiceFunction } from './service-function.ts';
import { RETRY_POLICIES } from '../../../lambdas/retry-policies.ts';
import { retrierOf } from '../retriers.ts';

export interface BulkLoaderProps {
  table: ITable;
  tenantsTable: ITable;
  /** The queue of processing starts: the chunk step hands it the starts of the records it loads in processing. */
  starts: ProcessingStarts;
  logRetention: RetentionDays;
  /** How many batches load at once (the Distributed Map's MaxConcurrency). */
  concurrency: number;
  /** How many lines one batch holds. */
  batchLines: number;
  /** Days an uploaded file is kept before the bucket's lifecycle rule deletes it. */
  uploadRetentionDays: number;
  /** The write units a second all loads together may take (lambdas/adapters/dynamodb/load-pace.ts). */
  writeUnitsPerSecond: number;
}

const logicalIdOf = (construct: Construct): string => Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);

/**
 * Bulk load in AWS (SPEC 2.4): a private upload bucket that clients PUT into with a presigned URL;
 * its ObjectCreated event (EventBridge) starts a state machine that reads the file through into batches
 * of lines, loads the batches with a Distributed Map (JSON Lines item reader, bounded concurrency, each
 * batch retried), then ends the load, or fails it with the error that stopped it.
 */
export class BulkLoader extends Construct {
  readonly bucket: Bucket;
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: BulkLoaderProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Uploads', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true, // a load reads the version that started it, whatever later PUTs of the same key bring
      lifecycleRules: [
        {
          expiration: Duration.days(props.uploadRetentionDays),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Events to EventBridge on the bucket itself (CDK's eventBridgeEnabled adds a custom resource function).
    (this.bucket.node.defaultChild as CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    acknowledge(this.bucket, {
      'AwsSolutions-S1':
        'Uploads are transient (deleted by the lifecycle rule); who started each load is in the load itself and in the API access log, and the presigned PUT can only write the key of that load.',
    });
    const environment = {
      TABLE_NAME: props.table.tableName,
      TENANTS_TABLE_NAME: props.tenantsTable.tableName,
      BULK_BATCH_LINES: String(props.batchLines),
      BULK_LOAD_WRITE_UNITS: String(props.writeUnitsPerSecond),
    };
    // One function per step of the step table (lambdas/routes.ts), with its entry, timeout and description.
    const step = (name: BulkLoadStepName) => {
      const { entry, timeoutSeconds, description } = bulkLoadStep(name);
      return new ServiceFunction(this, `BulkLoad${name[0]?.toUpperCase()}${name.slice(1)}`, {
        entry,
        handler: 'handler',
        description,
        environment: name === 'chunk' ? { ...environment, ...props.starts.environment } : environment,
        logRetention: props.logRetention,
        timeout: Duration.seconds(timeoutSeconds),
        invocation: 'state machine',
        tenantUsage: true,
      });
    };
    const prepare = step('prepare');
    const chunk = step('chunk');
    const finish = step('finish');
    // Both read the uploaded version (GetObject with VersionId), which takes s3:GetObjectVersion alone.
    this.grantObjects(prepare, ['s3:GetObjectVersion'], UPLOAD_PREFIX, 'Reads the upload of any load');
    this.grantObjects(prepare, ['s3:PutObject'], BATCHES_PREFIX, 'Writes the batches of any load');
    this.grantObjects(chunk, ['s3:GetObjectVersion'], UPLOAD_PREFIX, 'Reads its range of the upload of any load');
    prepare.grantTable(props.table, ['GetItem', 'UpdateItem']);
    chunk.grantTable(props.table, ['GetItem', 'PutItem', 'UpdateItem', 'BatchWriteItem']);
    // The tenant's counter: read whole (BatchGetItem) to reserve a batch's room, updated to take and give it back.
    chunk.grantTable(props.tenantsTable, ['BatchGetItem', 'UpdateItem']);
    props.starts.grantEnqueue(chunk);
    finish.grantTable(props.table, ['GetItem', 'UpdateItem']);
    this.stateMachine = this.definition(props, { prepare, chunk, finish });
    const rule = new Rule(this, 'Uploaded', {
      description: 'A bulk load file arrived: load it',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [this.bucket.bucketName] }, object: { key: [{ prefix: UPLOAD_PREFIX }] } },
      },
      targets: [
        new SfnStateMachine(this.stateMachine, {
          input: RuleTargetInput.fromObject({
            bucket: EventField.fromPath('$.detail.bucket.name'),
            key: EventField.fromPath('$.detail.object.key'),
            version: EventField.fromPath('$.detail.object.version-id'),
          }),
        }),
      ],
    });
    acknowledge(rule, {
      'Serverless-EventBusDLQ':
        'EventBridge retries starting the state machine for 24 hours; a load whose start was lost stays `awaiting upload`, which its client sees and answers by starting a new load.',
    });
  }
  /** The start function presigns PUTs of upload keys: it may write those, and nothing else of the bucket. */
  grantUploads(fn: ServiceFunction): void {
    this.grantObjects(fn, ['s3:PutObject'], UPLOAD_PREFIX, 'Presigns PUTs of upload keys, uploads/<tenant>/<load>.ndjson');
  }

  /** The actions on the objects under one prefix, with cdk-nag's wildcard finding acknowledged with the reason. */
  private grantObjects(fn: ServiceFunction, actions: string[], prefix: string, reason: string): void {
    fn.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [this.bucket.arnForObjects(`${prefix}*`)] }));
    acknowledge(fn.role, this.prefixFindings([prefix], reason));
  }

  private definition(props: BulkLoaderProps, functions: Record<'prepare' | 'chunk' | 'finish', ServiceFunction>): StateMachine {
    const ended = (name: string, error: boolean) =>
      new LambdaInvoke(this, name, {
        lambdaFunction: functions.finish.function,
        payload: TaskInput.fromObject({ key: JsonPath.stringAt('$.key'), ...(error && { error: JsonPath.objectAt('$.error') }) }),
        payloadResponseOnly: true,
        retryOnServiceExceptions: true,
      });
    const failed = ended('Fail the load', true);
    const prepare = new LambdaInvoke(this, 'Read the file into batches', {
      lambdaFunction: functions.prepare.function,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    }).addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });

    // A batch whose retries are spent is given up by the same function (its state input plus the
    // error): what it wrote counts, the rest become line errors; only if that fails too does the map fail.
    // Within an Express child's 5 minutes: 3 attempts of 50 s, 2 of the give-up, the waits: 258 s (a test keeps it so).
    const giveUp = new LambdaInvoke(this, 'Give up the batch', {
      lambdaFunction: functions.chunk.function,
      payloadResponseOnly: true,
    }).addRetry(retrierOf(RETRY_POLICIES.bulkGiveUp, ['States.ALL']));
    const load = new LambdaInvoke(this, 'Load a batch', { lambdaFunction: functions.chunk.function, payloadResponseOnly: true })
      .addRetry(retrierOf(RETRY_POLICIES.bulkBatch, ['States.ALL']))
      .addCatch(giveUp, { errors: ['States.ALL'], resultPath: '$.error' });
    const map = new DistributedMap(this, 'Load the batches', {
      itemReader: new S3JsonLItemReader({ bucketNamePath: JsonPath.stringAt('$.bucket'), key: JsonPath.stringAt('$.batchesKey') }),
      itemSelector: {
        bucket: JsonPath.stringAt('$.bucket'),
        key: JsonPath.stringAt('$.key'),
        version: JsonPath.stringAt('$.version'),
        tenantId: JsonPath.stringAt('$.tenantId'),
        loadId: JsonPath.stringAt('$.loadId'),
        batch: JsonPath.objectAt('$$.Map.Item.Value'),
      },
      maxConcurrency: props.concurrency,
      mapExecutionType: StateMachineType.EXPRESS,
      toleratedFailurePercentage: 0,
      // Each batch's counts go to S3, not into the state: a million lines make thousands of batches.
      resultWriterV2: new ResultsUnderPrefix(this.bucket, RESULTS_PREFIX),
      resultPath: JsonPath.DISCARD,
    })
      .itemProcessor(load, { mode: ProcessorMode.DISTRIBUTED, executionType: ProcessorType.EXPRESS })
      .addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
    // CDK warns that ProcessorConfig.executionType is ignored, yet refuses a distributed map without it; it is rendered as given.
    Annotations.of(map).acknowledgeWarning('@aws-cdk/aws-stepfunctions:propertyIgnored', 'The child workflows are EXPRESS, as rendered.');

    const definition = prepare.next(
      new Choice(this, 'Anything to load?')
        .when(Condition.stringEquals('$.status', 'loading'), map.next(ended('End the load', false)))
        .otherwise(new Succeed(this, 'Nothing to load')),
    );
    const logs = new LogGroup(this, 'Logs', {
      // Under /aws/vendedlogs/ the group needs no entry in the account's CloudWatch Logs resource policy,
      // whose 5,120 characters a few stacks' state machines would otherwise fill (AWS: Logging using CloudWatch Logs, Step Functions).
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-bulk-load`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stateMachine = new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });
    // The Distributed Map reads the batches and writes the batches' results, nothing else of the bucket.
    stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${BATCHES_PREFIX}*`)] }),
    );
    const ownExecutions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${logicalIdOf(stateMachine)}"}]}]}`;
    acknowledge(stateMachine, {
      'AwsSolutions-IAM5[Resource::*]':
        'Only the X-Ray and CloudWatch Logs delivery actions Step Functions needs, which support no resource-level permissions.',
      ...this.prefixFindings(
        [BATCHES_PREFIX, RESULTS_PREFIX],
        'The batches and the result files of every load, one object (or a few) per load',
      ),
      [`AwsSolutions-IAM5[Resource::${ownExecutions}:*]`]: 'The Distributed Map managing its own child executions (CDK grants this).',
      [`AwsSolutions-IAM5[Resource::${ownExecutions}/*:*]`]: 'The Distributed Map managing its own child executions (CDK grants this).',
      ...Object.fromEntries(
        Object.values(functions).map((step) => [
          `AwsSolutions-IAM5[Resource::<${logicalIdOf(step.function)}.Arn>:*]`,
          'Invoking the versions of its own step function (CDK grants the function and its qualifiers).',
        ]),
      ),
    });
    return stateMachine;
  }

  /** cdk-nag's findings for object wildcards under these prefixes of the bucket, acknowledged with the reason. */
  private prefixFindings(prefixes: string[], reason: string): Record<string, string> {
    const bucketArn = `<${logicalIdOf(this.bucket)}.Arn>`;
    return Object.fromEntries(
      prefixes.map((prefix) => [`AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}*]`, `${reason} (${prefix}*).`]),
    );
  }
}
