import { READ_SCOPE, type Scope, WRITE_SCOPE } from './domain/caller.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

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
}

const BASE = '/billingRunActions/{tenantId}';

/** The single list of operations: the CDK stack, the local gateway and the tests are all built from it. */
export const ROUTES = [
  { operation: 'createBillingRunAction', method: 'POST', path: BASE, scope: WRITE_SCOPE, hasBody: true, entry: 'lambdas/handlers/create-billing-run-action.ts', summary: 'Create a billing run action' },
  { operation: 'batchBillingRunActions', method: 'POST', path: `${BASE}/batch`, scope: WRITE_SCOPE, hasBody: true, entry: 'lambdas/handlers/batch-billing-run-actions.ts', summary: 'Patch or delete up to 100 billing run actions' },
  { operation: 'getBillingRunAction', method: 'GET', path: `${BASE}/{id}`, scope: READ_SCOPE, hasBody: false, entry: 'lambdas/handlers/get-billing-run-action.ts', summary: 'Get a billing run action' },
  { operation: 'updateBillingRunAction', method: 'PUT', path: `${BASE}/{id}`, scope: WRITE_SCOPE, hasBody: true, entry: 'lambdas/handlers/update-billing-run-action.ts', summary: 'Replace a billing run action' },
  { operation: 'patchBillingRunAction', method: 'PATCH', path: `${BASE}/{id}`, scope: WRITE_SCOPE, hasBody: true, entry: 'lambdas/handlers/patch-billing-run-action.ts', summary: 'Apply a JSON Patch to a billing run action' },
  { operation: 'deleteBillingRunAction', method: 'DELETE', path: `${BASE}/{id}`, scope: WRITE_SCOPE, hasBody: false, entry: 'lambdas/handlers/delete-billing-run-action.ts', summary: 'Soft-delete a billing run action' },
  { operation: 'listBillingRunActionsByCertification', method: 'GET', path: `${BASE}/certification/{certification_id}`, scope: READ_SCOPE, hasBody: false, entry: 'lambdas/handlers/list-billing-run-actions-by-certification.ts', summary: 'List billing run actions of a certification' },
  { operation: 'listBillingRunActionsByApplication', method: 'GET', path: `${BASE}/application/{application_id}`, scope: READ_SCOPE, hasBody: false, entry: 'lambdas/handlers/list-billing-run-actions-by-application.ts', summary: 'List billing run actions of an application' },
  { operation: 'listBillingRunActionsByTrainingProvider', method: 'GET', path: `${BASE}/trainingProvider/{training_provider_id}`, scope: READ_SCOPE, hasBody: false, entry: 'lambdas/handlers/list-billing-run-actions-by-training-provider.ts', summary: 'List billing run actions of a training provider' },
  { operation: 'listBillingRunActionsByBillingRun', method: 'GET', path: `${BASE}/billingRun/{billing_run_id}`, scope: READ_SCOPE, hasBody: false, entry: 'lambdas/handlers/list-billing-run-actions-by-billing-run.ts', summary: 'List billing run actions of a billing run' },
] as const satisfies readonly Route[];

export type OperationName = (typeof ROUTES)[number]['operation'];

export const AUTHORIZER_ENTRY = 'lambdas/handlers/authorizer.ts';

export function routeOf(operation: OperationName): Route {
  const route = ROUTES.find((candidate) => candidate.operation === operation);
  if (!route) throw new Error(`No route for operation ${operation}`);
  return route;
}
