import { createHandler } from '../http/handler-factory.ts';
import { processingStarter } from '../composition.ts';
import { batchBillingRunActions } from '../use-cases/batch-billing-run-actions.ts';

export const handler = createHandler('batchBillingRunActions', {
  processing: processingStarter,
  run: ({ body }, caller, deps) => batchBillingRunActions(deps, caller, body),
});
