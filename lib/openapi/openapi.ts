import { ID_PATTERN, STATUSES, TENANT_ID_PATTERN, TYPES } from '../../lambdas/domain/billing-run-action.ts';
import { READ_SCOPE, WRITE_SCOPE } from '../../lambdas/domain/caller.ts';
import { ROUTES, type Route } from '../../lambdas/routes.ts';
import { type JsonSchema, componentSchemas, ref } from './openapi-schemas.ts';

/**
 * The OpenAPI 3.1 document of the API, built from the route table and the Zod schemas
 * (openapi-schemas.ts); `npm run openapi` writes it to openapi.json, and a test keeps that file current.
 */
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
        name: 'status',
        in: 'query',
        required: false,
        description:
          "Only records in this status, in the list's order. Read from an index keyed by status, so a page costs what it holds, not what the lookup holds. A cursor of a filtered list leads on in that list only.",
        schema: { type: 'string', enum: [...STATUSES] },
      },
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
        description: 'The LastEvaluatedKey of the previous page (of the same list, with the same status filter)',
        schema: { type: 'string' },
      },
    ];
  }
  if (route.operation === 'getBulkLoad') {
    return [
      {
        name: 'errorsExclusiveStartKey',
        in: 'query',
        required: false,
        description: 'The errors_last_evaluated_key of the previous read: the page of the first 1,000 line errors after it',
        schema: { type: 'string', pattern: '^\\d{1,15}$' },
      },
    ];
  }
  if (route.operation === 'createBillingRunAction' || route.operation === 'startBulkLoad') {
    return [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Same key and body within 24 h: the first response again (the same record or load), nothing created',
        schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
      },
    ];
  }
  return [];
}

const REQUESTS: Record<string, { schema: string; example: unknown }> = {
  startBulkLoad: { schema: 'BulkLoadStart', example: { source_file: 'billing-run-2026-11.ndjson' } },
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
  if (route.operation === 'startBulkLoad') return ref('BulkLoadStarted');
  if (route.operation === 'getBulkLoad') return ref('BulkLoad');
  if (route.operation === 'getBillingRunSummary') return ref('RunSummary');
  return ref('BillingRunAction');
}

export function buildOpenApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of ROUTES as readonly Route[]) {
    const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
    const request = REQUESTS[route.operation];
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      operationId: route.operation,
      summary: route.summary,
      tags: [route.lookup ? 'lists' : route.access.bulkLoads ? 'bulk loads' : route.access.summaries ? 'billing runs' : 'records'],
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
      { name: 'bulk loads', description: 'Thousands to millions of new records from one NDJSON file: start, upload, follow' },
      { name: 'billing runs', description: "A billing run's progress: its records counted by status and by type" },
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
      schemas: componentSchemas(),
    },
  };
}
