import { v7 as uuidv7 } from 'uuid';
import { serviceConfig } from './config.ts';
import { logger } from './middleware/logger.ts';
import { createDocumentClient } from './storage/document-client.ts';
import { DynamoDbBillingRunActionRepository } from './storage/dynamodb-billing-run-action-repository.ts';
import type { ActionDependencies } from './use-cases/dependencies.ts';

let dependencies: ActionDependencies | undefined;

/** The process-wide dependencies of the use cases, built on first use and reused by warm invocations. */
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
      reportError: (error, context) => logger.error('batch operation failed unexpectedly', { ...context, error: error as Error }),
    };
  }
  return dependencies;
}

/** Tests put in their own dependencies (a stand-in repository, a fixed clock). */
export function setActionDependencies(replacement: ActionDependencies | undefined): void {
  dependencies = replacement;
}
