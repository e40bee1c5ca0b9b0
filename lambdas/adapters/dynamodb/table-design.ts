import { LOOKUP_TABLE, type LOOKUPS, type Lookup } from '../../domain/billing-run-action.ts';
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

/** Shards of a gathering lookup's entries (domain LOOKUP_TABLE); one key value for the others. */
const GATHERING_SHARDS = 16;

/** Each lookup's index, from the lookup table: `by<Lookup>`, keyed by `<field without _id>_key`. */
export const LOOKUP_INDEXES = Object.fromEntries(
  Object.entries(LOOKUP_TABLE).map(([lookup, { field, gathering }]) => [
    lookup,
    {
      indexName: `by${lookup.charAt(0).toUpperCase()}${lookup.slice(1)}`,
      partitionKey: `${field.replace(/_id$/, '')}_key`,
      field,
      shards: gathering ? GATHERING_SHARDS : 1,
    },
  ]),
) as Record<Lookup, LookupIndex>;

/** A record's sort key in the status indexes: its status, then its id, so that one status's entries sort by id. */
export const STATUS_SORT_KEY = 'status_id';
export const statusSortKey = (status: string, id: string): string => `${status}#${id}`;
/** The sort keys of one status's entries all begin so (statuses hold no '#'). */
export const statusPrefix = (status: string): string => `${status}#`;

export interface StatusIndex {
  indexName: string;
  partitionKey: string;
  sortKey: typeof STATUS_SORT_KEY;
  shards: number;
  projection: 'KEYS_ONLY';
}

/**
 * Each lookup's records by status (a list's `?status=`): the lookup's own key values (its shards
 * alike), sorted by status and then id, so a Query reads the entries of one status alone, in the list's
 * order, whatever the records of other statuses. Keys only: an entry costs one write unit whatever the
 * record's size (a status change moves it: a delete and a put), and a list reads the records it found
 * by key (BatchGetItem), so what a status list reads follows what it lists, not the lookup's records.
 */
export const STATUS_INDEXES = Object.fromEntries(
  Object.entries(LOOKUP_INDEXES).map(([lookup, index]) => [
    lookup,
    {
      indexName: `${index.indexName}Status`,
      partitionKey: index.partitionKey,
      sortKey: STATUS_SORT_KEY,
      shards: index.shards,
      projection: 'KEYS_ONLY',
    },
  ]),
) as Record<Lookup, StatusIndex>;

/**
 * The order in which a deployed stack gains its status indexes (CDK context `statusIndexes`, one more
 * each deploy: CloudFormation adds one index per update; docs/operations.md, Upgrading). A new stack has
 * all four at once.
 */
export const STATUS_INDEX_ORDER: readonly Lookup[] = ['billingRun', 'trainingProvider', 'certification', 'application'];

/**
 * Records in status `processing` are also in a sparse index, keyed by tenant and spread over 16 shards
 * per tenant by the record's id (one tenant's records in processing never fill a key value that another
 * tenant's are under), sorted by when the record was last changed, so that the scheduled sweep finds those
 * stuck past the processor's timeout without scanning the table. Any write that leaves `processing`
 * drops the two attributes, and the record leaves the index. The index holds the keys alone
 * (`KEYS_ONLY`): the sweep reads each record it finds itself, so an entry costs one write unit
 * whatever the record's size (DynamoDB charges an index write by the projected entry's size).
 */
export const PROCESSING_INDEX = {
  indexName: 'byTenantProcessing',
  partitionKey: 'tenant_processing_key',
  sortKey: 'tenant_processing_since',
  shards: 16,
  projection: 'KEYS_ONLY',
} as const;

/** A record's entry key in the processing index: its tenant, and the shard its id falls in. */
export const processingPartition = (tenantId: string, id: string): string =>
  `${tenantId}#processing#${spreadOf(id, PROCESSING_INDEX.shards)}`;

/**
 * The entries the sweep asks of each shard for a page of `pageSize`: the shards are read at once, so
 * that a page holds no more than `pageSize` (31 each of 16 for a page of 500).
 */
export const entriesPerShard = (pageSize: number): number => Math.max(1, Math.floor(pageSize / PROCESSING_INDEX.shards));

/** Every key value of the processing index a tenant's records are under. */
export const processingPartitions = (tenantId: string): string[] =>
  Array.from({ length: PROCESSING_INDEX.shards }, (_, shard) => `${tenantId}#processing#${shard}`);

/**
 * LEGACY, to be removed by a later release: the processing index before it was keyed by tenant, its 16
 * shards shared by every tenant and projecting whole records. CloudFormation cannot change an index's
 * keys or projection in place, so the keyed index above is a new index beside it (docs/operations.md,
 * Upgrading). Nothing writes its attributes any more; a record written before the upgrade and still in
 * processing keeps them until its next write, so the sweep reads this index too, and the write-back
 * removes both. Once every such record has left processing or been swept (the sweep's cut-off after the
 * upgrade), a release deletes the index, its reading and its attribute names.
 */
export const LEGACY_PROCESSING_INDEX = {
  indexName: 'byProcessingSince',
  partitionKey: 'processing_shard',
  sortKey: 'processing_since',
  shards: 16,
  projection: 'ALL',
} as const;

/** Every key value of the legacy processing index. */
export const legacyProcessingPartitions = (): string[] =>
  Array.from({ length: LEGACY_PROCESSING_INDEX.shards }, (_, shard) => `processing#${shard}`);

/** The record key as a format with two `{}` (tenant, id), for the state machine that writes records back (States.Format). */
export const RECORD_KEY_FORMAT = '{}#{}';
export const recordKey = (tenantId: string, id: string): string => `${tenantId}#${id}`;
/** The tenant of a record key (tenant ids cannot contain '#'). */
export const tenantOfRecordKey = (key: string): string => key.slice(0, key.indexOf('#'));
/** The id of a record key. */
export const idOfRecordKey = (key: string): string => key.slice(key.indexOf('#') + 1);
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
export const lookupPartitions = (index: Pick<LookupIndex, 'shards'>, tenantId: string, value: string): string[] =>
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
/**
 * An open execution's entry in the processing index, beside its tenant's records' shards (no record
 * shard is named so), sorted by when it opened: the sweep finds the places left open past any execution's
 * end there (a lost "execution ended" event).
 */
export const openExecutionsPartition = (tenantId: string): string => `${tenantId}#executions`;

/**
 * The run summaries (dynamodb-run-summaries.ts), in a table of their own keyed by `pk` (the counting of a
 * load at the records table's limits would take as much again of its throughput): a run's counters spread
 * over 16 items (a one-run load counts a change a line, more than one item takes: 1,000 write units a
 * second), and one item per record naming the last version of it that a summary counted.
 */
export const RUN_SUMMARY_SHARDS = 16;
export const runSummaryKeys = (tenantId: string, billingRunId: string): string[] =>
  Array.from({ length: RUN_SUMMARY_SHARDS }, (_, shard) => `${tenantId}#summary#${billingRunId}#${shard}`);
export const countedVersionKey = (tenantId: string, id: string): string => `${tenantId}#counted#${id}`;
