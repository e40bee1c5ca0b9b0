import * as z from 'zod/mini';
import { resolver, runSummaries } from '../composition/operations.ts';
import { createHandler } from '../http/handler-factory.ts';
import { idParameter } from '../http/request-parameters.ts';
import { getBillingRunSummary } from '../use-cases/get-billing-run-summary.ts';

export const handler = createHandler(
  'getBillingRunSummary',
  {
    params: z.object({ billing_run_id: idParameter }),
    query: z.strictObject({}),
    run: ({ params }, caller, deps) => getBillingRunSummary(deps, caller, { billingRunId: params.billing_run_id }),
  },
  resolver({ summaries: runSummaries }),
);
