import * as z from 'zod/mini';
import {
  type BUSINESS_FIELDS,
  type CLIENT_METADATA_FIELDS,
  ID_PATTERN,
  OUTCOMES,
  STATUSES,
  type ServerManagedField,
  TYPES,
} from './billing-run-action.ts';
import { type JsonNumber, isJsonNumber } from './json-values.ts';

/**
 * The record's schemas: what a write validates, and the record's type. Only the functions that
 * validate a body import this module; the field names (billing-run-action.ts) are plain lists, so a
 * read constructs no schema. Each schema below is checked against its list of names.
 */
type BusinessField = (typeof BUSINESS_FIELDS)[number];
type ClientMetadataField = (typeof CLIENT_METADATA_FIELDS)[number];

const ERROR_STACK_MAX_BYTES = 32 * 1024;

// Schemas are immutable, so one instance serves every field of its kind: constructing fewer of them
// is measurably less work at every cold start.
const dateTime = z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time, e.g. 2026-01-31T12:00:00Z' });
const reference = z.string().check(z.minLength(1), z.maxLength(256));
/** A lookup value is a path segment of its list route, so it is refused on write unless a list can take it. */
const lookupValue = z
  .string()
  .check(z.regex(ID_PATTERN, { error: `must match ${ID_PATTERN.source} (letters, digits, _ : | -), as its list route requires` }));
const text = z.string();
const optional = z.optional;
const optionalText = optional(text);
const optionalBoolean = optional(z.boolean());
/** Any JSON number, kept exactly (see json-values.ts). */
const anyNumber = z.custom<JsonNumber>(isJsonNumber, { error: 'must be a number' });
const optionalNumber = optional(anyNumber);
const version = z.int().check(z.minimum(1));
const ignored = optional(z.unknown());

/** Fields a client writes and reads. */
export const businessFields = {
  name: z.string().check(z.minLength(1), z.maxLength(1024)),
  date: dateTime,
  billing_run_id: lookupValue,
  candidate_service: reference,
  candidate_id: reference,
  certification_id: lookupValue,
  application_id: lookupValue,
  training_provider_id: lookupValue,
  program_id: reference,
  certification_notice_id: reference,
  invoice_template_id: reference,
  status: z.enum(STATUSES),
  type: z.enum(TYPES),
  training_provider_billing_records: z
    .array(z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }))
    .check(z.minLength(1), z.maxLength(1000)),
  last_refresh_date: optional(dateTime),
  outcome_of_last_refresh: optional(z.enum(OUTCOMES)),
  error_message: optionalText,
  error_stack: optional(
    z.string().check(
      z.refine((value) => Buffer.byteLength(value, 'utf8') <= ERROR_STACK_MAX_BYTES, {
        error: `must be at most ${ERROR_STACK_MAX_BYTES} bytes`,
      }),
    ),
  ),
  step_function_execution_arn: optionalText,
  expiration_date: optionalText,
  application_notice_id: optionalText,
  invoice_id: optionalText,
  email_training_provider_invoice: optionalBoolean,
} satisfies Record<BusinessField, z.ZodMiniType>;

/** Metadata a client may set; stored as given once its type checks. */
export const clientMetadataFields = {
  sys_external_id: optionalText,
  sys_locked: optionalBoolean,
  sys_directive: optionalText,
  sys_bulk_load_pk: optionalText,
  sys_bulk_load_at: optionalText,
  sys_bulk_load_id: optionalText,
  sys_bulk_load_record_no: optionalNumber,
  sys_bulk_load_source_file: optionalText,
  sys_last_bulk_data_operation_id: optionalText,
  sys_last_bulk_data_operation_sys_version: optionalText,
  sys_calculated_field_error: optionalText,
  sys_calculated_field_errors: optional(z.array(z.strictObject({ field: z.string(), error: z.string() }))),
  sys_snapshot_base_version: optionalNumber,
  sys_has_files_in_s3: optionalBoolean,
  sys_configuration_snapshot_id: optionalText,
} satisfies Record<ClientMetadataField, z.ZodMiniType>;

/**
 * The record as the API returns it, server-managed fields included. The functions never parse with
 * it (they build these fields themselves), so it is built on demand: for the type, and for tools.
 */
export function recordSchema() {
  const securityContext = z.strictObject({
    principal: text,
    tenant: text,
    source_ip: text,
    user_agent: text,
    request_id: text,
    time: text,
    operation: text,
  });
  return z.strictObject({
    ...businessFields,
    ...clientMetadataFields,
    id: text,
    sys_version: version,
    sys_created_at: text,
    sys_created_by_id: text,
    sys_last_modified_at: text,
    sys_last_modified_by_id: text,
    sys_deleted_by_id: optionalText,
    sys_last_security_context: securityContext,
  });
}
export type BillingRunAction = z.infer<ReturnType<typeof recordSchema>>;

/**
 * What a client sends to create or replace a record. Server-managed fields may ride along (a GET
 * result sent back in a PUT) and are ignored, except `sys_version` (a precondition) and `id`.
 */
export const writableRecordSchema = z.strictObject({
  ...businessFields,
  ...clientMetadataFields,
  id: optionalText,
  sys_version: optional(version),
  sys_created_at: ignored,
  sys_created_by_id: ignored,
  sys_last_modified_at: ignored,
  sys_last_modified_by_id: ignored,
  sys_deleted_by_id: ignored,
  sys_last_security_context: ignored,
} satisfies Record<ServerManagedField, unknown> & Record<keyof typeof businessFields | keyof typeof clientMetadataFields, unknown>);
type WritableRecord = z.infer<typeof writableRecordSchema>;

/** The client-writable part of a record: business fields and client metadata. */
export type ClientFields = Omit<WritableRecord, ServerManagedField>;
