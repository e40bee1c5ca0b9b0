import { v7 as uuidv7 } from 'uuid';
import type { CapacityEvent } from '../storage-busy.ts';
import { tallyConsumedCapacity } from '../consumed-capacity.ts';
import { REQUEST_TIMEOUT_MS, createDocumentClient } from '../adapters/dynamodb/document-client.ts';
import { METRIC } from '../domain/metric-names.ts';
import { DynamoDbBillingRunActionRepository } from '../adapters/dynamodb/dynamodb-billing-run-action-repository.ts';
import { DynamoDbBulkLoads } from '../adapters/dynamodb/dynamodb-bulk-loads.ts';
import { QueuedProcessingStarter } from '../adapters/sqs/queued-processing-starter.ts';
import { type ServiceConfig, processingConfig, serviceConfig } from '../config.ts';
import { logger } from '../logger.ts';
import { count } from '../metrics.ts';
import type { ProcessingStarter } from '../ports/processing-starter.ts';
import type { ActionDependencies } from '../use-cases/dependencies.ts';

/**
 * The composition root (this folder) is the one place that reads the configuration (config.ts) and
 * builds what the functions depend on. Each piece is built on first use and kept for the warm
 * invocations of the process; a function's bundle holds only the pieces its handler reaches. This
 * module holds what the API's functions and the bulk load's steps share.
 */
export type Storage = {
  config: ServiceConfig;
  client: ReturnType<typeof createDocumentClient>;
  /** How long one attempt of the client's calls may take (its request timeout). */
  attemptMs: number;
};
let store: Storage | undefined;
let actions: ActionDependencies | undefined;
let processing: ProcessingStarter | undefined;
let loadStore: DynamoDbBulkLoads | undefined;

/** Each attempt DynamoDB throttled or refused for a transaction conflict, counted in the invocation's metrics. */
export const countCapacityEvent = (event: CapacityEvent): void =>
  count(event === 'throttled' ? METRIC.storageThrottled : METRIC.storageConflicts);

/**
 * The service's configuration and a DocumentClient of its own (its own sockets): the SDK's `retryMode`,
 * one attempt's `requestTimeoutMs`, and locally the `endpoint` it calls when not the configured one.
 */
export function newStorage(
  options: { requestTimeoutMs?: number; retryMode?: 'standard' | 'adaptive'; endpoint?: string | undefined } = {},
): Storage {
  const config = serviceConfig();
  // DYNAMODB_ATTEMPT_TIMEOUT_MS, when set, shortens the API's attempts (tests force lost answers with it).
  const attemptMs = options.requestTimeoutMs ?? config.attemptTimeoutMs ?? REQUEST_TIMEOUT_MS;
  return {
    config,
    client: createDocumentClient({
      region: config.region,
      endpoint: options.endpoint ?? config.dynamoDbEndpoint,
      requestTimeoutMs: attemptMs,
      retryMode: options.retryMode ?? 'standard',
      onCapacityEvent: countCapacityEvent,
      onConsumedCapacity: tallyConsumedCapacity,
    }),
    attemptMs,
  };
}

/** The process's storage, shared by the use cases, the sweep and the bulk load's steps. */
export function storage(): Storage {
  store ??= newStorage();
  return store;
}

/** The common dependencies of the use cases, on the given storage. */
export function actionsOn({ config, client, attemptMs }: Storage): ActionDependencies {
  return {
    repository: new DynamoDbBillingRunActionRepository(client, config.tableName, config.tenantsTableName, {
      statusLists: config.statusLists,
    }),
    clock: () => new Date(),
    newId: uuidv7,
    deletedRetentionDays: config.deletedRetentionDays,
    batchConcurrency: config.batchConcurrency,
    storageAttemptMs: attemptMs,
    count,
    reportError: (error, context) => logger.error('operation step failed unexpectedly', { ...context, error: error as Error }),
  };
}

export function commonDependencies(): ActionDependencies {
  actions ??= actionsOn(storage());
  return actions;
}

/**
 * The processor, for the functions whose writes can leave a record in processing: they hand each start
 * to the queue of starts (in AWS, SQS; locally, the local service's queue). Only their bundles reference
 * it, so only they carry the SQS client (esbuild drops it from the others).
 */
export function processingStarter(): ProcessingStarter {
  if (!processing) {
    const config = processingConfig();
    processing = QueuedProcessingStarter.forQueue(config.queueUrl, config.stateMachineArn, config.region, config.local);
  }
  return processing;
}

/** The loads, one store per process: the bulk load operations and the loading steps share it. */
export function bulkLoadStore(): DynamoDbBulkLoads {
  const { config, client } = storage();
  loadStore ??= new DynamoDbBulkLoads(client, config.tableName);
  return loadStore;
}
