import type { RecordChange } from '../domain/record-changes.ts';

/** Where the changes of records are published (the stack's EventBridge bus; locally, the local service's). */
export interface ChangeEvents {
  /**
   * Publishes one event per change, in their order. Answers the position of the first change whose
   * event could not be put (the stream delivers it and those after it again: an event may then be
   * published twice, never lost), or undefined when all were put.
   */
  publish(changes: RecordChange[]): Promise<number | undefined>;
}

/** A record of the table's stream: its sequence number, and the change it tells (none: a write that made no new version of a record). */
export interface StreamedChange {
  sequence: string;
  /** With, for a deleted record, when its item expires (the summaries' bookkeeping of it goes then too). */
  change: (RecordChange & { expiresAt?: number }) | undefined;
}
