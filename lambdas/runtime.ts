import { v7 as uuidv7 } from 'uuid';
import { serviceConfig } from './config.ts';
import { logger } from './middleware/logger.ts';
import { createDocumentClient } from './storage/document-client.ts';
import { DynamoDbBillingRunActionRepository } from './storage/dynamodb-billing-run-action-repository.ts';
import type { ActionDependencies } from './use-cases/dependencies.ts';

let dependencies: ActionDependencies | undefined;

/**
 * The process-wide dependencies of the use cases, built on first use and reused by warm invocations.
 * The processor is not among them: the handlers that may start it add it (see the handler factory).
 */
export function actionDependencies(): ActionDependencies {
  if (!dependencies) {
    const config = serviceConfig();
    const client = createDocumentClient({ region: config.region, endpoint: config.dynamoDbEndpoint });
    dependencies = {
      repository: new DynamoDbBillingRunActionRepository(client, config.tableName, config.tenantsTableName),
      clock: () => new Date(),
      newId: uuidv7,
      cursorSecret: config.cursorSecret,
      deletedRetentionDays: config.deletedRetentionDays,
      batchConcurrency: config.batchConcurrency,
      reportError: (error, context) => logger.error('operation step failed unexpectedly', { ...context, error: error as Error }),
    };
  }
  return dependencies;
}
