import { PROCESSING } from '../../domain/processing.ts';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { RECORD_FIELDS } from '../../domain/billing-run-action.ts';
import type { BillingRunAction } from '../../domain/record-schema.ts';
import { itemTooLarge } from '../../domain/errors.ts';
import { MAX_ITEM_BYTES, itemSize } from '../../domain/stored-size.ts';
import { UNMARSHALL_OPTIONS, storable } from './attribute-values.ts';
import type { IdempotencyClaim, SoftDeletion } from '../../ports/billing-run-action-repository.ts';
import {
  LOOKUP_INDEXES,
  PARTITION_KEY,
  PROCESSING_INDEX,
  STATUS_SORT_KEY,
  statusSortKey,
  TTL_ATTRIBUTE,
  idempotencyKey,
  lookupKeyOf,
  processingPartition,
  recordKey,
} from './table-design.ts';

/**
 * A record as a DynamoDB item and back: the key and index keys built from the tenant, values as the
 * DocumentClient must be handed them, and the item limit checked before any write.
 */
export type Item = Record<string, unknown>;

/** The record in an item: its fields only (never a storage attribute), in the schema's order, as writes answer them. */
export function toRecord(item: Item): BillingRunAction {
  const record: Item = {};
  for (const field of RECORD_FIELDS) {
    if (item[field] !== undefined) record[field] = item[field];
  }
  return record as BillingRunAction;
}

/** An item as the DocumentClient must be handed it; one past DynamoDB's item limit is a 413 before any call. */
function storableItem(item: Item, what: string): Item {
  const bytes = itemSize(item);
  if (bytes > MAX_ITEM_BYTES) throw itemTooLarge(what, bytes, MAX_ITEM_BYTES);
  return storable(item) as Item;
}

/** The stored item of a live record: its key and its index keys, built from the tenant (and, while processing, the sweep's). */
export function toItem(tenantId: string, record: BillingRunAction): Item {
  const item: Item = { ...record, [PARTITION_KEY]: recordKey(tenantId, record.id) };
  for (const index of Object.values(LOOKUP_INDEXES)) {
    item[index.partitionKey] = lookupKeyOf(index, tenantId, record[index.field], record.id);
  }
  item[STATUS_SORT_KEY] = statusSortKey(record.status, record.id);
  if (record.status === PROCESSING) {
    item[PROCESSING_INDEX.partitionKey] = processingPartition(tenantId, record.id);
    item[PROCESSING_INDEX.sortKey] = record.sys_last_modified_at;
  }
  return storableItem(item, `Billing run action '${record.id}'`);
}

export const oldItemOf = (reason: { Item?: Record<string, unknown> } | undefined): Item | undefined =>
  reason?.Item ? unmarshall(reason.Item as Parameters<typeof unmarshall>[0], UNMARSHALL_OPTIONS) : undefined;

/** A soft-deleted record: no index keys (it leaves every list), and the TTL after which DynamoDB may purge it. */
export const deletedItem = (tenantId: string, deletion: SoftDeletion): Item =>
  storableItem(
    { ...deletion.record, [PARTITION_KEY]: recordKey(tenantId, deletion.record.id), [TTL_ATTRIBUTE]: deletion.expiresAt },
    `Billing run action '${deletion.record.id}'`,
  );

/** A create's claim on its Idempotency-Key, holding the response a replay answers. */
export const claimItem = (tenantId: string, idempotency: IdempotencyClaim, record: BillingRunAction): Item =>
  storableItem(
    {
      [PARTITION_KEY]: idempotencyKey(tenantId, 'create', idempotency.key),
      body_hash: idempotency.bodyHash,
      response: JSON.stringify(record),
      [TTL_ATTRIBUTE]: idempotency.expiresAt,
    },
    'The Idempotency-Key record of this create',
  );
