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

export type Status = (typeof STATUSES)[number];

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

/** Fields a client writes and reads (their schemas: record-schema.ts). */
export const BUSINESS_FIELDS = [
  'name',
  'date',
  'billing_run_id',
  'candidate_service',
  'candidate_id',
  'certification_id',
  'application_id',
  'training_provider_id',
  'program_id',
  'certification_notice_id',
  'invoice_template_id',
  'status',
  'type',
  'training_provider_billing_records',
  'last_refresh_date',
  'outcome_of_last_refresh',
  'error_message',
  'error_stack',
  'step_function_execution_arn',
  'expiration_date',
  'application_notice_id',
  'invoice_id',
  'email_training_provider_invoice',
] as const;

/** Metadata a client may set; stored as given once its type checks. */
export const CLIENT_METADATA_FIELDS = [
  'sys_external_id',
  'sys_locked',
  'sys_directive',
  'sys_bulk_load_pk',
  'sys_bulk_load_at',
  'sys_bulk_load_id',
  'sys_bulk_load_record_no',
  'sys_bulk_load_source_file',
  'sys_last_bulk_data_operation_id',
  'sys_last_bulk_data_operation_sys_version',
  'sys_calculated_field_error',
  'sys_calculated_field_errors',
  'sys_snapshot_base_version',
  'sys_has_files_in_s3',
  'sys_configuration_snapshot_id',
] as const;

/** Fields only the service writes. */
export const SERVER_MANAGED_FIELDS = [
  'id',
  'sys_version',
  'sys_created_at',
  'sys_created_by_id',
  'sys_last_modified_at',
  'sys_last_modified_by_id',
  'sys_deleted_by_id',
  'sys_last_security_context',
] as const;
export type ServerManagedField = (typeof SERVER_MANAGED_FIELDS)[number];
export const RECORD_FIELDS = [...BUSINESS_FIELDS, ...CLIENT_METADATA_FIELDS, ...SERVER_MANAGED_FIELDS] as const;

/**
 * The lookups, the one table of them: each lists a tenant's records by one field, at the path segment
 * named here (`/billingRunActions/{tenantId}/<path>/{<field>}`), through an index of its own. From it
 * follow the index (adapters/dynamodb/table-design.ts), the list route (routes.ts), the OpenAPI document,
 * the smoke test and the capacity model; a lookup that gathers many records (a billing run's, a training
 * provider's) is `gathering`: its index entries are spread over shards. Each list route's function has a
 * handler module of its own, named from the lookup (a test checks each is there).
 */
export const LOOKUP_TABLE = {
  certification: { field: 'certification_id', what: 'a certification', gathering: false },
  application: { field: 'application_id', what: 'an application', gathering: false },
  trainingProvider: { field: 'training_provider_id', what: 'a training provider', gathering: true },
  billingRun: { field: 'billing_run_id', what: 'a billing run', gathering: true },
} as const;
export type Lookup = keyof typeof LOOKUP_TABLE;
/** Each lookup's field (also its path parameter). */
export const LOOKUPS = Object.fromEntries(Object.entries(LOOKUP_TABLE).map(([lookup, { field }]) => [lookup, field])) as {
  [L in Lookup]: (typeof LOOKUP_TABLE)[L]['field'];
};
