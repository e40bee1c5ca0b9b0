import * as z from 'zod/mini';
import { OUTCOMES, STATUSES, TYPES } from '../../lambdas/domain/billing-run-action.ts';
import { recordSchema, writableRecordSchema } from '../../lambdas/domain/record-schema.ts';
import { patchDocumentSchema } from '../../lambdas/domain/json-patch.ts';
import { isJsonNumber } from '../../lambdas/domain/json-values.ts';
import { batchEnvelopeSchema } from '../../lambdas/use-cases/batch-billing-run-actions.ts';
import { createSchema } from '../../lambdas/use-cases/shared/create-body.ts';
import { BULK_LOAD_STATUSES, startBulkLoadSchema } from '../../lambdas/domain/bulk-load.ts';

/**
 * The schemas of the OpenAPI document: the request bodies and the record from the very Zod schemas
 * the functions validate with, and the response envelopes (error, list page, batch result), which the
 * functions build rather than parse, described here.
 */
export type JsonSchema = Record<string, unknown>;

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Numbers are a custom schema (a JSON number kept exactly, see json-values.ts); in JSON Schema, a number. */
const describeNumbers = ({ zodSchema, jsonSchema }: { zodSchema: z.core.$ZodTypes; jsonSchema: JsonSchema }): void => {
  if ((zodSchema._zod.def as { fn?: unknown }).fn === isJsonNumber) jsonSchema.type = 'number';
};

const schema = (zod: z.ZodMiniType, io: 'input' | 'output' = 'output'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(zod, { io, unrepresentable: 'any', override: describeNumbers }) as JsonSchema;
  return rest;
};

const FIELD_DESCRIPTIONS: Record<string, string> = {
  id: 'Assigned by the service: a UUIDv7, so ids sort in creation order',
  sys_version: '1 on create, +1 on every change; send it back in a PUT as a precondition',
  status: `One of: ${STATUSES.join(', ')}. A write that leaves a record in "processing" starts the processor`,
  type: `One of: ${TYPES.join(', ')}`,
  outcome_of_last_refresh: `One of: ${OUTCOMES.join(', ')}`,
  training_provider_billing_records: '1 to 1000 JSON objects, stored as given',
  step_function_execution_arn: 'The processor execution of the current processing attempt',
  sys_locked: 'When true, update, patch and delete are refused with 403',
  sys_last_security_context: 'Who made the last change, from where, with which request',
};

function describeFields(json: JsonSchema): JsonSchema {
  const properties = json.properties as Record<string, JsonSchema> | undefined;
  for (const [field, description] of Object.entries(FIELD_DESCRIPTIONS)) {
    if (properties?.[field]) properties[field] = { ...properties[field], description };
  }
  return json;
}

function errorSchema() {
  return z.strictObject({
    message: z.string(),
    details: z.optional(z.array(z.strictObject({ path: z.string(), message: z.string() }))),
  });
}

function listPageSchema() {
  return z.strictObject({
    Count: z.int(),
    Items: z.array(z.record(z.string(), z.unknown())),
    LastEvaluatedKey: z.optional(z.string()),
  });
}

function batchResultSchema() {
  return z.strictObject({
    success_count: z.int(),
    error_count: z.int(),
    results: z.array(
      z.strictObject({
        id: z.string(),
        op: z.enum(['patch', 'delete']),
        status: z.int(),
        record: z.optional(recordSchema()),
        record_omitted: z.optional(z.literal(true)),
        error: z.optional(errorSchema()),
      }),
    ),
  });
}

/** A page's items are records as get answers them (the Zod schema only says "objects"). */
function listPage(page: JsonSchema): JsonSchema {
  const properties = page.properties as Record<string, JsonSchema>;
  return {
    ...page,
    properties: {
      ...properties,
      Items: { type: 'array', items: ref('BillingRunActionFields') },
      LastEvaluatedKey: {
        ...properties.LastEvaluatedKey,
        description: 'Present only when more items follow (a page also ends early to stay within 6 MB); pass it back as exclusiveStartKey',
      },
    },
  };
}
/** What get and lists answer: the whole record, or with `fields` only those fields and `id`. */
function projectionSchema(record: JsonSchema): JsonSchema {
  return {
    ...record,
    required: ['id'],
    description:
      'A billing run action as get and lists answer it: every stored field without `fields`; with `fields`, only the named fields (those the record has) and `id`.',
  };
}

export function componentSchemas(): Record<string, JsonSchema> {
  return {
    BillingRunAction: describeFields(schema(recordSchema())),
    BillingRunActionFields: projectionSchema(describeFields(schema(recordSchema()))),
    BillingRunActionCreate: describeFields(schema(createSchema, 'input')),
    BillingRunActionReplace: describeFields(schema(writableRecordSchema, 'input')),
    JsonPatch: schema(patchDocumentSchema, 'input'),
    BatchRequest: schema(batchEnvelopeSchema, 'input'),
    BatchResult: schema(batchResultSchema()),
    ListPage: listPage(schema(listPageSchema())),
    Error: schema(errorSchema()),
    BulkLoadStart: schema(startBulkLoadSchema, 'input'),
    ...bulkLoadSchemas(),
    RunSummary: runSummarySchema(),
  };
}

const counts = (what: string): JsonSchema => ({
  type: 'object',
  description: `The run's live records by ${what}; a ${what} with none is left out`,
  additionalProperties: { type: 'integer', minimum: 1 },
});

/** A run's summary (SPEC 2.5), counted from the change stream. */
function runSummarySchema(): JsonSchema {
  return {
    type: 'object',
    required: ['billing_run_id', 'total', 'by_status', 'by_type'],
    description:
      "A billing run's live records (deleted ones not counted), kept from the table's change stream: exact once writes settle, a few seconds behind them (docs/api.md, Run summaries).",
    properties: {
      billing_run_id: { type: 'string' },
      total: { type: 'integer', minimum: 0 },
      by_status: { ...counts('status'), propertyNames: { enum: [...STATUSES] } },
      by_type: { ...counts('type'), propertyNames: { enum: [...TYPES] } },
      last_change_at: { type: 'string', format: 'date-time', description: 'When the last change counted was made' },
    },
  };
}

/** A load as the two bulk load operations answer it (SPEC 2.4). */
function bulkLoadSchemas(): Record<string, JsonSchema> {
  const load: JsonSchema = {
    type: 'object',
    required: ['id', 'status', 'source_file', 'loaded', 'failed', 'created_at', 'created_by'],
    properties: {
      id: { type: 'string' },
      status: { type: 'string', enum: [...BULK_LOAD_STATUSES] },
      source_file: { type: 'string' },
      lines: { type: 'integer', description: 'Non-empty lines of the file, once it has been read through' },
      loaded: { type: 'integer', description: 'Lines loaded as new records (always complete)' },
      failed: { type: 'integer', description: 'Lines not loaded (always complete)' },
      created_at: { type: 'string', format: 'date-time' },
      created_by: { type: 'object', description: 'The caller that started the load: principal, source_ip, user_agent, request_id' },
      started_at: { type: 'string', format: 'date-time', description: 'When the file arrived and loading began' },
      finished_at: { type: 'string', format: 'date-time' },
      message: { type: 'string', description: 'Why the load failed, when it did' },
    },
  };
  const properties = load.properties as Record<string, JsonSchema>;
  const detailsSchema = (schema(errorSchema()).properties as Record<string, JsonSchema>).details as JsonSchema;
  return {
    BulkLoadStarted: {
      ...load,
      properties: {
        ...properties,
        upload: {
          type: 'object',
          description: 'Where to send the file, while the load awaits it: a PUT of the file to `url` with exactly these headers',
          required: ['url', 'method', 'headers', 'expires_at'],
          properties: {
            url: { type: 'string' },
            method: { type: 'string', const: 'PUT' },
            headers: { type: 'object', additionalProperties: { type: 'string' } },
            expires_at: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
    BulkLoad: {
      ...load,
      required: [...(load.required as string[]), 'errors'],
      properties: {
        ...properties,
        errors: {
          type: 'array',
          description:
            'The first 1,000 line errors in line order (fewer in a page when they would not fit in 6 MB; the errors past the first 1,000 are only counted in failed): the message (and details) a create of that line would have answered',
          items: {
            type: 'object',
            required: ['line', 'message'],
            properties: { line: { type: 'integer' }, message: { type: 'string' }, details: detailsSchema },
          },
        },
        errors_last_evaluated_key: {
          type: 'string',
          description: 'Present only when more of the first 1,000 line errors follow this page; pass it back as errorsExclusiveStartKey',
        },
      },
    },
  };
}
