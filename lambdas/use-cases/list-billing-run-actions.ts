import type { Lookup, Status } from '../domain/billing-run-action.ts';
import type { Caller } from '../domain/caller.ts';
import { type FieldSelection, selectFields } from '../domain/field-selection.ts';
import { decodeCursor, encodeCursor } from '../domain/list-cursor.ts';
import { RESPONSE_BUDGET_BYTES, payloadBytes } from '../domain/response-size.ts';
import type { With } from './dependencies.ts';

export interface ListInput {
  lookup: Lookup;
  value: string;
  /** Only records in this status (a status index's page), if given. */
  status?: Status;
  limit: number;
  fields?: FieldSelection;
  exclusiveStartKey?: string;
}

export interface ListResult {
  Count: number;
  Items: Record<string, unknown>[];
  LastEvaluatedKey?: string;
}

/**
 * One page of a tenant's records with one lookup value (in one status, if asked), oldest first. A page ends early when its
 * items would not fit in a Lambda response; its cursor then leads on from the last item it holds.
 */
export async function listBillingRunActions(deps: With<'cursorKeys'>, caller: Caller, input: ListInput): Promise<ListResult> {
  const list = { tenantId: caller.tenantId, lookup: input.lookup, value: input.value, status: input.status };
  const keys = deps.cursorKeys;
  const afterId = input.exclusiveStartKey === undefined ? undefined : await decodeCursor(keys, input.exclusiveStartKey, list);
  const page = await deps.repository.list(caller.tenantId, input.lookup, input.value, {
    limit: input.limit,
    ...(afterId !== undefined && { afterId }),
    ...(input.status !== undefined && { status: input.status }),
  });
  const items: Record<string, unknown>[] = [];
  let bytes = 0;
  let lastId = page.lastId;
  for (const record of page.items) {
    const item = selectFields(record, input.fields);
    bytes += payloadBytes(item) + 1;
    if (bytes > RESPONSE_BUDGET_BYTES && items.length > 0) {
      lastId = items.at(-1)?.id as string;
      break;
    }
    items.push(item);
  }
  const result: ListResult = { Count: items.length, Items: items };
  if (lastId !== undefined) result.LastEvaluatedKey = encodeCursor(await keys.signing(), { ...list, lastId });
  return result;
}
