import type { Caller } from '../domain/caller.ts';
import { NotFound } from '../domain/errors.ts';
import type { RunSummary } from '../domain/record-changes.ts';
import type { With } from './dependencies.ts';

/** The run's summary, kept from the change stream (a few item reads); 404 for a run that never had a record of the caller's tenant. */
export async function getBillingRunSummary(deps: With<'summaries'>, caller: Caller, input: { billingRunId: string }): Promise<RunSummary> {
  const summary = await deps.summaries.read(caller.tenantId, input.billingRunId);
  if (!summary) throw new NotFound(`Billing run '${input.billingRunId}' has no billing run actions`);
  return summary;
}
