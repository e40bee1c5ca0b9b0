import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** What DynamoDB refused an attempt of a call for: its throughput (throttled), or another transaction on the item (conflict). */
export type CapacityEvent = 'throttled' | 'conflict';

const THROTTLING = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);

function eventsOfError(error: { name?: string; CancellationReasons?: { Code?: string }[] }): CapacityEvent[] {
  if (THROTTLING.has(error.name ?? '')) return ['throttled'];
  if (error.name === 'TransactionConflictException') return ['conflict'];
  if (error.name !== 'TransactionCanceledException') return [];
  const codes = new Set((error.CancellationReasons ?? []).map((reason) => reason.Code));
  return [
    ...(codes.has('ThrottlingError') ? ['throttled' as const] : []),
    ...(codes.has('TransactionConflict') ? ['conflict' as const] : []),
  ];
}

/** Whether DynamoDB refused this for load (throttling, or another transaction on an item): worth trying again later. */
export const storageBusy = (error: unknown): boolean => error instanceof Error && eventsOfError(error).length > 0;

const unprocessed = (output: { UnprocessedItems?: Record<string, unknown[]> }): boolean =>
  Object.values(output.UnprocessedItems ?? {}).some((writes) => writes.length > 0);

/**
 * Reports every attempt of a call that DynamoDB throttled or refused for a transaction conflict, the
 * retried ones too (the middleware sits below the SDK's retries, one call per attempt), and a batch
 * write that left items unprocessed: the functions count them (`StorageThrottled`, `StorageConflicts`).
 */
export function reportCapacityEvents(client: DynamoDBClient, report: (event: CapacityEvent) => void): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        const result = await next(args);
        if (result.output && unprocessed(result.output as { UnprocessedItems?: Record<string, unknown[]> })) report('throttled');
        return result;
      } catch (error) {
        for (const event of eventsOfError(error as { name?: string })) report(event);
        throw error;
      }
    },
    // Around the deserializer (high): it sees the answer as output or as the service's exception.
    { step: 'deserialize', name: 'capacityEvents', priority: 'high' },
  );
}
