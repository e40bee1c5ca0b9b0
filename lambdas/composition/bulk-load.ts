import { DynamoDbBulkChunks } from '../adapters/dynamodb/dynamodb-bulk-chunks.ts';
import { DynamoDbBulkLoads } from '../adapters/dynamodb/dynamodb-bulk-loads.ts';
import { S3UploadedFile } from '../adapters/s3/s3-uploaded-file.ts';
import { batchesKey, loadOfUploadKey } from '../adapters/s3/upload-keys.ts';
import { bulkBatchConfig } from '../config.ts';
import type { UploadedFile } from '../ports/bulk-load-files.ts';
import type { BulkRunDependencies, BulkStepDependencies } from '../use-cases/dependencies.ts';
import { actionsOn, bulkLoadStore, commonDependencies, newStorage, processingStarter, storage } from './shared.ts';

/** The composition of the bulk load's steps (the state machine's three functions, and the local runner). */
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
      actions: { ...commonDependencies(), processing: processingStarter() },
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
  return { loads: bulkLoadStore(), actions: commonDependencies(), batch: bulkBatchConfig() };
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

/** The load an uploaded object's key names (the one place the key is read), or an error for any other key. */
export function uploadedLoad(key: string): { tenantId: string; loadId: string } {
  const load = loadOfUploadKey(key);
  if (!load) throw new Error(`Not the key of a bulk load upload: ${key}`);
  return load;
}

/** The uploaded file an S3 event names (in AWS): its load, and the file itself, pinned to the uploaded version. */
export function uploadedFile(object: { bucket: string; key: string; version: string }): {
  tenantId: string;
  loadId: string;
  batchesKey: string;
  file: UploadedFile;
} {
  const load = uploadedLoad(object.key);
  const key = batchesKey(load.tenantId, load.loadId);
  return { ...load, batchesKey: key, file: S3UploadedFile.of(storage().config.region, object, key) };
}
