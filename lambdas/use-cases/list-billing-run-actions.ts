import type { Lookup } from '../domain/billing-run-action.ts';
import type { Caller } from '../domain/caller.ts';
import { type FieldSelection, selectFields } from '../domain/field-selection.ts';
import { decodeCursor, encodeCursor } from '../domain/list-cursor.ts';
import type { ActionDependencies } from './dependencies.ts';

export interface ListInput {
  lookup: Lookup;
  value: string;
  limit: number;
  fields?: FieldSelection;
  exclusiveStartKey?: string;
}

export interface ListResult {
  Count: number;
  Items: Record<string, unknown>[];
  LastEvaluatedKey?: string;
}

/** One page of a tenant's records with one lookup value, oldest first. */
export async function listBillingRunActions(deps: ActionDependencies, caller: Caller, input: ListInput): Promise<ListResult> {
  const list = { tenantId: caller.tenantId, lookup: input.lookup, value: input.value };
  const afterId = input.exclusiveStartKey === undefined ? undefined : decodeCursor(deps.cursorSecret, input.exclusiveStartKey, list);
  const page = await deps.repository.list(caller.tenantId, input.lookup, input.value, { limit: input.limit, afterId });
  const result: ListResult = {
    Count: page.items.length,
    Items: page.items.map((record) => selectFields(record, input.fields)),
  };
  if (page.lastId !== undefined) result.LastEvaluatedKey = encodeCursor(deps.cursorSecret, { ...list, lastId: page.lastId });
  return result;
}
