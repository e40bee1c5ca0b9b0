import { BUSINESS_FIELDS, CLIENT_METADATA_FIELDS } from './billing-run-action.ts';
import type { ClientFields } from './record-schema.ts';

const CLIENT_FIELD_NAMES = [...BUSINESS_FIELDS, ...CLIENT_METADATA_FIELDS];

/** The client-writable part of a record (business fields and client metadata), by name: no schema is constructed. */
export function clientFieldsOf(record: Record<string, unknown>): ClientFields {
  const picked: Record<string, unknown> = {};
  for (const name of CLIENT_FIELD_NAMES) {
    if (record[name] !== undefined) picked[name] = record[name];
  }
  return picked as ClientFields;
}
