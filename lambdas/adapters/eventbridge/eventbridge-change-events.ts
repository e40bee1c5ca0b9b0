import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  CHANGE_EVENT_DETAIL_TYPE,
  CHANGE_EVENT_SOURCE,
  MAX_ENTRIES_PER_PUT,
  MAX_ENTRY_BYTES,
  changeDetailOf,
  entryBytes,
} from '../../domain/change-events.ts';
import type { RecordChange } from '../../domain/record-changes.ts';
import type { ChangeEvents } from '../../ports/change-events.ts';
import { RETRY_POLICIES, SDK_ATTEMPTS } from '../../retry-policies.ts';
import { RetriesExhausted, retrying } from '../../retry.ts';

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

interface Entry {
  position: number;
  entry: PutEventsRequestEntry;
  bytes: number;
}

/** Entries that PutEvents answered as failed (throttled, an internal failure): put again by the `changeEvents` policy. */
class EntriesFailed extends Error {}

/** The calls' entries: in order, at most 10 and 256 KB a call. */
function callsOf(entries: Entry[]): Entry[][] {
  const calls: Entry[][] = [];
  let call: Entry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (call.length === MAX_ENTRIES_PER_PUT || bytes + entry.bytes > MAX_ENTRY_BYTES) {
      calls.push(call);
      call = [];
      bytes = 0;
    }
    call.push(entry);
    bytes += entry.bytes;
  }
  if (call.length > 0) calls.push(call);
  return calls;
}

/**
 * The change events on the stack's EventBridge bus. A call's entries are put in the changes' order; the
 * entries a call answers as failed (PutEvents reports them one by one in FailedEntryCount) are put again
 * alone, and a change whose entry keeps failing stops the publishing there: the stream delivers it again.
 */
export class EventBridgeChangeEvents implements ChangeEvents {
  /** `local`: the local service's bus, which takes placeholder credentials (the machine's are never sent there). */
  static forBus(busName: string, region: string, local = false): EventBridgeChangeEvents {
    return new EventBridgeChangeEvents(
      new EventBridgeClient({ region, maxAttempts: SDK_ATTEMPTS, ...(local && { credentials: LOCAL_CREDENTIALS }) }),
      busName,
    );
  }

  private readonly client: EventBridgeClient;
  private readonly busName: string;
  constructor(client: EventBridgeClient, busName: string) {
    this.client = client;
    this.busName = busName;
  }

  async publish(changes: RecordChange[]): Promise<number | undefined> {
    const entries = changes.map((change, position) => {
      const detail = changeDetailOf(change);
      return {
        position,
        bytes: entryBytes(detail),
        entry: {
          EventBusName: this.busName,
          Source: CHANGE_EVENT_SOURCE,
          DetailType: CHANGE_EVENT_DETAIL_TYPE,
          Detail: detail,
          Time: new Date(change.time),
        },
      };
    });
    for (const call of callsOf(entries)) {
      const failed = await this.put(call);
      if (failed !== undefined) return failed;
    }
    return undefined;
  }

  /** Puts a call's entries, the failed ones again; the position of the first still failing, if any. */
  private async put(call: Entry[]): Promise<number | undefined> {
    let left = call;
    try {
      await retrying(
        RETRY_POLICIES.changeEvents,
        async () => {
          const { Entries = [] } = await this.client.send(new PutEventsCommand({ Entries: left.map(({ entry }) => entry) }));
          left = left.filter((_, n) => Entries[n]?.ErrorCode !== undefined || Entries[n]?.EventId === undefined);
          if (left.length > 0) throw new EntriesFailed(`${left.length} of the entries failed`);
        },
        () => true,
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof RetriesExhausted)) throw error;
      return left[0]?.position ?? call[0]?.position;
    }
  }
}
