import { v7 as uuidv7 } from 'uuid';
import { serviceConfig } from './config.ts';
import { logger } from './middleware/logger.ts';
import type { ProcessingStarter } from './processing/processing-starter.ts';
import { createDocumentClient } from './storage/document-client.ts';
import { DynamoDbBillingRunActionRepository } from './storage/dynamodb-billing-run-action-repository.ts';
import type { ActionDependencies } from './use-cases/dependencies.ts';

let dependencies: Promise<ActionDependencies> | undefined;

async function processingStarter(stateMachineArn: string | undefined, region: string): Promise<ProcessingStarter | undefined> {
  if (!stateMachineArn) {
    logger.info('STATE_MACHINE_ARN is not set: writes succeed and no processing execution starts');
    return undefined;
  }
  // Loaded only where a processor is configured, so functions without one never evaluate the client.
  const [{ SFNClient }, { StepFunctionsProcessingStarter }] = await Promise.all([
    import('@aws-sdk/client-sfn'),
    import('./processing/step-functions-processing-starter.ts'),
  ]);
  return new StepFunctionsProcessingStarter(new SFNClient({ region }), stateMachineArn);
}

async function build(): Promise<ActionDependencies> {
  const config = serviceConfig();
  const client = createDocumentClient({ region: config.region, endpoint: config.dynamoDbEndpoint });
  return {
    repository: new DynamoDbBillingRunActionRepository(client, config.tableName, config.tenantsTableName),
    clock: () => new Date(),
    newId: uuidv7,
    cursorSecret: config.cursorSecret,
    deletedRetentionDays: config.deletedRetentionDays,
    batchConcurrency: config.batchConcurrency,
    processing: await processingStarter(config.stateMachineArn, config.region),
    reportError: (error, context) => logger.error('operation step failed unexpectedly', { ...context, error: error as Error }),
  };
}

/** The process-wide dependencies of the use cases, built on first use and reused by warm invocations. */
export function actionDependencies(): Promise<ActionDependencies> {
  dependencies ??= build().catch((error: unknown) => {
    dependencies = undefined;
    throw error;
  });
  return dependencies;
}

