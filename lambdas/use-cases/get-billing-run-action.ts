import type { Caller } from '../domain/caller.ts';
import { notFound } from '../domain/errors.ts';
import { type FieldSelection, selectFields } from '../domain/field-selection.ts';
import type { ActionDependencies } from './dependencies.ts';

export interface GetInput {
  id: string;
  fields?: FieldSelection;
  consistentRead: boolean;
}

export async function getBillingRunAction(deps: ActionDependencies, caller: Caller, input: GetInput): Promise<Record<string, unknown>> {
  const record = await deps.repository.get(caller.tenantId, input.id, { consistentRead: input.consistentRead });
  if (!record) throw notFound(input.id);
  return selectFields(record, input.fields);
}
