import type { ChangeEvents, StreamedChange } from '../ports/change-events.ts';
import type { RunSummaries } from '../ports/run-summaries.ts';

export interface ChangeDependencies {
  summaries: RunSummaries;
  events: ChangeEvents;
}

/**
 * A batch of the change stream, in its order: each change counted in its run's summary, then published
 * as an event. Answers the sequence number of the first record not fully handled: the event source
 * delivers it and every record after it again (partial batch response), which the counting ignores for
 * what it counted (each change once) and the events repeat (at least once: consumers dedupe by id and
 * version). Everything before it is done.
 */
export async function handleChanges(deps: ChangeDependencies, streamed: StreamedChange[]): Promise<{ failedFrom?: string }> {
  const changes = streamed.flatMap(({ sequence, change }) => (change ? [{ sequence, change }] : []));
  const uncounted = await deps.summaries.count(changes.map(({ change }) => change));
  const counted = changes.slice(0, uncounted ?? changes.length);
  const unpublished = await deps.events.publish(counted.map(({ change }) => change));
  const failed = unpublished ?? uncounted;
  return failed === undefined ? {} : { failedFrom: (changes[failed] as { sequence: string }).sequence };
}
