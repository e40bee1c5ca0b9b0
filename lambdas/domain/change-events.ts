import type { RecordChange } from './record-changes.ts';

/**
 * The change event's envelope (docs/events.md; its JSON Schema: docs/change-event.schema.json): what an
 * EventBridge rule matches on, and the detail every consumer reads.
 */
export const CHANGE_EVENT_SOURCE = 'billing-run-actions';
export const CHANGE_EVENT_DETAIL_TYPE = 'Billing Run Action Changed';

/**
 * EventBridge's limit on an entry, and on a PutEvents call's entries together: 256 KB, counted as the
 * UTF-8 bytes of Source, DetailType, Detail and each Resources element, and 14 bytes for Time
 * ("Calculating Amazon EventBridge PutEvents event entry size", EventBridge User Guide).
 */
export const MAX_ENTRY_BYTES = 256 * 1024;
export const MAX_ENTRIES_PER_PUT = 10;
const TIME_BYTES = 14;

interface ChangeDetail {
  tenant: string;
  id: string;
  billing_run_id: string;
  version: number;
  operation: RecordChange['operation'];
  old_status: string | null;
  new_status: string | null;
  changed_fields: string[];
  time: string;
  record?: RecordChange['record'];
  record_omitted?: true;
}

export const entryBytes = (detail: string): number =>
  Buffer.byteLength(CHANGE_EVENT_SOURCE) + Buffer.byteLength(CHANGE_EVENT_DETAIL_TYPE) + Buffer.byteLength(detail) + TIME_BYTES;

/**
 * A change's detail as JSON, with the stored record when the entry stays within EventBridge's limit
 * (else `record_omitted`: the consumer GETs the record, whose version may be newer by then).
 */
export function changeDetailOf(change: RecordChange): string {
  const detail: ChangeDetail = {
    tenant: change.tenantId,
    id: change.id,
    billing_run_id: change.record.billing_run_id,
    version: change.version,
    operation: change.operation,
    old_status: change.oldStatus ?? null,
    new_status: change.newStatus ?? null,
    changed_fields: change.changedFields,
    time: change.time,
  };
  const whole = JSON.stringify({ ...detail, record: change.record });
  return entryBytes(whole) <= MAX_ENTRY_BYTES ? whole : JSON.stringify({ ...detail, record_omitted: true });
}
