import { TENANT_PARTITION_KEY } from './table-design.ts';

/**
 * The tenant's record counter (`action_count` on its registry item) as a bulk load's batches move it:
 * room reserved for a batch in one step, under the limit read with the count, and room given back by a
 * batch that gave up before writing all it reserved. Both are items of a transaction that also moves
 * the batch's bookkeeping item, so each happens once.
 */
export const counterReservation = (tenantsTableName: string, tenantId: string, granted: number, maxActions: unknown) => ({
  Update: {
    TableName: tenantsTableName,
    Key: { [TENANT_PARTITION_KEY]: tenantId },
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
    Key: { [TENANT_PARTITION_KEY]: tenantId },
    UpdateExpression: 'ADD action_count :released',
    ExpressionAttributeValues: { ':released': -released },
  },
});
