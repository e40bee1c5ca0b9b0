import { LIST_LIMITS } from '../../../lambdas/http/request-parameters.ts';
import { AWS_CAPACITY } from '../../local/capacity/settings.ts';
import { LOADS_SHARE_OF_TABLE } from '../../stack/api-settings.ts';

/** A token bucket: `burst` at once, refilled at `perSecond`. */
interface Bucket {
  burst: number;
  perSecond: number;
}

/** The change stream's inputs: AWS's published limits, and assumptions where AWS publishes nothing. */
interface StreamInput {
  /**
   * How often Lambda reads each shard of a DynamoDB stream: "at a base rate of 4 times per second"
   * (Lambda developer guide, "Using AWS Lambda with Amazon DynamoDB", Polling and batching streams).
   */
  pollsPerSecond: number;
  /**
   * What one GetRecords call reads: "up to 1000 records or 1 MB worth of records, whichever is reached
   * first" (DynamoDB API reference, GetRecords; DynamoDB developer guide, "Evaluate your Streams usage").
   */
  getRecords: { records: number; bytes: number };
  /** TransactWriteItems' limit: up to 100 actions a call (DynamoDB API reference, TransactWriteItems). */
  transactionItems: number;
  /**
   * PutEvents calls a second an account takes in a region ("PutEvents throttle limit in transactions per
   * second": "Maximum number of requests per second for PutEvents API"; EventBridge user guide, "Amazon
   * EventBridge quotas"): 10,000 in us-east-1, us-west-2 and eu-west-1; 2,400, 1,200 or 600 in some
   * regions; 400 in each of the others, the smallest. A quota of calls, not entries.
   */
  putEventsPerSecond: { largest: number; smallest: number };
  /** "Each 64 KB chunk of a payload is billed as one event" (aws.amazon.com/eventbridge/pricing/). */
  eventChunkBytes: number;
  /** An assumption: a record's bookkeeping item (its key and the version counted, a TTL when it is deleted). */
  bookkeepingItemBytes: number;
  /** An assumption: an event's entry besides its record (source, detail type, time, the detail's other fields). */
  eventEnvelopeBytes: number;
  /** An assumption: one TransactWriteItems of up to 100 items, its answer included (AWS publishes no latency). */
  transactionMs: number;
  /** An assumption: one PutEvents call of 10 entries (the consumer makes a batch's calls one after another). */
  putEventsMs: number;
  /** An assumption: the rest of an invocation (reading the batch, the changes made from the images, the answer). */
  invocationMs: number;
  /** The consumer's memory (ServiceFunction's default, 1,024 MB: constructs/record-changes.ts sets none). */
  consumerMemoryMb: number;
}

/**
 * The capacity model's inputs: AWS's published limits and prices, the design's own settings where
 * they are not read from the code, and the assumptions AWS publishes nothing for, each named as one.
 */
export interface ModelInput {
  /** A record's item size in bytes (its lookup index entries project all of it). */
  recordBytes: number;
  /** Write units a second the table, and each GSI, take at once (a new on-demand table: 4,000). */
  warmWriteUnits: number;
  /** Write units a second one partition key value takes (1,000). */
  partitionWriteUnits: number;
  /** The share of loaded lines left in `processing` (they are also written to the sparse processing index). */
  processingShare: number;
  /** An assumption: the size of a record's entry in the processing index, which holds its keys alone (record key, tenant's shard, time). */
  processingEntryBytes: number;
  /** The SDK's attempts of a call (its default). */
  sdkAttempts: number;
  /** How long a transaction holds its items: its own time (an assumption: DynamoDB does not publish it) plus the hold after it (the emulator's 10 ms). */
  transactionBusyMs: number;
  /** The warm throughput raised through context (`-c warmWriteUnits=<n>`) for the fastest loads. */
  raisedWarmWriteUnits: number;
  /** The share of the table's write throughput all loads together take (the loads' pace); the rest stays free for requests. */
  loadsShare: number;
  /** The tenant's creates a second (the premium tier's rate). */
  tenantCreatesPerSecond: number;
  /** Attempts a create's transaction makes when it meets another on its counter shard (the repository's schedule). */
  createAttempts: number;
  /** Lines of the large load, of one billing run (also the billing run a list walks, and the load whose processing is costed). */
  largeLoadLines: number;
  /** Lines of the small load, of one billing run (also each tenant's load when several load at once). */
  smallLoadLines: number;
  /** Tenants loading at once on one new table, each a small load of one billing run of its own. */
  concurrentLoads: number;
  /** Batches of one load loading at once, and the lines of a batch: the stack's defaults (lib/stack/stack-config.ts, `bulkLoadConcurrency`, `bulkLoadBatchLines`). */
  bulkLoadConcurrency: number;
  batchLines: number;
  /** An assumption: the size of a line error's item (its keys, line and a create's message without details). */
  lineErrorBytes: number;
  /** An assumption: the size of the tenant's item and of each counter shard's (a few short attributes). */
  counterItemBytes: number;
  /** A list page's size in the walk of a billing run (the largest `limit` a list takes). */
  listPageLimit: number;
  /** An assumption: the time of one list page of `listPageLimit` for one client (request, 16 Queries at once, the answer's transfer). */
  listPageMs: number;
  /** An assumption: the time of one `StartExecution` call (the starter makes a batch's calls at once). */
  startMs: number;
  /**
   * Step Functions' `StartExecution` token bucket (Step Functions Developer Guide, "Step Functions
   * service quotas", quotas related to API action throttling): in the largest regions (us-east-1,
   * us-west-2, eu-west-1) and elsewhere.
   */
  startBuckets: { largest: Bucket; elsewhere: Bucket };
  /** An assumption: the time the sweep takes for one record (its consistent read, then its conditional put, one record after another). */
  sweepRecordMs: number;
  /** Open executions of Standard workflows an account holds in a region (Step Functions service quotas). */
  accountOpenExecutions: number;
  /** Tenants the sweep walks (an example: the registry's tenants, removed ones included). */
  sweptTenants: number;
  /** An assumption: the time of one tenant's page of the sweep's walk when it finds nothing (its 16 Queries at once: one round trip). */
  sweepTenantMs: number;
  /** State transitions of one execution of the default processor with a reported outcome: dispatch and wait, the outcome's choice, one write-back (lib/stack/constructs/default-processor.ts). */
  processorTransitions: number;
  /** An assumption: the billed time of one starter invocation (a batch's starts at once, and the function's own work). */
  starterInvocationMs: number;
  /** The starter's memory (ServiceFunction's default, 1,024 MB). */
  starterMemoryMb: number;
  /** The change stream and its consumer (stream.ts). */
  stream: StreamInput;
  /** List prices in us-east-1, without free tiers. */
  prices: {
    /** DynamoDB on demand, per million write request units (aws.amazon.com/dynamodb/pricing/on-demand/). */
    dynamoWritesPerMillion: number;
    /** DynamoDB on demand, per million read request units (same page). */
    dynamoReadsPerMillion: number;
    /** Step Functions Standard, per 1,000 state transitions (aws.amazon.com/step-functions/pricing/). */
    stateTransitionsPerThousand: number;
    /** EventBridge, per million custom events published (aws.amazon.com/eventbridge/pricing/). */
    eventsPerMillion: number;
    /** SQS standard queue, per million requests (aws.amazon.com/sqs/pricing/). */
    queueRequestsPerMillion: number;
    /** Lambda, per million requests (aws.amazon.com/lambda/pricing/). */
    lambdaRequestsPerMillion: number;
    /** Lambda on Arm (the functions' architecture), per GB-second (same page, first tier). */
    lambdaGbSecond: number;
  };
}

export const MODEL_DEFAULTS: ModelInput = {
  recordBytes: 1_500,
  warmWriteUnits: AWS_CAPACITY.tableWriteUnits,
  partitionWriteUnits: AWS_CAPACITY.partitionWriteUnits,
  processingShare: 0,
  processingEntryBytes: 200,
  sdkAttempts: 3,
  transactionBusyMs: 25,
  raisedWarmWriteUnits: 14_000,
  loadsShare: LOADS_SHARE_OF_TABLE,
  tenantCreatesPerSecond: 200,
  createAttempts: 8,
  largeLoadLines: 1_000_000,
  smallLoadLines: 100_000,
  concurrentLoads: 10,
  bulkLoadConcurrency: 20,
  batchLines: 500,
  lineErrorBytes: 400,
  counterItemBytes: 200,
  listPageLimit: LIST_LIMITS.max,
  listPageMs: 200,
  startMs: 50,
  startBuckets: { largest: { burst: 1_300, perSecond: 300 }, elsewhere: { burst: 800, perSecond: 150 } },
  sweepRecordMs: 15,
  accountOpenExecutions: 1_000_000,
  sweptTenants: 1_000,
  sweepTenantMs: 10,
  processorTransitions: 3,
  starterInvocationMs: 100,
  starterMemoryMb: 1_024,
  stream: {
    pollsPerSecond: 4,
    getRecords: { records: 1_000, bytes: 1024 * 1024 },
    transactionItems: 100,
    putEventsPerSecond: { largest: 10_000, smallest: 400 },
    eventChunkBytes: 64 * 1024,
    bookkeepingItemBytes: 100,
    eventEnvelopeBytes: 300,
    transactionMs: 50,
    putEventsMs: 30,
    invocationMs: 20,
    consumerMemoryMb: 1_024,
  },
  prices: {
    dynamoWritesPerMillion: 0.625,
    dynamoReadsPerMillion: 0.125,
    stateTransitionsPerThousand: 0.025,
    eventsPerMillion: 1,
    queueRequestsPerMillion: 0.4,
    lambdaRequestsPerMillion: 0.2,
    lambdaGbSecond: 0.000_013_333_4,
  },
};
