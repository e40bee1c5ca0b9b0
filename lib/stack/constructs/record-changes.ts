import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RECORD_CHANGES } from '../../../lambdas/stack-functions.ts';
import type { ServerManagedField } from '../../../lambdas/domain/billing-run-action.ts';
import { acknowledge } from '../nag.ts';
import { ServiceFunction } from './service-function.ts';

export interface RecordChangesProps {
  /** The records table, with its stream (NEW_AND_OLD_IMAGES: service-tables.ts). */
  table: ITable;
  tenantsTable: ITable;
  /** The run summaries' table (service-tables.ts): the consumer's counting writes it, and nothing else. */
  summariesTable: ITable;
  logRetention: RetentionDays;
}

/**
 * The records table's change stream and its consumer (`RECORD_CHANGES`): each change of a record is
 * counted in its run's summary (in the summaries table) and published on the stack's own bus. What the
 * event source gives up after its retries lands in `failures`, alarmed on (monitoring.ts).
 */
export class RecordChanges extends Construct {
  /**
   * The change events' bus. Its name is generated (CDK's unique id of the construct, which holds the
   * stack's name), as the processor's bus: no fixed name two stacks could share, and with the default
   * removal policy a deploy that fails and rolls back deletes it, so no bus of that name is left behind
   * to collide with the next attempt. Subscribers read it from the stack output ChangeEventBusName.
   */
  readonly bus: EventBus;
  readonly consumer: ServiceFunction;
  /** The event source's on-failure destination: one message per batch of changes given up, naming their shard and sequence numbers. */
  readonly failures: Queue;

  constructor(scope: Construct, id: string, props: RecordChangesProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { description: 'Billing run action changes: one event per change of a record' });
    this.failures = new Queue(this, 'Failures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const lastStop =
      "It is the stream event source's on-failure destination itself: its messages are alarmed on, and the operator re-drives the changes they name.";
    acknowledge(this.failures, { 'AwsSolutions-SQS3': lastStop, 'Serverless-SQSRedrivePolicy': lastStop });
    this.consumer = new ServiceFunction(this, 'PublishRecordChanges', {
      entry: RECORD_CHANGES.entry,
      description: "Counts each change of a record in its run's summary and publishes it on the change events bus",
      logRetention: props.logRetention,
      timeout: Duration.seconds(RECORD_CHANGES.timeoutSeconds),
      invocation: 'stream',
      errorsAlarmDescription:
        'PublishRecordChanges: invocations failed whole (a crash or a timeout, not a change it answered as failed): the event source bisects and retries the batch, and what still fails goes to the on-failure queue (RecordChangesGivenUp). Read the function log; summaries and events lag meanwhile (RecordChangesLag).',
      environment: {
        TABLE_NAME: props.table.tableName,
        TENANTS_TABLE_NAME: props.tenantsTable.tableName,
        SUMMARIES_TABLE_NAME: props.summariesTable.tableName,
        EVENT_BUS_NAME: this.bus.eventBusName,
      },
    });
    // Counting is a TransactWriteItems of Update items on the summaries table (a record's bookkeeping
    // item, a run's counter item), each with a condition: "Permissions for Put, Update, Delete, and Get
    // actions are governed by the permissions used for the underlying PutItem, UpdateItem, DeleteItem, and
    // GetItem operations" (DynamoDB developer guide, "Using IAM with DynamoDB transactions"). So UpdateItem
    // alone, there alone: of the records table the consumer reads the stream only (the event source's grant).
    this.consumer.grantTable(props.summariesTable, ['UpdateItem']);
    // PutEvents on this bus only (not grantPutEventsTo's default bus).
    this.bus.grantPutEventsTo(this.consumer.role);
    this.consumer.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: RECORD_CHANGES.batchSize,
        maxBatchingWindow: Duration.seconds(RECORD_CHANGES.maxBatchingWindowSeconds),
        parallelizationFactor: RECORD_CHANGES.parallelizationFactor,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: RECORD_CHANGES.retryAttempts,
        maxRecordAge: Duration.seconds(RECORD_CHANGES.maxRecordAgeSeconds),
        onFailure: new SqsDlq(this.failures),
        filters: recordItemsOnly(),
      }),
    );
  }
}

/**
 * Only a record's own items invoke the consumer: an item with the record's version before or after the
 * change. The records table's other items (a load's, a tenant's open executions) have none, so their
 * changes never invoke it; nor would a run counter or bookkeeping item, were one ever written there (the
 * consumer writes them in the summaries table, whose changes no stream carries). Lambda event filtering: "your filters are
 * logically ORed together", and a DynamoDB attribute is matched under its type in the image with the
 * `exists` operator, e.g. `{ "dynamodb": { "NewImage": { "x": { "N": [{ "exists": true }] } } } }`
 * (AWS Lambda developer guide, "Control which events Lambda sends to your function" and "Using event
 * filtering with a DynamoDB event source", Using the Exists operator). Records dropped by a filter are
 * not counted as failures and move the stream's position on.
 */
function recordItemsOnly() {
  const version: ServerManagedField = 'sys_version';
  const versioned = { [version]: { N: FilterRule.exists() } };
  return [FilterCriteria.filter({ dynamodb: { NewImage: versioned } }), FilterCriteria.filter({ dynamodb: { OldImage: versioned } })];
}
