import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** The data calls, by what DynamoDB charges them in: read units or write units. */
const KIND_OF: Record<string, 'read' | 'write'> = {
  GetItemCommand: 'read',
  BatchGetItemCommand: 'read',
  QueryCommand: 'read',
  ScanCommand: 'read',
  TransactGetItemsCommand: 'read',
  PutItemCommand: 'write',
  UpdateItemCommand: 'write',
  DeleteItemCommand: 'write',
  BatchWriteItemCommand: 'write',
  TransactWriteItemsCommand: 'write',
};

interface Consumed {
  CapacityUnits?: number;
}

/** The units of an answer's `ConsumedCapacity`: one object (single-item calls, Query, Scan) or one per table (batches, transactions). */
function unitsOf(consumed: Consumed | Consumed[] | undefined): number {
  if (!consumed) return 0;
  if (!Array.isArray(consumed)) return consumed.CapacityUnits ?? 0;
  let units = 0;
  for (const table of consumed) units += table.CapacityUnits ?? 0;
  return units;
}

/**
 * Asks DynamoDB, on every data call, for the capacity it consumed (`ReturnConsumedCapacity: TOTAL`:
 * "the response includes only the aggregate ConsumedCapacity for the operation", DynamoDB API
 * reference), and reports it as read or write units by the call. The middleware sits above the SDK's
 * retries (initialize step), so a call is counted once, by its final answer; a refused call (throttled,
 * a failed condition, a cancelled transaction) answers with no `ConsumedCapacity`, so it counts nothing,
 * although DynamoDB charges a failed conditional write. A call that asked for itself keeps its own setting.
 */
export function reportConsumedCapacity(client: DynamoDBClient, report: (kind: 'read' | 'write', units: number) => void): void {
  client.middlewareStack.add(
    (next, context) => {
      const kind = KIND_OF[context.commandName ?? ''];
      if (!kind) return next;
      return async (args) => {
        const result = await next({ ...args, input: { ReturnConsumedCapacity: 'TOTAL', ...(args.input as object) } });
        const units = unitsOf((result.output as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity);
        if (units > 0) report(kind, units);
        return result;
      };
    },
    { step: 'initialize', name: 'consumedCapacity' },
  );
}
