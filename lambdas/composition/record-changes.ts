import { DynamoDbRunSummaries } from '../adapters/dynamodb/dynamodb-run-summaries.ts';
import { EventBridgeChangeEvents } from '../adapters/eventbridge/eventbridge-change-events.ts';
import { changeEventsConfig, summariesConfig } from '../config.ts';
import type { ChangeDependencies } from '../use-cases/record-changes.ts';
import { newStorage, storage } from './shared.ts';

export { streamedChangeOf } from '../adapters/dynamodb/stream-records.ts';

let changes: ChangeDependencies | undefined;

/**
 * The stream consumer's: the run summaries it counts in, and the bus it publishes each change on (only
 * its bundle holds that client). Locally its DynamoDB `endpoint` is the capacity emulator's background
 * door, as the bulk loads' (the API's calls go first).
 */
export function changeDependencies(endpoint?: string): ChangeDependencies {
  if (!changes) {
    const { client } = endpoint ? newStorage({ endpoint }) : storage();
    const events = changeEventsConfig();
    changes = {
      summaries: new DynamoDbRunSummaries(client, summariesConfig().summariesTableName),
      events: EventBridgeChangeEvents.forBus(events.busName, events.region, events.local),
    };
  }
  return changes;
}
