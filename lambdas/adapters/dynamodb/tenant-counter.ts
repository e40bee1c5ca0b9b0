import { type ServiceError, TenantLimitReached, tenantNotProvisioned } from '../../domain/errors.ts';
import { TENANT_PARTITION_KEY } from './table-design.ts';

/*
 * The tenant's record counter (`action_count` on its registry item, beside `max_actions`): the one
 * owner of its attributes, the conditions that keep the limit, and its refusals. Every change is an
 * item of a transaction that also writes what it counts (the record, or a bulk load batch's
 * bookkeeping item), so each happens once:
 * - a create takes one place, only while the count is under the limit;
 * - a delete gives its place back;
 * - a bulk load batch reserves room for its records in one step, under the limit read with the count,
 *   and a batch that gave up before writing all it reserved gives the rest back.
 */
/** A tenant's registry item as DynamoDB returned it. */
type Item = Record<string, unknown>;

const counterKey = (tenantId: string) => ({ [TENANT_PARTITION_KEY]: tenantId });

/** The counter as a tenant's registry item holds it: the limit and the live count (none yet: zero). */
export const counterOf = (item: Item): { maxActions: number; actionCount: number } => ({
  maxActions: item.max_actions as number,
  actionCount: (item.action_count as number | undefined) ?? 0,
});

/** Setting the tenant's limit (the registry's put): an update expression's clause and its value. */
export const counterLimit = (maxActions: number) => ({ clause: 'max_actions = :maxActions', values: { ':maxActions': maxActions } });

export const counterTakeOne = (tenantsTableName: string, tenantId: string) => ({
  Update: {
    TableName: tenantsTableName,
    Key: counterKey(tenantId),
    UpdateExpression: 'SET action_count = if_not_exists(action_count, :zero) + :one',
    ConditionExpression: 'attribute_exists(usage_identifier_key) AND (attribute_not_exists(action_count) OR action_count < max_actions)',
    ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  },
});

export const counterGiveBackOne = (tenantsTableName: string, tenantId: string) => ({
  Update: {
    TableName: tenantsTableName,
    Key: counterKey(tenantId),
    UpdateExpression: 'SET action_count = if_not_exists(action_count, :one) - :one',
    ConditionExpression: 'attribute_exists(usage_identifier_key)',
    ExpressionAttributeValues: { ':one': 1 },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  },
});

/** Why the counter refused (its item as it stood): the tenant is not provisioned, or it is at its limit. */
export function counterRefusal(tenantId: string, tenant: Item | undefined, cause?: unknown): ServiceError {
  if (!tenant?.usage_identifier_key) return tenantNotProvisioned(tenantId, { cause });
  return new TenantLimitReached(tenantId, Number(tenant.max_actions));
}

/** How many of `wanted` records the counter, as read, has room for, and why not all when it has less. */
export function roomFor(tenantId: string, tenant: Item | undefined, wanted: number): { granted: number; refusal?: string } {
  if (!tenant?.usage_identifier_key) return { granted: 0, refusal: counterRefusal(tenantId, tenant).message };
  const room = Math.max(0, Number(tenant.max_actions) - Number(tenant.action_count ?? 0));
  return room < wanted ? { granted: room, refusal: counterRefusal(tenantId, tenant).message } : { granted: wanted };
}

export const counterReservation = (tenantsTableName: string, tenantId: string, granted: number, maxActions: unknown) => ({
  Update: {
    TableName: tenantsTableName,
    Key: counterKey(tenantId),
    UpdateExpression: 'SET action_count = if_not_exists(action_count, :zero) + :granted',
    // The limit read with the count still holds, and the count has not grown past room for these.
    ConditionExpression:
      'attribute_exists(usage_identifier_key) AND max_actions = :max AND (attribute_not_exists(action_count) OR action_count <= :ceiling)',
    ExpressionAttributeValues: { ':zero': 0, ':granted': granted, ':max': maxActions, ':ceiling': Number(maxActions) - granted },
  },
});

export const counterRelease = (tenantsTableName: string, tenantId: string, released: number) => ({
  Update: {
    TableName: tenantsTableName,
    Key: counterKey(tenantId),
    UpdateExpression: 'ADD action_count :released',
    ExpressionAttributeValues: { ':released': -released },
  },
});
