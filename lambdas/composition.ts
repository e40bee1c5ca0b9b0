import { v7 as uuidv7 } from 'uuid';
import type { AuthorizerDependencies } from './auth/authorize-request.ts';
import { JoseTokenVerifier } from './auth/jose-token-verifier.ts';
import { authConfig, serviceConfig, tenantRegistryConfig } from './config.ts';
import { logger } from './logger.ts';
import type { ProcessingStarter } from './processing/processing-starter.ts';
import { StepFunctionsProcessingStarter } from './processing/step-functions-processing-starter.ts';
import { createDocumentClient } from './storage/document-client.ts';
import { DynamoDbBillingRunActionRepository } from './storage/dynamodb-billing-run-action-repository.ts';
import { DynamoDbTenantRegistry } from './storage/dynamodb-tenant-registry.ts';
import type { ActionDependencies } from './use-cases/dependencies.ts';

/**
 * The composition root: the one module that reads the configuration (config.ts) and builds what the
 * functions depend on. Each piece is built on first use and kept for the warm invocations of the
 * process. Tests hand the handler factory other dependencies instead (an in-memory repository).
 */
let actions: ActionDependencies | undefined;
let actionsWithProcessing: ActionDependencies | undefined;
let processing: { starter: ProcessingStarter | undefined } | undefined;
let authorizer: AuthorizerDependencies | undefined;

/**
 * What the use cases need. The handlers that may start processing pass `processingStarter`, so that only
 * their bundles hold the Step Functions client.
 */
export function actionDependencies(processor?: () => ProcessingStarter | undefined): ActionDependencies {
  if (processor) return (actionsWithProcessing ??= { ...actionDependencies(), processing: processor() });
  if (!actions) {
    const config = serviceConfig();
    const client = createDocumentClient({ region: config.region, endpoint: config.dynamoDbEndpoint });
    actions = {
      repository: new DynamoDbBillingRunActionRepository(client, config.tableName, config.tenantsTableName),
      clock: () => new Date(),
      newId: uuidv7,
      cursorSecret: config.cursorSecret,
      deletedRetentionDays: config.deletedRetentionDays,
      batchConcurrency: config.batchConcurrency,
      reportError: (error, context) => logger.error('operation step failed unexpectedly', { ...context, error: error as Error }),
    };
  }
  return actions;
}

/**
 * The processor, for the four handlers whose writes can leave a record in processing: only their
 * bundles reference it, so only they carry the Step Functions client (esbuild drops it from the others).
 * Without STATE_MACHINE_ARN, as locally, writes succeed and nothing starts, which the function says once.
 */
export function processingStarter(): ProcessingStarter | undefined {
  if (!processing) {
    const config = serviceConfig();
    processing = {
      starter: config.stateMachineArn ? StepFunctionsProcessingStarter.forStateMachine(config.stateMachineArn, config.region) : undefined,
    };
    if (!processing.starter) logger.info('STATE_MACHINE_ARN is not set: writes succeed and no processing execution starts');
  }
  return processing.starter;
}

/** What the REQUEST authorizer needs: the token verifier and the tenant registry. */
export function authorizerDependencies(): AuthorizerDependencies {
  if (!authorizer) {
    const config = tenantRegistryConfig();
    authorizer = {
      verifier: new JoseTokenVerifier(authConfig()),
      tenants: new DynamoDbTenantRegistry(
        createDocumentClient({ region: config.region, endpoint: config.dynamoDbEndpoint }),
        config.tenantsTableName,
      ),
      log: (message, attributes) => logger.info(message, attributes),
    };
  }
  return authorizer;
}
