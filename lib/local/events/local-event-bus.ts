import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { MAX_ENTRIES_PER_PUT, MAX_ENTRY_BYTES } from '../../../lambdas/domain/change-events.ts';
import { LocalAwsError } from '../processing/local-aws-error.ts';

export interface LocalEventBusOptions {
  busName: string;
  region: string;
  account: string;
  /** Each event is appended here as one JSON line (DATA_DIR/events.ndjson). */
  file: string;
  /** EVENTS_WEBHOOK_URL: each event is also POSTed there, in order, as an EventBridge target receives it. */
  webhookUrl?: string;
}

/** An event as EventBridge delivers it to a target. */
export interface DeliveredEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

interface Entry {
  EventBusName?: unknown;
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  Time?: unknown;
  Resources?: unknown;
}

const WEBHOOK_ATTEMPTS = 3;
const bytesOf = (entry: Entry): number =>
  ['Source', 'DetailType', 'Detail'].reduce((sum, key) => sum + Buffer.byteLength(String(entry[key as keyof Entry] ?? '')), 0) +
  (entry.Time === undefined ? 0 : 14) +
  (Array.isArray(entry.Resources) ? entry.Resources.reduce((sum: number, resource) => sum + Buffer.byteLength(String(resource)), 0) : 0);

/**
 * The stack's event bus, in the local service: PutEvents as EventBridge answers it (at most 10 entries
 * and 256 KB a call, each entry checked on its own and answered with an EventId or an error code), and
 * each event put delivered as a rule's target would receive it: a line of the events file, and a POST to
 * the developer's webhook when one is set (retried a few times, then logged and dropped, as a target
 * without a dead-letter queue). Tests can make it refuse the next entries, as EventBridge does when
 * throttled.
 */
export class LocalEventBus {
  private readonly options: LocalEventBusOptions;
  private refusals = 0;
  private webhookQueue: Promise<void> = Promise.resolve();

  constructor(options: LocalEventBusOptions) {
    this.options = options;
  }

  /** The next `count` entries put are answered failed (ThrottlingException), as EventBridge answers entries over its rate. */
  refuseNext(count: number): void {
    this.refusals += count;
  }

  putEvents(request: Record<string, unknown>): Record<string, unknown> {
    const entries = request.Entries;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES_PER_PUT) {
      throw new LocalAwsError('ValidationException', `Entries must hold 1 to ${MAX_ENTRIES_PER_PUT} entries`);
    }
    const total = (entries as Entry[]).reduce((sum, entry) => sum + bytesOf(entry), 0);
    if (total > MAX_ENTRY_BYTES)
      throw new LocalAwsError(
        'ValidationException',
        `Total size of the entries in the request is over the limit of ${MAX_ENTRY_BYTES} bytes`,
      );
    const answers = (entries as Entry[]).map((entry) => this.put(entry));
    return { FailedEntryCount: answers.filter((answer) => 'ErrorCode' in answer).length, Entries: answers };
  }

  async settled(): Promise<void> {
    await this.webhookQueue;
  }

  private put(entry: Entry): Record<string, string> {
    const bus = String(entry.EventBusName ?? 'default');
    if (bus !== this.options.busName && !bus.endsWith(`:event-bus/${this.options.busName}`)) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` };
    }
    if (typeof entry.Source !== 'string' || typeof entry.DetailType !== 'string' || typeof entry.Detail !== 'string') {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Source, DetailType and Detail are required' };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail must be a JSON object.' };
    }
    if (this.refusals > 0) {
      this.refusals--;
      return { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' };
    }
    const time = typeof entry.Time === 'number' ? new Date(entry.Time * 1000) : new Date();
    const event: DeliveredEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: this.options.account,
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.options.region,
      resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
      detail,
    };
    appendFileSync(this.options.file, `${JSON.stringify(event)}\n`);
    if (this.options.webhookUrl) this.toWebhook(this.options.webhookUrl, event);
    return { EventId: event.id };
  }

  private toWebhook(url: string, event: DeliveredEvent): void {
    this.webhookQueue = this.webhookQueue.then(async () => {
      for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS; attempt++) {
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(event),
            signal: AbortSignal.timeout(5_000),
          });
          if (response.ok) return;
        } catch {
          // Tried again below.
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
      process.emitWarning(`EVENTS_WEBHOOK_URL did not take event ${event.id} after ${WEBHOOK_ATTEMPTS} attempts; it is in the events file`);
    });
  }
}
