import { ROUTES } from '../../lambdas/routes.ts';
import { AUTHORIZER_ENTRY, BULK_LOAD_STEPS, type BulkLoadStepName, PROCESSING_STARTS, SWEEP_ENTRY } from '../../lambdas/stack-functions.ts';

/**
 * The cold-start baselines (SPEC section 6): for each function, a bare handler bundled the same way
 * that makes the same storage calls on its first request, and nothing else. A function's figure is its
 * median of pair ratios against its own baseline.
 */
export const BASELINES = {
  /** One GetCommand (also the bundle-size baseline). */
  get: 'bench/baselines/get.ts',
  /** A GetCommand, then a PutCommand conditioned on the version read. */
  readWrite: 'bench/baselines/read-write.ts',
  /** One TransactWriteCommand: the tenant's counter and the new record. */
  transaction: 'bench/baselines/transaction.ts',
  /** One QueryCommand on a lookup's index. */
  query: 'bench/baselines/query.ts',
  /** A QueryCommand on each of a sharded lookup's 16 index partitions, at once. */
  queryShards: 'bench/baselines/query-shards.ts',
  /** One BatchGetCommand of 16 keys (a run's summary counters). */
  batchGet: 'bench/baselines/batch-get.ts',
  /** One conditional PutCommand. */
  put: 'bench/baselines/put.ts',
  /** A GetCommand, then an UpdateCommand. */
  readUpdate: 'bench/baselines/read-update.ts',
  /** A ScanCommand of the tenants, then a QueryCommand per shard of the legacy processing index and of each tenant's. */
  sweep: 'bench/baselines/sweep.ts',
  /** Claim, read the upload through (S3), write the batches (S3), store the count. */
  prepare: 'bench/baselines/prepare.ts',
  /** Three reads, a ranged S3 read, the reservation, the records' BatchWrite, the batch's end. */
  chunk: 'bench/baselines/chunk.ts',
  /** A GetCommand of the record, then one StartExecution with the Step Functions client, for the one start the queue hands over. */
  startExecution: 'bench/baselines/start-execution.ts',
} as const;
export type BaselineName = keyof typeof BASELINES;

export interface BenchFunction {
  name: string;
  entry: string;
  /** The module's export that is the function's handler. */
  exportName: string;
  baseline: BaselineName;
}

/** Which baseline each API operation pairs with: the storage calls of its first request in the bench. */
const OPERATION_BASELINES: Record<(typeof ROUTES)[number]['operation'], BaselineName> = {
  createBillingRunAction: 'transaction',
  batchBillingRunActions: 'readWrite', // one record's work: read it, write it back
  getBillingRunAction: 'get',
  updateBillingRunAction: 'readWrite',
  patchBillingRunAction: 'readWrite',
  deleteBillingRunAction: 'readWrite',
  startBulkLoad: 'put', // presigning the upload URL is local work, like the authorizer's JWT check
  getBulkLoad: 'get', // a load without line errors: no Query
  getBillingRunSummary: 'batchGet',
  listBillingRunActionsByCertification: 'query',
  listBillingRunActionsByApplication: 'query',
  listBillingRunActionsByTrainingProvider: 'queryShards',
  listBillingRunActionsByBillingRun: 'queryShards',
};

/** Which baseline each bulk load step pairs with. */
const STEP_BASELINES: Record<BulkLoadStepName, BaselineName> = { prepare: 'prepare', chunk: 'chunk', finish: 'readUpdate' };

/** Every function of the stack with its baseline: the route table's operations, the authorizer, the sweep, the starter, the bulk load steps. */
export const FUNCTIONS: BenchFunction[] = [
  ...ROUTES.map((route) => ({
    name: route.operation,
    entry: route.entry,
    exportName: 'handler',
    baseline: OPERATION_BASELINES[route.operation],
  })),
  // The authorizer's one GetCommand of the tenant; verifying the JWT is its own work and stays in its figure.
  { name: 'authorizer', entry: AUTHORIZER_ENTRY, exportName: 'handler', baseline: 'get' },
  { name: 'sweepStuckProcessing', entry: SWEEP_ENTRY, exportName: 'handler', baseline: 'sweep' },
  { name: PROCESSING_STARTS.operation, entry: PROCESSING_STARTS.entry, exportName: 'handler', baseline: 'startExecution' },
  ...BULK_LOAD_STEPS.map((step) => ({
    name: step.operation,
    entry: step.entry,
    exportName: 'handler',
    baseline: STEP_BASELINES[step.step],
  })),
];
