import * as z from 'zod';

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
const reference = z.string().min(1).max(256);
const text = z.string();

/** Fields a client writes and reads. */
export const businessFields = {
  name: z.string().min(1).max(1024),
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
    .min(1)
    .max(1000),
  last_refresh_date: dateTime.optional(),
  outcome_of_last_refresh: z.enum(OUTCOMES).optional(),
  error_message: text.optional(),
  error_stack: text
    .refine((value) => Buffer.byteLength(value, 'utf8') <= ERROR_STACK_MAX_BYTES, {
      error: `must be at most ${ERROR_STACK_MAX_BYTES} bytes`,
    })
    .optional(),
  step_function_execution_arn: text.optional(),
  expiration_date: text.optional(),
  application_notice_id: text.optional(),
  invoice_id: text.optional(),
  email_training_provider_invoice: z.boolean().optional(),
};

/** Metadata a client may set; stored as given once its type checks. */
export const clientMetadataFields = {
  sys_external_id: text.optional(),
  sys_locked: z.boolean().optional(),
  sys_directive: text.optional(),
  sys_bulk_load_pk: text.optional(),
  sys_bulk_load_at: text.optional(),
  sys_bulk_load_id: text.optional(),
  sys_bulk_load_record_no: z.number().optional(),
  sys_bulk_load_source_file: text.optional(),
  sys_last_bulk_data_operation_id: text.optional(),
  sys_last_bulk_data_operation_sys_version: text.optional(),
  sys_calculated_field_error: text.optional(),
  sys_calculated_field_errors: z.array(z.strictObject({ field: z.string(), error: z.string() })).optional(),
  sys_snapshot_base_version: z.number().optional(),
  sys_has_files_in_s3: z.boolean().optional(),
  sys_configuration_snapshot_id: text.optional(),
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
  sys_version: z.number().int().min(1),
  sys_created_at: z.string(),
  sys_created_by_id: z.string(),
  sys_last_modified_at: z.string(),
  sys_last_modified_by_id: z.string(),
  sys_deleted_by_id: z.string().optional(),
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
  id: z.string().optional(),
  sys_version: z.number().int().min(1).optional(),
  sys_created_at: z.unknown().optional(),
  sys_created_by_id: z.unknown().optional(),
  sys_last_modified_at: z.unknown().optional(),
  sys_last_modified_by_id: z.unknown().optional(),
  sys_deleted_by_id: z.unknown().optional(),
  sys_last_security_context: z.unknown().optional(),
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
