import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type CapacityEvent, busyEventsOf } from '../../storage-busy.ts';

type BatchOutput = { UnprocessedItems?: Record<string, unknown[]>; UnprocessedKeys?: Record<string, { Keys?: unknown[] }> };
const unprocessed = (output: BatchOutput): boolean =>
  Object.values(output.UnprocessedItems ?? {}).some((writes) => writes.length > 0) ||
  Object.values(output.UnprocessedKeys ?? {}).some((reads) => (reads.Keys?.length ?? 0) > 0);

/**
 * Reports every attempt of a call that DynamoDB throttled or refused for a transaction conflict, the
 * retried ones too (the middleware sits below the SDK's retries, one call per attempt), and a batch
 * write or read that left items unprocessed: the functions count them (`StorageThrottled`, `StorageConflicts`).
 */
export function reportCapacityEvents(client: DynamoDBClient, report: (event: CapacityEvent) => void): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        const result = await next(args);
        if (result.output && unprocessed(result.output as BatchOutput)) report('throttled');
        return result;
      } catch (error) {
        for (const event of busyEventsOf(error)) report(event);
        throw error;
      }
    },
    // Around the deserializer (high): it sees the answer as output or as the service's exception.
    { step: 'deserialize', name: 'capacityEvents', priority: 'high' },
  );
}
