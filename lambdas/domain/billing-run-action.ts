import * as z from 'zod/mini';

/** Patterns of SPEC section 2: path and lookup values. */
export const TENANT_ID_PATTERN = /^[\w-]{1,128}$/;
export const ID_PATTERN = /^[\w:|-]{1,256}$/;

export const STATUSES = [
  'pending',
  'processing',
  'processing order',
  'completed',
  'payment failure',
  'error',
  'excluded',
  'no longer eligible',
  'expiration date changed',
] as const;

export const TYPES = [
  'send renewal reminder',
  'activate application',
  'drop certification',
  'bill training provider',
  'send application reminder',
  'expire application',
  'forecast renewal',
] as const;

export const OUTCOMES = ['no change', 'added', 'removed'] as const;

const ERROR_STACK_MAX_BYTES = 32 * 1024;

const dateTime = z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time, e.g. 2026-01-31T12:00:00Z' });
const reference = z.string().check(z.minLength(1), z.maxLength(256));
const text = z.string();
const optional = z.optional;

/** Fields a client writes and reads. */
export const businessFields = {
  name: z.string().check(z.minLength(1), z.maxLength(1024)),
  date: dateTime,
  billing_run_id: reference,
  candidate_service: reference,
  candidate_id: reference,
  certification_id: reference,
  application_id: reference,
  training_provider_id: reference,
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
  error_message: optional(text),
  error_stack: optional(
    z.string().check(
      z.refine((value) => Buffer.byteLength(value, 'utf8') <= ERROR_STACK_MAX_BYTES, {
        error: `must be at most ${ERROR_STACK_MAX_BYTES} bytes`,
      }),
    ),
  ),
  step_function_execution_arn: optional(text),
  expiration_date: optional(text),
  application_notice_id: optional(text),
  invoice_id: optional(text),
  email_training_provider_invoice: optional(z.boolean()),
};

/** Metadata a client may set; stored as given once its type checks. */
export const clientMetadataFields = {
  sys_external_id: optional(text),
  sys_locked: optional(z.boolean()),
  sys_directive: optional(text),
  sys_bulk_load_pk: optional(text),
  sys_bulk_load_at: optional(text),
  sys_bulk_load_id: optional(text),
  sys_bulk_load_record_no: optional(z.number()),
  sys_bulk_load_source_file: optional(text),
  sys_last_bulk_data_operation_id: optional(text),
  sys_last_bulk_data_operation_sys_version: optional(text),
  sys_calculated_field_error: optional(text),
  sys_calculated_field_errors: optional(z.array(z.strictObject({ field: z.string(), error: z.string() }))),
  sys_snapshot_base_version: optional(z.number()),
  sys_has_files_in_s3: optional(z.boolean()),
  sys_configuration_snapshot_id: optional(text),
};

export const securityContextSchema = z.strictObject({
  principal: z.string(),
  tenant: z.string(),
  source_ip: z.string(),
  user_agent: z.string(),
  request_id: z.string(),
  time: z.string(),
  operation: z.string(),
});

/** Fields only the service writes. */
export const serverManagedFields = {
  id: z.string(),
  sys_version: z.int().check(z.minimum(1)),
  sys_created_at: z.string(),
  sys_created_by_id: z.string(),
  sys_last_modified_at: z.string(),
  sys_last_modified_by_id: z.string(),
  sys_deleted_by_id: optional(z.string()),
  sys_last_security_context: securityContextSchema,
};

export const SERVER_MANAGED_FIELDS = Object.keys(serverManagedFields) as (keyof typeof serverManagedFields)[];
export const RECORD_FIELDS = [
  ...Object.keys(businessFields),
  ...Object.keys(clientMetadataFields),
  ...SERVER_MANAGED_FIELDS,
] as const;

/** The stored record as the API returns it. */
export const billingRunActionSchema = z.strictObject({
  ...businessFields,
  ...clientMetadataFields,
  ...serverManagedFields,
});
export type BillingRunAction = z.infer<typeof billingRunActionSchema>;

/**
 * What a client sends to create or replace a record. Server-managed fields may ride along (a GET
 * result sent back in a PUT) and are ignored, except `sys_version` (a precondition) and `id`.
 */
export const writableRecordSchema = z.strictObject({
  ...businessFields,
  ...clientMetadataFields,
  id: optional(z.string()),
  sys_version: optional(z.int().check(z.minimum(1))),
  sys_created_at: optional(z.unknown()),
  sys_created_by_id: optional(z.unknown()),
  sys_last_modified_at: optional(z.unknown()),
  sys_last_modified_by_id: optional(z.unknown()),
  sys_deleted_by_id: optional(z.unknown()),
  sys_last_security_context: optional(z.unknown()),
});
export type WritableRecord = z.infer<typeof writableRecordSchema>;

/** The client-writable part of a record: business fields and client metadata. */
export type ClientFields = Omit<WritableRecord, keyof typeof serverManagedFields>;

const CLIENT_FIELD_NAMES = [...Object.keys(businessFields), ...Object.keys(clientMetadataFields)];

export function clientFieldsOf(record: Record<string, unknown>): ClientFields {
  const picked: Record<string, unknown> = {};
  for (const name of CLIENT_FIELD_NAMES) {
    if (record[name] !== undefined) picked[name] = record[name];
  }
  return picked as ClientFields;
}

/** The lookups of SPEC section 2, each backed by one GSI. */
export const LOOKUPS = {
  certification: 'certification_id',
  application: 'application_id',
  trainingProvider: 'training_provider_id',
  billingRun: 'billing_run_id',
} as const;
export type Lookup = keyof typeof LOOKUPS;
