import * as z from 'zod/mini';
import {
  OUTCOMES,
  STATUSES,
  TYPES,
  ID_PATTERN,
  TENANT_ID_PATTERN,
  recordSchema,
  writableRecordSchema,
} from '../../lambdas/domain/billing-run-action.ts';
import { READ_SCOPE, WRITE_SCOPE } from '../../lambdas/domain/caller.ts';
import { patchDocumentSchema } from '../../lambdas/domain/json-patch.ts';
import { isJsonNumber } from '../../lambdas/domain/json-values.ts';
import { ROUTES, type Route } from '../../lambdas/routes.ts';
import { batchEnvelopeSchema } from '../../lambdas/use-cases/batch-billing-run-actions.ts';
import { createSchema } from '../../lambdas/use-cases/create-billing-run-action.ts';

/**
 * The OpenAPI 3.1 document of the API, built from the route table and the very Zod schemas the
 * functions validate with; `npm run openapi` writes it to openapi.json, and a test keeps that file
 * current. Only the response envelopes (error, list page, batch result) are described here, since the
 * functions build them rather than parse them.
 */
type JsonSchema = Record<string, unknown>;

const ERROR_STATUSES: Record<string, string> = {
  '400': 'Invalid input; `details` names every offending field',
  '401': 'No, malformed, expired or forged bearer token (with `WWW-Authenticate: Bearer`)',
  '403': 'Wrong tenant, missing scope, locked record, or tenant not provisioned',
  '404': 'No such record (or it was deleted)',
  '409': 'Version conflict, failed JSON Patch `test`, or an Idempotency-Key reused with another body',
  '413': 'Body over 256 KiB, or a write whose item would pass DynamoDB’s 400 KB item limit',
  '429':
    'Throttled (`Too Many Requests`), over the monthly quota (`Limit Exceeded`) or over the tenant record limit; with `Retry-After` where a wait helps',
  '500': 'Unexpected; the message carries the request id of the log line',
};

/** Numbers are a custom schema (a JSON number kept exactly, see json-values.ts); in JSON Schema, a number. */
const describeNumbers = ({ zodSchema, jsonSchema }: { zodSchema: z.core.$ZodTypes; jsonSchema: JsonSchema }): void => {
  if ((zodSchema._zod.def as { fn?: unknown }).fn === isJsonNumber) jsonSchema.type = 'number';
};

const schema = (zod: z.ZodMiniType, io: 'input' | 'output' = 'output'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(zod, { io, unrepresentable: 'any', override: describeNumbers }) as JsonSchema;
  return rest;
};

const EXAMPLE = {
  name: 'Renewal reminder for candidate 42',
  date: '2026-11-29T10:00:00Z',
  billing_run_id: 'run-2026-11',
  candidate_service: 'candidates',
  candidate_id: 'cand-42',
  certification_id: 'cert-7',
  application_id: 'app-42',
  training_provider_id: 'tp-3',
  program_id: 'prog-1',
  certification_notice_id: 'notice-9',
  invoice_template_id: 'tmpl-2',
  status: STATUSES[0],
  type: TYPES[0],
  training_provider_billing_records: [{ amount: 120, currency: 'USD' }],
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

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

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
const json = (body: JsonSchema) => ({ 'application/json': { schema: body } });

const pathParameter = (name: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: (name === 'tenantId' ? TENANT_ID_PATTERN : ID_PATTERN).source },
});
const FIELDS = {
  name: 'fields',
  in: 'query',
  required: false,
  description: 'Comma-separated top-level fields to return (id always comes back)',
  schema: { type: 'string' },
};

function queryParameters(route: Route): JsonSchema[] {
  if (route.operation === 'getBillingRunAction') {
    return [
      FIELDS,
      {
        name: 'consistentRead',
        in: 'query',
        required: false,
        description: 'A strongly consistent read',
        schema: { type: 'string', enum: ['true', 'false'] },
      },
    ];
  }
  if (route.lookup) {
    return [
      FIELDS,
      {
        name: 'limit',
        in: 'query',
        required: false,
        description: 'Page size, 1 to 1000 (default 100)',
        schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
      },
      {
        name: 'exclusiveStartKey',
        in: 'query',
        required: false,
        description: 'The LastEvaluatedKey of the previous page',
        schema: { type: 'string' },
      },
    ];
  }
  if (route.operation === 'createBillingRunAction') {
    return [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Same key and body within 24 h: the first response again, nothing created',
        schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
      },
    ];
  }
  return [];
}

const REQUESTS: Record<string, { schema: string; example: unknown }> = {
  createBillingRunAction: { schema: 'BillingRunActionCreate', example: EXAMPLE },
  updateBillingRunAction: { schema: 'BillingRunActionReplace', example: { ...EXAMPLE, status: 'completed', sys_version: 1 } },
  patchBillingRunAction: {
    schema: 'JsonPatch',
    example: [
      { op: 'test', path: '/status', value: 'pending' },
      { op: 'replace', path: '/status', value: 'completed' },
    ],
  },
  batchBillingRunActions: {
    schema: 'BatchRequest',
    example: {
      operations: [
        { op: 'patch', id: '0190e1c2-7b3a-7c4d-8e5f-1a2b3c4d5e6f', patch: [{ op: 'replace', path: '/status', value: 'excluded' }] },
        { op: 'delete', id: '0190e1c2-7b3a-7c4d-8e5f-1a2b3c4d5e70' },
      ],
    },
  },
};

function successSchema(route: Route): JsonSchema {
  if (route.lookup) return ref('ListPage');
  if (route.operation === 'batchBillingRunActions') return ref('BatchResult');
  if (route.operation === 'deleteBillingRunAction') return { type: 'string', description: 'The id of the deleted record' };
  if (route.operation === 'getBillingRunAction') return ref('BillingRunActionFields');
  return ref('BillingRunAction');
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

export function buildOpenApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of ROUTES as readonly Route[]) {
    const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
    const request = REQUESTS[route.operation];
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      operationId: route.operation,
      summary: route.summary,
      tags: [route.lookup ? 'lists' : 'records'],
      security: [{ bearerAuth: [route.scope] }],
      description: `Needs the \`${route.scope}\` scope${route.scope === READ_SCOPE ? ` (or \`${WRITE_SCOPE}\`)` : ''}.`,
      parameters: [...names.map(pathParameter), ...queryParameters(route)],
      ...(request && {
        requestBody: { required: true, content: { 'application/json': { schema: ref(request.schema), example: request.example } } },
      }),
      responses: {
        '200': { description: 'Success', content: json(successSchema(route)) },
        ...Object.fromEntries(
          Object.entries(ERROR_STATUSES).map(([status, description]) => [status, { description, content: json(ref('Error')) }]),
        ),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Billing Run Actions API',
      version: '1.0.0',
      description:
        'Stores and serves billing run actions: the per-candidate steps a certification billing run produces. Multi-tenant: every path starts with the tenant, which the bearer token must name.',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: 'http://127.0.0.1:3000', description: 'npm start' }],
    tags: [
      { name: 'records', description: 'One billing run action, and batches of them' },
      { name: 'lists', description: 'Billing run actions by lookup, oldest first, in pages' },
    ],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A JWT of the configured issuer; its tenant claim lists the tenants it may act for',
        },
      },
      schemas: {
        BillingRunAction: describeFields(schema(recordSchema())),
        BillingRunActionFields: projectionSchema(describeFields(schema(recordSchema()))),
        BillingRunActionCreate: describeFields(schema(createSchema, 'input')),
        BillingRunActionReplace: describeFields(schema(writableRecordSchema, 'input')),
        JsonPatch: schema(patchDocumentSchema, 'input'),
        BatchRequest: schema(batchEnvelopeSchema, 'input'),
        BatchResult: schema(batchResultSchema()),
        ListPage: listPage(schema(listPageSchema())),
        Error: schema(errorSchema()),
      },
    },
  };
}
