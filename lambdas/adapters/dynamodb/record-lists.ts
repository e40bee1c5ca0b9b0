import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Lookup, Status } from '../../domain/billing-run-action.ts';
import type { ListPage, ListRequest } from '../../ports/billing-run-action-repository.ts';
import { readMergedPartitions } from './dynamodb-index-partition.ts';
import { toRecord } from './record-items.ts';
import { readItemsByKey } from './records-by-key.ts';
import {
  INDEX_SORT_KEY,
  LOOKUP_INDEXES,
  PARTITION_KEY,
  STATUS_INDEXES,
  STATUS_SORT_KEY,
  idOfRecordKey,
  lookupPartitions,
  statusPrefix,
  statusSortKey,
} from './table-design.ts';

/** Which list: the tenant's records with one lookup value. */
interface ListOf {
  tenantId: string;
  lookup: Lookup;
  value: string;
}

/**
 * A page of a list (the repository's `list`): from the lookup's index in id order, or, with a status,
 * from the lookup's status index. One entry past the page tells whether more exist, so a cursor is only
 * handed out when it leads somewhere.
 */
export async function listRecords(client: DynamoDBDocumentClient, tableName: string, list: ListOf, page: ListRequest): Promise<ListPage> {
  if (page.status !== undefined) return listInStatus(client, tableName, list, { ...page, status: page.status });
  const index = LOOKUP_INDEXES[list.lookup];
  const items = await readMergedPartitions(client, {
    tableName,
    index,
    sortKey: INDEX_SORT_KEY,
    partitions: lookupPartitions(index, list.tenantId, list.value),
    limit: page.limit + 1,
    ...(page.afterId !== undefined && { after: page.afterId }),
  });
  const pageItems = items.slice(0, page.limit).map(toRecord);
  const more = items.length > page.limit;
  return more ? { items: pageItems, lastId: pageItems.at(-1)?.id } : { items: pageItems };
}

/**
 * A page of one status: the entries of the lookup's status index under that status (keys only, in id
 * order), then their records by key, strongly consistent. The index is eventually consistent, so a
 * record that has left the status or the lookup value (or was deleted) since its entry was written is
 * left out of the page; the cursor still goes on from the last entry read.
 */
async function listInStatus(
  client: DynamoDBDocumentClient,
  tableName: string,
  list: ListOf,
  page: ListRequest & { status: Status },
): Promise<ListPage> {
  const index = STATUS_INDEXES[list.lookup];
  const entries = await readMergedPartitions(client, {
    tableName,
    index,
    sortKey: STATUS_SORT_KEY,
    partitions: lookupPartitions(index, list.tenantId, list.value),
    limit: page.limit + 1,
    prefix: statusPrefix(page.status),
    ...(page.afterId !== undefined && { after: statusSortKey(page.status, page.afterId) }),
  });
  const listed = entries.slice(0, page.limit);
  const items = await readItemsByKey(
    client,
    tableName,
    listed.map((entry) => String(entry[PARTITION_KEY])),
  );
  // The record as it is now: still in the status, still under this lookup value (a write may move it), not deleted.
  const field = LOOKUP_INDEXES[list.lookup].field;
  const pageItems = items
    .map(toRecord)
    .filter((record) => record.status === page.status && record[field] === list.value && record.sys_deleted_by_id === undefined);
  const lastEntry = listed.at(-1);
  return entries.length > page.limit && lastEntry
    ? { items: pageItems, lastId: idOfRecordKey(String(lastEntry[PARTITION_KEY])) }
    : { items: pageItems };
}
