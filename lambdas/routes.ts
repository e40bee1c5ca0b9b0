import { LOOKUP_TABLE, type Lookup } from './domain/billing-run-action.ts';
import { READ_SCOPE, type Scope, WRITE_SCOPE } from './domain/caller.ts';

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The DynamoDB actions an operation's function is granted, and nothing more. */
export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'Scan' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'BatchWriteItem';

interface Access {
  /** On the records table; `Query` is granted on the operation's own index only (its lookup's, or the bulk load errors'). */
  records: readonly TableAction[];
  /** On the tenant registry (its record counter). */
  tenants: readonly TableAction[];
  /** Whether its writes can leave a record in processing, so it may start the processor. */
  startsProcessing: boolean;
  /** For the bulk load operations: starting one (it hands out upload targets), or reading one (with its line errors). */
  bulkLoads?: 'start' | 'read';
  /** For the run summary: it reads the run's counters in the summaries table (BatchGetItem), which the stream consumer keeps. */
  summaries?: true;
}

const READ_ONE = { records: ['GetItem'], tenants: [], startsProcessing: false } as const satisfies Access;
/** A list queries its lookup's indexes (by id, and by status), and reads a status page's records by key. */
const READ_INDEX = { records: ['Query', 'BatchGetItem'], tenants: [], startsProcessing: false } as const satisfies Access;
const CHANGE = { records: ['GetItem', 'PutItem'], tenants: [], startsProcessing: true } as const satisfies Access;
/** A create takes a place on the tenant's counter; when its shard is full it reads the counter whole (BatchGetItem) and may rebalance it. */
const COUNTED_CREATE = {
  records: ['GetItem', 'PutItem'],
  tenants: ['UpdateItem', 'BatchGetItem'],
  startsProcessing: true,
} as const satisfies Access;
const COUNTED_CHANGE = { records: ['GetItem', 'PutItem'], tenants: ['UpdateItem'], startsProcessing: true } as const satisfies Access;
const REMOVE = { records: ['GetItem', 'PutItem'], tenants: ['UpdateItem'], startsProcessing: false } as const satisfies Access;
const START_LOAD = { records: ['GetItem', 'PutItem'], tenants: [], startsProcessing: false, bulkLoads: 'start' } as const satisfies Access;
/** A run's summary reads its 16 counter items in the summaries table in one BatchGetItem, never the run's records. */
const READ_SUMMARY = { records: [], tenants: [], startsProcessing: false, summaries: true } as const satisfies Access;
const READ_LOAD = { records: ['GetItem', 'Query'], tenants: [], startsProcessing: false, bulkLoads: 'read' } as const satisfies Access;

export interface Route {
  operation: string;
  method: HttpMethod;
  /** API Gateway resource path; `{name}` is a path parameter. */
  path: string;
  scope: Scope;
  /** Whether the operation takes a JSON body. */
  hasBody: boolean;
  /** The handler module, relative to the project root; it exports `handler`. */
  entry: string;
  summary: string;
  access: Access;
  /** For the list operations: the lookup whose index they query. */
  lookup?: Lookup;
}

const BASE = '/billingRunActions/{tenantId}';

/**
 * A lookup's list operation, from the lookup table (domain/billing-run-action.ts): its name, path,
 * summary and handler module follow from the lookup's name and field.
 */
function listRoute<L extends Lookup>(lookup: L) {
  const { field, what } = LOOKUP_TABLE[lookup];
  const named = `${lookup.charAt(0).toUpperCase()}${lookup.slice(1)}` as Capitalize<L>;
  return {
    operation: `listBillingRunActionsBy${named}`,
    method: 'GET',
    path: `${BASE}/${lookup}/{${field}}`,
    scope: READ_SCOPE,
    hasBody: false,
    entry: `lambdas/handlers/list-billing-run-actions-by-${lookup.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}.ts`,
    summary: `List billing run actions of ${what}`,
    access: READ_INDEX,
    lookup,
  } as const;
}

/** The single list of operations: the CDK stack, the local gateway and the tests are all built from it. */
export const ROUTES = [
  {
    operation: 'createBillingRunAction',
    method: 'POST',
    path: BASE,
    scope: WRITE_SCOPE,
    hasBody: true,
    entry: 'lambdas/handlers/create-billing-run-action.ts',
    summary: 'Create a billing run action',
    access: COUNTED_CREATE,
  },
  {
    operation: 'batchBillingRunActions',
    method: 'POST',
    path: `${BASE}/batch`,
    scope: WRITE_SCOPE,
    hasBody: true,
    entry: 'lambdas/handlers/batch-billing-run-actions.ts',
    summary: 'Patch or delete up to 100 billing run actions',
    access: COUNTED_CHANGE,
  },
  {
    operation: 'getBillingRunAction',
    method: 'GET',
    path: `${BASE}/{id}`,
    scope: READ_SCOPE,
    hasBody: false,
    entry: 'lambdas/handlers/get-billing-run-action.ts',
    summary: 'Get a billing run action',
    access: READ_ONE,
  },
  {
    operation: 'updateBillingRunAction',
    method: 'PUT',
    path: `${BASE}/{id}`,
    scope: WRITE_SCOPE,
    hasBody: true,
    entry: 'lambdas/handlers/update-billing-run-action.ts',
    summary: 'Replace a billing run action',
    access: CHANGE,
  },
  {
    operation: 'patchBillingRunAction',
    method: 'PATCH',
    path: `${BASE}/{id}`,
    scope: WRITE_SCOPE,
    hasBody: true,
    entry: 'lambdas/handlers/patch-billing-run-action.ts',
    summary: 'Apply a JSON Patch to a billing run action',
    access: CHANGE,
  },
  {
    operation: 'deleteBillingRunAction',
    method: 'DELETE',
    path: `${BASE}/{id}`,
    scope: WRITE_SCOPE,
    hasBody: false,
    entry: 'lambdas/handlers/delete-billing-run-action.ts',
    summary: 'Soft-delete a billing run action',
    access: REMOVE,
  },
  {
    operation: 'startBulkLoad',
    method: 'POST',
    path: `${BASE}/bulkLoads`,
    scope: WRITE_SCOPE,
    hasBody: true,
    entry: 'lambdas/handlers/start-bulk-load.ts',
    summary: 'Start a bulk load: answers where to upload its NDJSON file',
    access: START_LOAD,
  },
  {
    operation: 'getBulkLoad',
    method: 'GET',
    path: `${BASE}/bulkLoads/{loadId}`,
    scope: READ_SCOPE,
    hasBody: false,
    entry: 'lambdas/handlers/get-bulk-load.ts',
    summary: 'Read a bulk load: its status, counts and first line errors',
    access: READ_LOAD,
  },
  {
    operation: 'getBillingRunSummary',
    method: 'GET',
    path: `${BASE}/billingRun/{billing_run_id}/summary`,
    scope: READ_SCOPE,
    hasBody: false,
    entry: 'lambdas/handlers/get-billing-run-summary.ts',
    summary: 'Summarize a billing run: its live records counted by status and by type',
    access: READ_SUMMARY,
  },
  listRoute('certification'),
  listRoute('application'),
  listRoute('trainingProvider'),
  listRoute('billingRun'),
] as const satisfies readonly Route[];

export type OperationName = (typeof ROUTES)[number]['operation'];
type RouteNamed<O extends OperationName> = Extract<(typeof ROUTES)[number], { operation: O }>;

/**
 * What an operation needs besides the common dependencies, read from its route entry alone: the
 * processor where its writes may start it, the cursor keys where it lists, the bulk loads where it
 * works on them. The handler factory types an operation's dependencies by it, so a handler that hands
 * in less does not compile (and one that names more carries a client its function never uses).
 */
export type NeedsOf<O extends OperationName> =
  | (RouteNamed<O>['access']['startsProcessing'] extends true ? 'processing' : never)
  | (RouteNamed<O> extends { lookup: Lookup } ? 'cursorKeys' : never)
  | (RouteNamed<O>['access'] extends { bulkLoads: 'start' | 'read' } ? 'bulkLoads' : never)
  | (RouteNamed<O>['access'] extends { summaries: true } ? 'summaries' : never);

export function routeOf(operation: OperationName): Route {
  const route = ROUTES.find((candidate) => candidate.operation === operation);
  if (!route) throw new Error(`No route for operation ${operation}`);
  return route;
}
