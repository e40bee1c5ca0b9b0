import { v7 as uuidv7 } from 'uuid';
import type { AuthorizerDependencies } from './auth/authorize-request.ts';
import { JoseTokenVerifier } from './auth/jose-token-verifier.ts';
import {
  type ServiceConfig,
  authConfig,
  bulkBatchConfig,
  bulkLoadConfig,
  cursorKeyConfig,
  serviceConfig,
  sweepConfig,
  tenantRegistryConfig,
} from './config.ts';
import { type CursorKeys, fixedCursorKeys } from './domain/list-cursor.ts';
import { SecretsManagerCursorKeys } from './secrets/secrets-manager-cursor-keys.ts';
import { logger } from './logger.ts';
import { count } from './metrics.ts';
import type { ProcessingStarter } from './processing/processing-starter.ts';
import { StepFunctionsProcessingStarter } from './processing/step-functions-processing-starter.ts';
import { createDocumentClient } from './storage/document-client.ts';
import { DynamoDbBillingRunActionRepository } from './storage/dynamodb-billing-run-action-repository.ts';
import { DynamoDbStuckRecords } from './storage/dynamodb-stuck-records.ts';
import { DynamoDbTenantRegistry } from './storage/dynamodb-tenant-registry.ts';
import { DynamoDbBulkLoads } from './storage/dynamodb-bulk-loads.ts';
import { LocalUploadTargets } from './storage/local-upload-targets.ts';
import { S3UploadTargets } from './storage/s3-upload-targets.ts';
import { DynamoDbBulkChunks } from './storage/dynamodb-bulk-chunks.ts';
import { S3UploadedFile } from './storage/s3-uploaded-file.ts';
import { batchesKey, loadOfUploadKey } from './storage/upload-keys.ts';
import type { UploadedFile } from './storage/bulk-load-files.ts';
import type { BulkRunDependencies, BulkStepDependencies } from './use-cases/bulk-load-steps.ts';
import type { ActionDependencies, BulkLoadAccess } from './use-cases/dependencies.ts';
import type { SweepDependencies } from './use-cases/sweep-stuck-processing.ts';

/**
 * The composition root: the one module that reads the configuration (config.ts) and builds what the
 * functions depend on. Each piece is built on first use and kept for the warm invocations of the
 * process. Tests hand the handler factory other dependencies instead (an in-memory repository).
 */
type Storage = { config: ServiceConfig; client: ReturnType<typeof createDocumentClient> };
let store: Storage | undefined;
let actions: ActionDependencies | undefined;
let processing: { starter: ProcessingStarter | undefined } | undefined;
let authorizer: AuthorizerDependencies | undefined;
let keys: CursorKeys | undefined;

/** What the dependencies of one operation add to the common ones: only the operations that need them name them. */
export interface DependencyExtras {
  processing?: () => ProcessingStarter | undefined;
  cursorKeys?: () => CursorKeys;
  bulkLoads?: () => BulkLoadAccess;
}

/**
 * What the use cases need. Handlers that may start processing, and the list handlers, name those extras,
 * so that only their bundles hold the Step Functions or the Secrets Manager client.
 */
export function actionDependencies(extras: DependencyExtras = {}): ActionDependencies {
  const common = commonDependencies();
  if (!extras.processing && !extras.cursorKeys && !extras.bulkLoads) return common;
  return {
    ...common,
    ...(extras.processing && { processing: extras.processing() }),
    ...(extras.cursorKeys && { cursorKeys: extras.cursorKeys() }),
    ...(extras.bulkLoads && { bulkLoads: extras.bulkLoads() }),
  };
}

/** The service's configuration and a DocumentClient of its own (its own sockets). */
function newStorage(requestTimeoutMs?: number): Storage {
  const config = serviceConfig();
  return {
    config,
    client: createDocumentClient({
      region: config.region,
      endpoint: config.dynamoDbEndpoint,
      ...(requestTimeoutMs !== undefined && { requestTimeoutMs }),
    }),
  };
}

/** The process's storage, shared by the use cases and the sweep. */
function storage(): Storage {
  store ??= newStorage();
  return store;
}

function actionsOn({ config, client }: Storage): ActionDependencies {
  return {
    repository: new DynamoDbBillingRunActionRepository(client, config.tableName, config.tenantsTableName),
    clock: () => new Date(),
    newId: uuidv7,
    deletedRetentionDays: config.deletedRetentionDays,
    batchConcurrency: config.batchConcurrency,
    count,
    reportError: (error, context) => logger.error('operation step failed unexpectedly', { ...context, error: error as Error }),
  };
}

function commonDependencies(): ActionDependencies {
  actions ??= actionsOn(storage());
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

/** The list cursors' keys: from Secrets Manager in AWS (read at run time, cached), fixed locally. */
export function cursorKeys(): CursorKeys {
  if (!keys) {
    const config = cursorKeyConfig();
    keys =
      'secretArn' in config
        ? SecretsManagerCursorKeys.forSecret(config.secretArn, config.region, config.graceHours * 3_600_000)
        : fixedCursorKeys(config.secret);
  }
  return keys;
}

let loadStore: DynamoDbBulkLoads | undefined;

/** The loads, one store per process: the bulk load operations and the loading steps share it. */
function bulkLoadStore(): DynamoDbBulkLoads {
  const { config, client } = storage();
  loadStore ??= new DynamoDbBulkLoads(client, config.tableName);
  return loadStore;
}

let bulk: BulkLoadAccess | undefined;

/** The bulk loads, for the two bulk load operations: upload targets on S3 in AWS, on the local service locally. */
export function bulkLoads(): BulkLoadAccess {
  if (!bulk) {
    const target = bulkLoadConfig();
    bulk = {
      loads: bulkLoadStore(),
      uploads:
        'bucket' in target
          ? new S3UploadTargets(target.bucket, target.region)
          : new LocalUploadTargets(target.localUrl, target.localSecret),
    };
  }
  return bulk;
}

let run: BulkRunDependencies | undefined;
/** How long one storage attempt of the local runner may take. */
const RUNNER_REQUEST_TIMEOUT_MS = 30_000;

/** What the steps of loading a file need, in the state machine's functions (each a function of its own). */
export function bulkRunDependencies(): BulkRunDependencies {
  if (!run) {
    const { config, client } = storage();
    run = {
      loads: bulkLoadStore(),
      chunks: new DynamoDbBulkChunks(client, config.tableName, config.tenantsTableName),
      actions: actionDependencies({ processing: processingStarter }),
      batch: bulkBatchConfig(),
    };
  }
  return run;
}

/**
 * What reading a file through and ending a load need (the prepare and finish functions): the loads and
 * the common dependencies, without the batches' storage or the processor, so that neither bundle holds
 * the Step Functions client.
 */
export function bulkStepDependencies(): BulkStepDependencies {
  return { loads: bulkLoadStore(), actions: actionDependencies(), batch: bulkBatchConfig() };
}

/**
 * The same for the local runner, which shares its process with the API's functions: a client and
 * sockets of its own, so that loads never queue the API's storage calls behind theirs (in AWS the
 * steps are functions of their own anyway).
 */
export function separateBulkRunDependencies(): BulkRunDependencies {
  // Batches of 25 writes queue on DynamoDB Local's two cores: an attempt may wait seconds, and that is no stall.
  const own = newStorage(RUNNER_REQUEST_TIMEOUT_MS);
  return {
    loads: new DynamoDbBulkLoads(own.client, own.config.tableName),
    chunks: new DynamoDbBulkChunks(own.client, own.config.tableName, own.config.tenantsTableName),
    actions: { ...actionsOn(own), processing: processingStarter() },
    batch: bulkBatchConfig(),
  };
}

/** The uploaded file an S3 event names (in AWS): its load, and the file itself, pinned to the uploaded version. */
export function uploadedFile(object: { bucket: string; key: string; version: string }): {
  tenantId: string;
  loadId: string;
  batchesKey: string;
  file: UploadedFile;
} {
  const load = loadOfUploadKey(object.key);
  if (!load) throw new Error(`Not the key of a bulk load upload: ${object.key}`);
  const key = batchesKey(load.tenantId, load.loadId);
  return { ...load, batchesKey: key, file: S3UploadedFile.of(storage().config.region, object, key) };
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

let sweep: Omit<SweepDependencies, 'requestId'> | undefined;

/** What the scheduled sweep of stuck processing needs: the repository, the processing index, the cut-off. */
export function sweepDependencies(requestId: string): SweepDependencies {
  if (!sweep) {
    const { repository, clock } = commonDependencies();
    const { config, client } = storage();
    sweep = {
      repository,
      stuck: new DynamoDbStuckRecords(client, config.tableName),
      clock,
      stuckAfterMs: sweepConfig().stuckAfterMinutes * 60_000,
    };
  }
  return { ...sweep, requestId };
}
