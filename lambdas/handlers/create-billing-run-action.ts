import { createHandler } from '../middleware/handler-factory.ts';
import { createBillingRunAction } from '../use-cases/create-billing-run-action.ts';

export const handler = createHandler('createBillingRunAction', {
  run: ({ body }, caller, deps) => createBillingRunAction(deps, caller, body),
});
