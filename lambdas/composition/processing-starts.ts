import { DynamoDbOpenExecutions } from '../adapters/dynamodb/dynamodb-open-executions.ts';
import { DynamoDbTenantRegistry } from '../adapters/dynamodb/dynamodb-tenant-registry.ts';
import { QueuedProcessingStarter } from '../adapters/sqs/queued-processing-starter.ts';
import { StepFunctionsProcessingStarter } from '../adapters/step-functions/step-functions-processing-starter.ts';
import { processingConfig } from '../config.ts';
import { RETRY_POLICIES } from '../retry-policies.ts';
import type { OpenExecutions } from '../ports/open-executions.ts';
import { type StartDependencies, tierCaps } from '../use-cases/start-queued-processing.ts';
import { commonDependencies, storage } from './shared.ts';

export { queuedStartOf } from '../adapters/sqs/queued-processing-starter.ts';

let starts: StartDependencies | undefined;
let ended: OpenExecutions | undefined;

/**
 * The consumer of the queue of starts: the records, the processor it starts (only its bundle holds the
 * Step Functions client), the tenants' open executions and caps, and its own queue.
 */
export function startDependencies(): StartDependencies {
  if (!starts) {
    const config = processingConfig();
    const { config: service, client } = storage();
    starts = {
      ...commonDependencies(),
      processor: StepFunctionsProcessingStarter.forStateMachine(config.stateMachineArn, config.region, config.local),
      executions: openExecutions(),
      capOf: tierCaps(new DynamoDbTenantRegistry(client, service.tenantsTableName, RETRY_POLICIES.tierRead)),
      queue: QueuedProcessingStarter.forQueue(config.queueUrl, config.stateMachineArn, config.region, config.local),
    };
  }
  return starts;
}

/** The tenants' open executions: the starter takes places, the function told of ended executions gives them back. */
export function openExecutions(): OpenExecutions {
  const { config, client } = storage();
  ended ??= new DynamoDbOpenExecutions(client, config.tableName);
  return ended;
}
