import type { Lookup } from '../../lambdas/domain/billing-run-action.ts';
import type { Route } from '../../lambdas/routes.ts';
import { RemovalPolicy, type Stack } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ContributorInsightsMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import {
  BULK_ERROR_INDEX,
  INDEX_SORT_KEY,
  LEGACY_PROCESSING_INDEX,
  LOOKUP_INDEXES,
  STATUS_INDEXES,
  PARTITION_KEY,
  PROCESSING_INDEX,
  TENANT_PARTITION_KEY,
  TTL_ATTRIBUTE,
} from '../../lambdas/adapters/dynamodb/table-design.ts';

// The service's three tables, made on the stack itself (their construct ids, and so the deployed tables, stay as they were).

/**
 * CloudWatch Contributor Insights for DynamoDB, on the records table and on each of its indexes (each has
 * a setting of its own): the most accessed and the most throttled keys (a record's, a lookup's and a
 * load's begin with their tenant: table-design.ts), in rules DynamoDB makes ("CloudWatch contributor insights for DynamoDB: How it works",
 * developer guide). docs/operations.md says how to read them and what they cost.
 */
const KEY_INSIGHTS = { contributorInsightsSpecification: { enabled: true, mode: ContributorInsightsMode.ACCESSED_AND_THROTTLED_KEYS } };

/**
 * Records: key `pk`, one GSI per lookup, the sweep's sparse ones and a load's line errors', TTL for
 * soft-deleted records; on demand, PITR, protected, retained, Contributor Insights on the table and
 * every index; with `warmWriteUnits`, pre-warmed, the table and every index alike (docs/capacity.md);
 * a stream of each item before and after its change, which the change stream's consumer reads
 * (constructs/record-changes.ts; turning it on for a deployed table is an update in place).
 */
export function recordsTable(stack: Stack, warmWriteUnits: number | undefined, statusIndexes: readonly Lookup[]): Table {
  const warm = warmWriteUnits === undefined ? {} : { warmThroughput: { writeUnitsPerSecond: warmWriteUnits } };
  const indexSettings = { ...warm, ...KEY_INSIGHTS };
  const table = new Table(stack, 'Records', {
    ...indexSettings,
    partitionKey: { name: PARTITION_KEY, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    timeToLiveAttribute: TTL_ATTRIBUTE,
    stream: StreamViewType.NEW_AND_OLD_IMAGES,
    encryption: TableEncryption.AWS_MANAGED,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const index of Object.values(LOOKUP_INDEXES)) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: INDEX_SORT_KEY, type: AttributeType.STRING },
      ...indexSettings,
    });
  }
  // The sweep's indexes: the legacy one as it was deployed (kept one release: table-design.ts) and the
  // one keyed by tenant, added beside it. CloudFormation changes no index in place: "You can delete or
  // add one global secondary index without interruption. If you do both in the same update (for
  // example, by changing the index's logical ID), the update fails" (CloudFormation User Guide,
  // AWS::DynamoDB::Table, GlobalSecondaryIndexes), as DynamoDB creates or deletes one index per
  // UpdateTable (API Reference, UpdateTable, GlobalSecondaryIndexUpdates). docs/operations.md, Upgrading.
  for (const index of [LEGACY_PROCESSING_INDEX, PROCESSING_INDEX]) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType[index.projection],
      ...indexSettings,
    });
  }
  // Each lookup's records by status (a list's `?status=`): keys only, its entries read back by key. A stack
  // deployed before them gains them one a deploy (context statusIndexes), in STATUS_INDEX_ORDER.
  for (const index of statusIndexes.map((lookup) => STATUS_INDEXES[lookup])) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
      ...indexSettings,
    });
  }
  table.addGlobalSecondaryIndex({
    indexName: BULK_ERROR_INDEX.indexName,
    partitionKey: { name: BULK_ERROR_INDEX.partitionKey, type: AttributeType.STRING },
    sortKey: { name: BULK_ERROR_INDEX.sortKey, type: AttributeType.NUMBER },
    ...indexSettings,
  });
  return table;
}

/** The tenant registry: tier, record limit and count, usage identifier key. */
export function tenantRegistryTable(stack: Stack): Table {
  return new Table(stack, 'Tenants', {
    partitionKey: { name: TENANT_PARTITION_KEY, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    encryption: TableEncryption.AWS_MANAGED,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/**
 * The run summaries (dynamodb-run-summaries.ts: a run's 16 counter items, a record's bookkeeping item),
 * apart from the records so that counting a change (two write units) takes nothing of the records
 * table's throughput. The change stream's consumer and `npm run backfill` write it, the summary operation
 * reads it. Key `pk`, no index, no stream (its writes are nobody's changes); TTL for the bookkeeping items
 * of deleted records (they expire with them); on demand, PITR, protected, retained, as the other two. With `warmWriteUnits` it is
 * pre-warmed as the records table: a one-run load at that table's pace counts about as many write units
 * here. Contributor Insights on its throttled keys only (a hot key is one run's counter item, a key in
 * plain text as the records table's): processed only when a request is throttled, so it costs nothing
 * while counting keeps up, where every counted change would be two events of ACCESSED_AND_THROTTLED_KEYS.
 */
export function summariesTable(stack: Stack, warmWriteUnits: number | undefined): Table {
  return new Table(stack, 'Summaries', {
    ...(warmWriteUnits !== undefined && { warmThroughput: { writeUnitsPerSecond: warmWriteUnits } }),
    contributorInsightsSpecification: { enabled: true, mode: ContributorInsightsMode.THROTTLED_KEYS },
    partitionKey: { name: PARTITION_KEY, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    timeToLiveAttribute: TTL_ATTRIBUTE,
    encryption: TableEncryption.AWS_MANAGED,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/** What the summaries table's throttling means and what to do: its Throttled alarm's description (monitoring.ts). */
export const SUMMARIES_THROTTLED =
  "DynamoDB throttled requests on the Summaries table: the change stream consumer's counting (it retries, then answers the change as failed for its event source to retry: summaries and change events lag, RecordChangesLag), npm run backfill's (it slows down), or a summary's read (its keys are read again). An on-demand table takes 4,000 write units a second when new (context warmWriteUnits: as many as the records table) and throttles past twice its previous peak; a hot key is one run's counter item, which the table's Contributor Insights (throttled keys) names. Nothing is lost unless RecordChangesGivenUp fires.";

/** The records table's indexes an operation may query: a list's lookup index and its status index (if the table has it), a load's errors. */
export function indexesOf(route: Route, statusLookups: readonly Lookup[]): string[] {
  if (route.lookup) {
    const status = statusLookups.includes(route.lookup) ? [STATUS_INDEXES[route.lookup].indexName] : [];
    return [LOOKUP_INDEXES[route.lookup].indexName, ...status];
  }
  return route.access.bulkLoads === 'read' ? [BULK_ERROR_INDEX.indexName] : [];
}
