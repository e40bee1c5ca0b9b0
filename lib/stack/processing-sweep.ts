import { Duration, type Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SWEEP_ENTRY, SWEEP_SCHEDULE } from '../../lambdas/stack-functions.ts';
import { LEGACY_PROCESSING_INDEX, PROCESSING_INDEX } from '../../lambdas/adapters/dynamodb/table-design.ts';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { PROCESSOR_MARGIN } from './constructs/default-processor.ts';
import { LONGEST_DELIVERIES } from './constructs/processing-starts.ts';
import { ServiceFunction } from './constructs/service-function.ts';
import { acknowledge } from './nag.ts';

/**
 * Every 15 minutes, records left in processing longer than their processing can take are moved to
 * error: the processor's timeout, its own margin (the default processor stops 30 minutes after the
 * timeout, its retries included), the time a start may spend being delivered by the queue of starts
 * (5 hours), and half an hour more: 6 hours past the timeout.
 */
const sweepCutoff = (processingTimeout: Duration): Duration =>
  processingTimeout.plus(PROCESSOR_MARGIN).plus(LONGEST_DELIVERIES).plus(Duration.minutes(30));

/** Schedules the sweep of records stuck in processing. */
export function scheduleSweep(
  stack: Stack,
  props: { processingTimeout: Duration; logRetention: RetentionDays; table: ITable; tenantsTable: ITable },
): void {
  const sweeper = new ServiceFunction(stack, 'SweepStuckProcessing', {
    entry: SWEEP_ENTRY,
    description: 'Moves records stuck in processing past the processor timeout to error',
    logRetention: props.logRetention,
    invocation: 'schedule',
    timeout: Duration.minutes(SWEEP_SCHEDULE.timeoutMinutes),
    environment: {
      TABLE_NAME: props.table.tableName,
      TENANTS_TABLE_NAME: props.tenantsTable.tableName,
      STUCK_AFTER_MINUTES: String(sweepCutoff(props.processingTimeout).toMinutes()),
    },
  });
  // It queries the processing indexes, reads each record it found and puts it back in error; it lists the tenants.
  // UpdateItem and DeleteItem: closing a tenant's place of an execution that ended unseen (its count, its item).
  sweeper.grantTable(
    props.table,
    ['Query', 'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
    [PROCESSING_INDEX.indexName, LEGACY_PROCESSING_INDEX.indexName],
  );
  sweeper.grantTable(props.tenantsTable, ['Scan']);
  const schedule = new Rule(stack, 'SweepSchedule', {
    description: 'Runs the sweep of records stuck in processing',
    schedule: Schedule.rate(Duration.minutes(SWEEP_SCHEDULE.everyMinutes)),
    targets: [new LambdaFunction(sweeper.function, { retryAttempts: 2 })],
  });
  acknowledge(schedule, {
    'Serverless-EventBusDLQ': 'Schedule events carry no data: a delivery that failed is made good by the next run, 15 minutes later.',
  });
}
