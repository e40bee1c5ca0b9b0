import { LOOKUPS, type Lookup } from '../../domain/billing-run-action.ts';
import { spreadOf } from '../../domain/spread.ts';

/**
 * The key design, shared by the adapters, the CDK stack and the local table set-up.
 *
 * Records: partition key `pk = <tenantId>#<id>`; ids are time-ordered, so writes spread over
 * partitions and no tenant has a hot one. Each lookup has a GSI keyed by `<tenantId>#<value>` with
 * the record id as sort key, which gives creation order. A soft-deleted record loses its index keys,
 * so it drops out of every index, and gains `expires_at` for DynamoDB TTL.
 */
export const PARTITION_KEY = 'pk';
export const TTL_ATTRIBUTE = 'expires_at';
export const INDEX_SORT_KEY = 'id';

export interface LookupIndex {
  indexName: string;
  partitionKey: string;
  field: (typeof LOOKUPS)[Lookup];
  /**
   * How many partition key values one lookup value's entries are spread over (write sharding): a
   * billing run gathers all of its lines, and so, in practice, does a training provider; one key
   * value takes 1,000 write units a second (docs/capacity.md), so their entries go to 16, chosen by
   * the record's id, and a list merges them in id order. A certification or an application gathers
   * a few records: one key value.
   */
  shards: number;
}

export const LOOKUP_INDEXES: Record<Lookup, LookupIndex> = {
  certification: { indexName: 'byCertification', partitionKey: 'certification_key', field: LOOKUPS.certification, shards: 1 },
  application: { indexName: 'byApplication', partitionKey: 'application_key', field: LOOKUPS.application, shards: 1 },
  trainingProvider: {
    indexName: 'byTrainingProvider',
    partitionKey: 'training_provider_key',
    field: LOOKUPS.trainingProvider,
    shards: 16,
  },
  billingRun: { indexName: 'byBillingRun', partitionKey: 'billing_run_key', field: LOOKUPS.billingRun, shards: 16 },
};

/**
 * Records in status `processing` are also in a sparse index, spread over a few shards (no hot
 * partition) and sorted by when the record was last changed, so that the scheduled sweep finds those
 * stuck past the processor's timeout without scanning the table. Any write that leaves `processing`
 * drops the two attributes, and the record leaves the index.
 */
export const PROCESSING_INDEX = {
  indexName: 'byProcessingSince',
  partitionKey: 'processing_shard',
  sortKey: 'processing_since',
  shards: 16,
} as const;

export const processingShardKey = (shard: number): string => `processing#${shard}`;

export function processingShard(id: string): string {
  let hash = 0;
  for (let index = 0; index < id.length; index++) hash = (hash * 31 + id.charCodeAt(index)) >>> 0;
  return processingShardKey(hash % PROCESSING_INDEX.shards);
}

/** The record key as a format with two `{}` (tenant, id), for the state machine that writes records back (States.Format). */
export const RECORD_KEY_FORMAT = '{}#{}';
export const recordKey = (tenantId: string, id: string): string => `${tenantId}#${id}`;
/** The tenant of a record key (tenant ids cannot contain '#'). */
export const tenantOfRecordKey = (key: string): string => key.slice(0, key.indexOf('#'));
/**
 * Idempotency claims live beside the records; ids cannot contain '#', so no record key collides. Each
 * operation that takes an Idempotency-Key has its own namespace, named before the key (namespaces hold
 * no '#'), so no key of one can ever be a key of another, whatever the key holds.
 */
export type IdempotencyNamespace = 'create' | 'bulkLoad';
export const idempotencyKey = (tenantId: string, namespace: IdempotencyNamespace, key: string): string =>
  `${tenantId}#idempotency#${namespace}#${key}`;
const lookupKey = (tenantId: string, value: string): string => `${tenantId}#${value}`;

/** A record's entry key in a lookup index: the tenant and value, and for a sharded lookup the shard its id falls in. */
export const lookupKeyOf = (index: LookupIndex, tenantId: string, value: string, id: string): string =>
  index.shards === 1 ? lookupKey(tenantId, value) : `${lookupKey(tenantId, value)}#${spreadOf(id, index.shards)}`;

/** Every partition key value one lookup value's entries are in. */
export const lookupPartitions = (index: LookupIndex, tenantId: string, value: string): string[] =>
  index.shards === 1
    ? [lookupKey(tenantId, value)]
    : Array.from({ length: index.shards }, (_, shard) => `${lookupKey(tenantId, value)}#${shard}`);

/** The tenant registry is its own small table, keyed by tenant id. */
export const TENANT_PARTITION_KEY = 'tenant_id';

/**
 * Bulk loads live beside the records too: the load, one bookkeeping item per batch of lines (which
 * makes a retried batch a no-op), and one item per failed line that the load keeps (its first 1,000 in
 * line order and a few more: domain/bulk-load.ts, lineErrorsToKeep). The kept lines are also in a sparse
 * index keyed by load, spread over 16 key values by line (no load's failing lines held to one key's
 * 1,000 write units a second) and sorted by line number, from which a read merges the first errors in
 * line order.
 */
export const bulkLoadKey = (tenantId: string, loadId: string): string => `${tenantId}#bulkload#${loadId}`;
export const bulkChunkKey = (tenantId: string, loadId: string, firstLine: number): string =>
  `${bulkLoadKey(tenantId, loadId)}#chunk#${firstLine}`;
export const bulkLineErrorKey = (tenantId: string, loadId: string, line: number): string => `${bulkLoadKey(tenantId, loadId)}#line#${line}`;
export const BULK_ERROR_INDEX = {
  indexName: 'byBulkLoadError',
  partitionKey: 'bulk_error_key',
  sortKey: 'line',
  shards: 16,
} as const;
const bulkErrorKey = (tenantId: string, loadId: string): string => `${tenantId}#${loadId}`;
/** A line error's entry key in the index: its load, and the shard its line falls in. */
export const bulkErrorPartition = (tenantId: string, loadId: string, line: number): string =>
  `${bulkErrorKey(tenantId, loadId)}#${spreadOf(String(line), BULK_ERROR_INDEX.shards)}`;
/**
 * Every key value a load's line errors are under: its shards, and the one key of a load whose errors
 * were written before they were spread (such loads are kept 30 days; after that the first entry can go).
 */
export const bulkErrorPartitions = (tenantId: string, loadId: string): string[] => [
  bulkErrorKey(tenantId, loadId),
  ...Array.from({ length: BULK_ERROR_INDEX.shards }, (_, shard) => `${bulkErrorKey(tenantId, loadId)}#${shard}`),
];

/**
 * The pace of bulk loads (load-pace.ts): a tenant's virtual clock, and the map of the tenants loading
 * now, which begins with '#' (no tenant id does) so that it is no tenant's key.
 */
export const bulkPaceKey = (tenantId: string): string => `${tenantId}#bulkpace`;
export const BULK_PACE_TENANTS_KEY = '#bulkpace#tenants';

/**
 * A tenant's open processing executions (dynamodb-open-executions.ts): a count, and one item per open
 * execution, named by it. Both keys hold two '#' (no record key does: ids hold none).
 */
export const openExecutionsCountKey = (tenantId: string): string => `${tenantId}#executions#open`;
export const openExecutionKey = (tenantId: string, name: string): string => `${tenantId}#executions#${name}`;
