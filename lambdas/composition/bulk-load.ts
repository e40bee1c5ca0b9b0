import { DynamoDbBulkChunks } from '../adapters/dynamodb/dynamodb-bulk-chunks.ts';
import { DynamoDbBulkLoads } from '../adapters/dynamodb/dynamodb-bulk-loads.ts';
import { S3UploadedFile } from '../adapters/s3/s3-uploaded-file.ts';
import { batchesKey, loadOfUploadKey } from '../adapters/s3/upload-keys.ts';
import { bulkBatchConfig, bulkPaceConfig } from '../config.ts';
import { DynamoDbLoadPace } from '../adapters/dynamodb/load-pace.ts';
import type { UploadedFile } from '../ports/bulk-load-files.ts';
import type { BulkRunDependencies, BulkStepDependencies } from '../use-cases/dependencies.ts';
import { type Storage, actionsOn, newStorage, processingStarter } from './shared.ts';

/**
 * The composition of the bulk load's steps (the state machine's three functions, and the local
 * runner). Their storage retries in the SDK's adaptive mode: throttled, a step's client slows its own
 * rate, so a load's batches pace themselves to the throughput they meet. (The API's functions keep the
 * standard mode: locally they share one client, and one tenant's hot key must not slow the others.)
 */
let run: BulkRunDependencies | undefined;
let steps: BulkStepDependencies | undefined;
let bulkStore: Storage | undefined;
const bulkStorage = (): Storage => {
  bulkStore ??= newStorage({ retryMode: 'adaptive' });
  return bulkStore;
};
/** How long one storage attempt of the local runner may take. */
const RUNNER_REQUEST_TIMEOUT_MS = 30_000;

/** A load's batches on `storage`, paced with every other load's when a pace is configured (load-pace.ts). */
function chunksOn({ client, config }: Storage): DynamoDbBulkChunks {
  const pace = bulkPaceConfig();
  return new DynamoDbBulkChunks(
    client,
    config.tableName,
    config.tenantsTableName,
    pace && new DynamoDbLoadPace(client, config.tableName, pace.writeUnitsPerSecond),
  );
}

/** What the steps of loading a file need, in the state machine's functions (each a function of its own). */
export function bulkRunDependencies(): BulkRunDependencies {
  if (!run) {
    const on = bulkStorage();
    run = {
      loads: new DynamoDbBulkLoads(on.client, on.config.tableName),
      chunks: chunksOn(on),
      actions: { ...actionsOn(on), processing: processingStarter() },
      batch: bulkBatchConfig(),
    };
  }
  return run;
}

/**
 * What reading a file through and ending a load need (the prepare and finish functions): the loads and
 * the common dependencies, without the batches' storage or the processor, so that neither bundle holds
 * the SQS client.
 */
export function bulkStepDependencies(): BulkStepDependencies {
  if (!steps) {
    const on = bulkStorage();
    steps = { loads: new DynamoDbBulkLoads(on.client, on.config.tableName), actions: actionsOn(on), batch: bulkBatchConfig() };
  }
  return steps;
}

/**
 * The same for the local runner, which shares its process with the API's functions: a client and
 * sockets of its own, so that loads never queue the API's storage calls behind theirs (in AWS the
 * steps are functions of their own anyway), and the `endpoint` the local service gives it, where its
 * calls wait for the API's (the capacity emulator's background door).
 */
export function separateBulkRunDependencies(endpoint?: string): BulkRunDependencies {
  // Batches of 25 writes queue on DynamoDB Local's two cores: an attempt may wait seconds, and that is no stall.
  const own = newStorage({ requestTimeoutMs: RUNNER_REQUEST_TIMEOUT_MS, retryMode: 'adaptive', endpoint });
  return {
    loads: new DynamoDbBulkLoads(own.client, own.config.tableName),
    chunks: chunksOn(own),
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
  return { ...load, batchesKey: key, file: S3UploadedFile.of(bulkStorage().config.region, object, key) };
}
